"""Video placeholders in stored post HTML, and their expansion into what a reader gets.

``blog.rendering`` writes a ``<closer-video>`` placeholder after sanitizing (so author text can
never produce one); pages expand it into a click-to-load facade, feeds into a linked poster.
Expanding at display time keeps stored bodies right when a video's title or poster changes.

Timecodes (``[1:23]``, ``[1:02:03]``) are also turned into links here, at display time: the
stored body is already sanitized and keeps the bracketed text, so each timecode can point at
the nearest embedded video before it with today's player URL.
"""

import json
import re
from dataclasses import dataclass, replace
from html import unescape

from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from videos.compare import offset_text
from videos.providers import (
    UnsupportedVideoURL,
    VideoRef,
    format_timecode,
    get_provider,
    parse_timecode,
    parse_video_url,
)

_PLACEHOLDER = re.compile(r'<closer-video data-key="([^"]*)" data-url="([^"]*)"></closer-video>')
# Side by side (videos.compare): two videos and the offset between their starts.
_COMPARE = re.compile(
    r'<closer-compare data-first-key="([^"]*)" data-first-url="([^"]*)" '
    r'data-second-key="([^"]*)" data-second-url="([^"]*)" data-offset="(-?\d+)"></closer-compare>'
)
_COMPARE_WHOLE = r"<closer-compare [^>]*></closer-compare>"
# One pass over sanitized HTML: a placeholder, a comparison, any other tag, or a run of text. A
# tag runs to the first ">" outside quotes: bleach leaves ">" unescaped inside attribute values.
_TOKEN = re.compile(
    rf"({_PLACEHOLDER.pattern})|({_COMPARE_WHOLE})|(<(?:[^>\"']|\"[^\"]*\"|'[^']*')*>)|([^<]+|<)"
)
_CLOCK = r"[0-9]{1,2}(?::[0-5][0-9]){1,2}"
# "[1:23]" is a moment, "[1:23-1:45]" (hyphen or en dash) a clip that stops at its end.
_TIMECODE = re.compile(rf"\[({_CLOCK})(?:\s?[-\u2013]\s?({_CLOCK}))?\]")
# Timecodes inside these stay text: a link in a link is invalid, and code is code.
_NO_TIMECODES = re.compile(r"<(/?)(a|code|pre)\b", re.IGNORECASE)


def placeholder_html(ref: VideoRef, url: str) -> str:
    """Return the placeholder element stored in body_html for one embedded video."""
    return f'<closer-video data-key="{escape(ref.key)}" data-url="{escape(url)}"></closer-video>'


def compare_placeholder_html(comparison) -> str:
    """Return the placeholder stored in body_html for a side-by-side pair of videos."""
    return (
        f'<closer-compare data-first-key="{escape(comparison.first.key)}" '
        f'data-first-url="{escape(comparison.first_url)}" '
        f'data-second-key="{escape(comparison.second.key)}" '
        f'data-second-url="{escape(comparison.second_url)}" '
        f'data-offset="{int(comparison.offset)}"></closer-compare>'
    )


def keys_in(html: str) -> list[str]:
    """Return the "provider:id" keys of the videos placed in stored HTML, in order."""
    keys = [match.group(1) for match in _PLACEHOLDER.finditer(html)]
    for match in _COMPARE.finditer(html):
        keys += [match.group(1), match.group(3)]
    return keys


def expand_placeholders(
    html: str, videos, *, mode: str = "page", fallback=None, anchors: bool = True
) -> str:
    """Replace placeholders with facades ("page") or linked posters ("feed"); link timecodes.

    Timecodes point at the nearest video above them, the first one for those above every
    video, and at `fallback` (a stored Video shown elsewhere on the page, such as the first
    attached one) when the body has no video at all.
    """
    by_key = {video.key: video for video in videos}
    current = _first_placed(html, by_key, fallback)
    if current is not None:
        current = (replace(current[0], end_seconds=None), current[1])
    out, skip_depth, clips, counter, compared = [], 0, False, [0], False
    for token in _TOKEN.finditer(html):
        placeholder, key, url, compare, tag, text = token.group(1, 2, 3, 4, 5, 6)
        if compare:
            # Timecodes keep pointing at the single video above: a pair has no "nearest".
            shown = render_compare(compare, by_key, mode=mode)
            compared = compared or bool(shown)
            out.append(shown)
        elif placeholder:
            found = _placed(key, url, by_key)
            if found is not None:
                current = (replace(found[0], end_seconds=None), found[1])
                clips = clips or found[0].end_seconds is not None
                out.append(render_video(found[0], found[1], mode=mode))
        elif tag:
            if match := _NO_TIMECODES.match(tag):
                skip_depth = max(0, skip_depth + (-1 if match.group(1) else 1))
            out.append(tag)
        elif current is not None and not skip_depth:
            linked = _link_timecodes(text, *current, mode=mode, counter=counter, anchors=anchors)
            clips = clips or 'data-end="' in linked
            out.append(linked)
        else:
            out.append(text)
    if clips and mode == "page":
        # Only pages quoting a clip need the script that stops players at a clip's end.
        out.append(format_html('<script src="{}" defer></script>', static("closer/clips.js")))
    if counter[0] and mode == "page":
        # Timecodes may drive a player far above them: dock.js keeps it in view.
        out.append(format_html('<script src="{}" defer></script>', static("closer/dock.js")))
    if mode == "page" and counter[0]:
        # Watch-along follows the player's time to the paragraph quoting it.
        out.append(watchalong_script())
    if compared and mode == "page":
        out.append(format_html('<script src="{}" defer></script>', static("closer/compare.js")))
    return "".join(out)


def watchalong_script() -> str:
    """Return the tag of the script that follows a playing video in the text quoting it."""
    return format_html('<script src="{}" defer></script>', static("closer/watchalong.js"))


def render_compare(placeholder: str, by_key: dict, *, mode: str = "page") -> str:
    """Return two videos side by side with one button starting both ("" if unreadable)."""
    match = _COMPARE.fullmatch(placeholder)
    if not match:
        return ""
    first, second = _placed(*match.group(1, 2), by_key), _placed(*match.group(3, 4), by_key)
    if first is None or second is None:
        return ""
    offset = int(match.group(5))
    return render_to_string(
        "videos/_feed_compare.html" if mode == "feed" else "videos/_compare.html",
        {
            # Each drawn from our own templates, its values escaped there.
            "first": mark_safe(render_video(*first, mode=mode)),
            "second": mark_safe(render_video(*second, mode=mode)),
            "offset": offset,
            "offset_text": offset_text(offset),
        },
    ).strip()


@dataclass(frozen=True)
class Moment:
    """One timecode or clip an essay cites: which video, when, and what the essay says there."""

    video_key: str
    start_seconds: int
    end_seconds: int | None
    excerpt: str
    anchor: str


# Blocks whose text is "what the essay says there" for the timecodes inside them.
_BLOCK = re.compile(r"<(/?)(p|li|h[1-6]|blockquote|td|th|dd|dt|figcaption)\b", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?\u2026])\s+")
MAX_EXCERPT = 300


def cites_moments(html: str) -> bool:
    """Return whether stored HTML could cite a timecode (a cheap check before any query)."""
    return _TIMECODE.search(html) is not None


def moment_anchor(number: int) -> str:
    return f"moment-{number}"


def moments_in(html: str, videos, *, fallback=None, cited=None) -> list[Moment]:
    """Return every timecode and clip cited in stored HTML, with the sentence around each.

    Walks the HTML as expand_placeholders does, so moment N here is the link that carries
    id="moment-N" on the page. cited, when given, is asked about every other tag and returns
    the Moment it stands for or None: how the essay's own elements (a still, placed by the
    app that knows them) join the list in their place.
    """
    by_key = {video.key: video for video in videos}
    current = _first_placed(html, by_key, fallback)
    moments, pending, block, skip_depth, number = [], [], [], 0, 0

    def close_block():
        text = "".join(block)
        for key, start, end, anchor, at in pending:
            moments.append(Moment(key, start, end, _sentence_at(text, at), anchor))
        pending.clear()
        block.clear()

    for token in _TOKEN.finditer(html):
        placeholder, key, url, compare, tag, text = token.group(1, 2, 3, 4, 5, 6)
        if compare:
            close_block()
        elif placeholder:
            close_block()
            if (found := _placed(key, url, by_key)) is not None:
                current = found
        elif tag:
            if _BLOCK.match(tag):
                close_block()
            if cited is not None and (moment := cited(tag)) is not None:
                close_block()
                moments.append(moment)
            if match := _NO_TIMECODES.match(tag):
                skip_depth = max(0, skip_depth + (-1 if match.group(1) else 1))
        else:
            text = unescape(text)
            if current is not None and not skip_depth:
                ref, video = current
                duration = video.duration_seconds if video else None
                offset = sum(len(piece) for piece in block)
                for match in _TIMECODE.finditer(text):
                    number += 1
                    start, end = _range(match, duration)
                    if start is not None:
                        at = offset + match.start()
                        pending.append((ref.key, start, end, moment_anchor(number), at))
            block.append(text)
    close_block()
    return moments


def _sentence_at(text: str, at: int) -> str:
    """Return the sentence of text around position at, as plain squeezed text."""
    begin = 0
    for match in _SENTENCE_END.finditer(text):
        if match.start() >= at:
            text = text[begin : match.start()]
            break
        begin = match.end()
    else:
        text = text[begin:]
    sentence = " ".join(_TIMECODE.sub(lambda m: m.group(0)[1:-1], text).split())
    if len(sentence) > MAX_EXCERPT:
        sentence = sentence[: MAX_EXCERPT - 1].rstrip() + "\u2026"
    return sentence


def _range(match, duration) -> tuple[int | None, int | None]:
    """Return (start, end) for a timecode match, (None, None) if it is not a usable moment."""
    seconds, end = (parse_timecode(group) if group else None for group in match.group(1, 2))
    if seconds is None or (duration and seconds > duration):
        return None, None
    if match.group(2) and (end is None or end <= seconds or (duration and end > duration)):
        return None, None
    return seconds, end


def _first_placed(html: str, by_key: dict, fallback):
    found = next(
        filter(
            None, (_placed(*match.group(1, 2), by_key) for match in _PLACEHOLDER.finditer(html))
        ),
        None,
    )
    if found is None and fallback is not None:
        found = (fallback.ref, fallback)
    return found


def _placed(key: str, url: str, by_key: dict):
    """Return (ref, stored video or None) for a placeholder, or None if its URL is no video."""
    try:
        ref = parse_video_url(unescape(url))
    except UnsupportedVideoURL:
        return None
    video = by_key.get(key)
    return _with_stored(ref, video), video


def _link_timecodes(
    text: str, ref: VideoRef, video, *, mode: str, counter: list, anchors: bool = True
) -> str:
    duration = video.duration_seconds if video else None

    def replace_one(match):
        # Every bracketed timecode is numbered, linked or not, as in moments_in.
        counter[0] += 1
        seconds, end = _range(match, duration)
        if seconds is None:
            return match.group(0)
        # Only the essay body carries the moment ids its shot list links back to.
        anchor = moment_anchor(counter[0]) if mode == "page" and anchors else ""
        if video is not None and video.is_flagged:
            # Gone from its provider: the moment stays quoted (and the shot list's target),
            # but there is no player to start and no page to link to.
            return gone_timecode(seconds, end=end, anchor=anchor)
        return timecode_link(ref, seconds, end=end, mode=mode, anchor=anchor)

    return _TIMECODE.sub(replace_one, text)


def gone_timecode(seconds: int, *, end: int | None = None, anchor: str = "") -> str:
    """Return a quoted moment of a video that no longer plays: the time, as text."""
    id_attribute = format_html(' id="{}"', anchor) if anchor else ""
    return format_html(
        '<span{} class="timecode timecode-gone">{}</span>', id_attribute, clip_label(seconds, end)
    )


def clip_label(start: int, end: int | None) -> str:
    """Return "1:23" for a moment, "1:23–1:45" for a clip."""
    if end is None:
        return format_timecode(start)
    return f"{format_timecode(start)}\u2013{format_timecode(end)}"


def timecode_link(
    ref: VideoRef,
    seconds: int,
    *,
    end: int | None = None,
    mode: str = "page",
    label: str = "",
    anchor: str = "",
    extra_class: str = "",
) -> str:
    """Return a link to ref at seconds: a deep link, which player.js turns into a seek.

    With an end it is a clip: the player stops there (by its URL where the provider allows,
    else clips.js pauses it); without JavaScript it is still a deep link to the start.
    """
    label = label or clip_label(seconds, end)
    watch_url = ref.watch_url(start=seconds)
    if mode == "feed":
        return format_html('<a href="{}">{}</a>', watch_url, label)
    id_attribute = format_html(' id="{}"', anchor) if anchor else ""
    if end is None:
        return format_html(
            '<a{} class="timecode{}" href="{}" data-video-key="{}" data-start="{}" '
            'data-player-url="{}">{}</a>',
            id_attribute,
            f" {extra_class}" if extra_class else "",
            watch_url,
            ref.key,
            seconds,
            ref.player_url(start=seconds),
            label,
        )
    return format_html(
        '<a{} class="timecode clip" href="{}" data-video-key="{}" data-start="{}" data-end="{}" '
        'data-player-url="{}"><span class="visually-hidden">Clip </span>{}</a>',
        id_attribute,
        watch_url,
        ref.key,
        seconds,
        end,
        ref.player_url(start=seconds, end=end),
        label,
    )


def _with_stored(ref: VideoRef, video) -> VideoRef:
    if video is None:
        return ref
    # The stored row knows the unlisted hash and playlist even when this URL form did not.
    return replace(
        ref,
        private_hash=ref.private_hash or video.private_hash or None,
        playlist_id=ref.playlist_id or video.playlist_id or None,
        source_url=ref.source_url or video.source_url or None,
        embed_id=ref.embed_id or video.embed_id or None,
    )


def render_video(ref: VideoRef, video=None, *, caption: str = "", mode: str = "page") -> str:
    """Return the reader-facing HTML for one video reference."""
    ref = _with_stored(ref, video)
    provider = get_provider(ref.provider)
    label = provider.label
    title = video.display_title if video else f"{label} {provider.noun}"
    note = video.unavailable_note if video else ""
    template = "videos/_feed_video.html" if mode == "feed" else "videos/_facade.html"
    return render_to_string(
        template,
        {
            "ref": ref,
            "video": video,
            "title": title,
            "provider_label": label,
            "caption": caption,
            "player_url": ref.player_url(),
            "clip": clip_label(ref.start_seconds or 0, ref.end_seconds) if ref.end_seconds else "",
            "watch_url": ref.watch_url(start=ref.start_seconds),
            "poster": video.poster if video else None,
            "aspect": video.aspect if video else "16x9",
            "duration": video.duration_display if video else "",
            "note": note,
            "chapters": _chapters(ref, video, mode=mode),
            "transcript": _transcript(ref, video) if mode == "page" else [],
            "captions": _captions(ref, video) if mode == "page" else "",
            "watchalong_script": watchalong_script(),
            "playable": ref.playable,
            "provider_noun": provider.noun,
            "credits": _credits(video) if note else [],
            "original_url": (video.url or ref.watch_url()) if note else "",
            "wayback_url": video.wayback_url if note else "",
        },
    ).strip()


def _credits(video) -> list[str]:
    """Return what the memorial card says about a gone video, from what we kept of it."""
    credits = [video.artist, f"directed by {video.director}" if video.director else ""]
    credits += [str(video.year) if video.year else "", video.author_name]
    if video.upload_date and not video.year:
        credits.append(str(video.upload_date.year))
    return [credit for credit in credits if credit]


def _transcript(ref: VideoRef, video) -> list[dict]:
    """Return the transcript's lines, each time a link that plays the video from there."""
    if video is None or not video.transcript:
        return []
    duration, lines = video.duration_seconds, []
    for line in video.transcript_lines:
        seconds = line.start_seconds
        if seconds is None:
            link = ""
        elif video.is_flagged or not ref.playable or (duration and seconds > duration):
            link = gone_timecode(seconds)
        else:
            link = timecode_link(ref, seconds)
        lines.append({"link": link, "text": line.text})
    return lines


def _captions(ref: VideoRef, video) -> str:
    """Return a file video's caption tracks as JSON for player.js ("" when it has none)."""
    if video is None or ref.player_kind != "native" or not video.caption_tracks:
        return ""
    return json.dumps(video.caption_sources, separators=(",", ":"))


def _chapters(ref: VideoRef, video, *, mode: str) -> list[dict]:
    # Only when prefetched: a page showing several videos must not query once per video.
    cache = getattr(video, "_prefetched_objects_cache", {}) if video else {}
    if "chapters" not in cache or video.is_flagged:
        return []
    return [
        {"link": timecode_link(ref, chapter.start_seconds, mode=mode), "title": chapter.title}
        for chapter in cache["chapters"]
    ]
