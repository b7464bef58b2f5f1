"""Stills: frames of a video quoted as pictures, placed in a body with ``[still:ID]``.

The renderer stores a ``<closer-still data-id>`` placeholder (never produced from author text);
pages expand it at display time into a library picture captioned with the video's credits and
the time, the whole picture a timecode link: ``player.js`` plays the video from that moment
when it is on the page, and without JavaScript (or when it is not) the link is the provider's
own deep link. Feeds and emails get the image, the caption and a link to the moment.

This module knows no models (``blog.models`` imports it): callers pass the stills.
"""

import re

from django.utils.html import format_html, format_html_join

from blog import images
from videos.embed import Moment, gone_timecode, timecode_link
from videos.providers import format_timecode

PLACEHOLDER = re.compile(r'<closer-still data-id="(\d+)"></closer-still>')
_OPENING = re.compile(r'<closer-still data-id="(\d+)">')


def placeholder_ids(html: str) -> set[int]:
    """Return the ids of the stills a stored body places."""
    return {int(i) for i in PLACEHOLDER.findall(html)}


def still_anchor(number: int) -> str:
    return f"still-{number}"


def _by_id(html: str, stills) -> dict:
    """Return the stills html places, by id: stills is a queryset (one query, only when the
    body places one) or a dict already fetched for several bodies."""
    if isinstance(stills, dict):
        return stills
    ids = placeholder_ids(html)
    if not ids:
        return {}
    return stills.select_related("image", "video").in_bulk(ids)


class CitedStills:
    """The stills a body places, as moments of their videos for the essay's shot list."""

    def __init__(self, html: str, stills):
        self.found = _by_id(html, stills)
        self.number = 0

    def videos(self) -> list:
        return [still.video for still in self.found.values()]

    def moment(self, tag: str) -> Moment | None:
        """Return the moment a ``<closer-still>`` tag stands for (numbered as on the page)."""
        match = _OPENING.match(tag)
        if not match:
            return None
        self.number += 1
        still = self.found.get(int(match.group(1)))
        if still is None:
            return None
        caption = " ".join(still.shown_caption.split()) or f"Still at {still.timecode}"
        return Moment(still.video.key, still.at_seconds, None, caption, still_anchor(self.number))


def cited_stills(html: str, stills) -> CitedStills:
    return CitedStills(html, stills)


def expand_placeholders(html: str, stills, *, mode: str = "page") -> str:
    """Replace ``<closer-still>`` placeholders with captioned stills (or a visible note)."""
    if "<closer-still " not in html:
        return html
    found = _by_id(html, stills)
    number = 0

    def replace(match):
        nonlocal number
        number += 1
        still = found.get(int(match.group(1)))
        if still is None:
            return missing_html(int(match.group(1)))
        return still_html(still, mode=mode, anchor=still_anchor(number) if mode == "page" else "")

    return PLACEHOLDER.sub(replace, html)


def missing_html(pk: int) -> str:
    """Return what readers see where a body places a still that does not exist."""
    return format_html('<p class="still-missing">[Still {} is missing from the library.]</p>', pk)


def credits(video) -> list[str]:
    """Return the credit line of a still's video: title, artist, director, year."""
    parts = [f"“{video.display_title}”", video.artist]
    parts += [f"directed by {video.director}" if video.director else ""]
    parts += [str(video.year) if video.year else ""]
    return [part for part in parts if part]


def still_html(still, *, mode: str = "page", anchor: str = "") -> str:
    """Return one still: the picture, its caption and credit, and the time it is from."""
    video, image, seconds = still.video, still.image, still.at_seconds
    ref = video.ref
    time = format_timecode(seconds)
    credit = format_html_join(" · ", "{}", ((part,) for part in credits(video)))
    if mode == "feed":
        picture = images.image_feed_html(image)
        moment = (
            format_html("at {}", time)
            if video.is_flagged
            else format_html('<a href="{}">Watch from {}</a>', ref.watch_url(start=seconds), time)
        )
    else:
        picture = images.image_picture_html(image)
        if video.is_flagged:
            moment = gone_timecode(seconds)
        else:
            label = format_html(
                '{}<span class="still-play"><span class="visually-hidden">Play “{}” from '
                "</span>{}</span>",
                picture,
                video.display_title,
                time,
            )
            picture = timecode_link(ref, seconds, label=label, extra_class="still-link")
            # The picture is the link that plays it; the caption says when, as text.
            moment = format_html('<span class="still-time">{}</span>', time)
    caption = format_html(
        '<figcaption>{}<span class="still-credit">{} · {}</span></figcaption>',
        format_html("{} ", still.shown_caption) if still.shown_caption else "",
        credit,
        moment,
    )
    id_attribute = format_html(' id="{}"', anchor) if anchor else ""
    return format_html(
        '<figure{} class="post-image still">{}{}</figure>', id_attribute, picture, caption
    )
