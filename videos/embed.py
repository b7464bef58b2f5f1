"""Video placeholders in stored post HTML, and their expansion into what a reader gets.

``blog.rendering`` writes a ``<closer-video>`` placeholder after sanitizing (so author text can
never produce one); pages expand it into a click-to-load facade, feeds into a linked poster.
Expanding at display time keeps stored bodies right when a video's title or poster changes.
"""

import re
from html import unescape

from django.template.loader import render_to_string
from django.utils.html import escape

from videos.providers import UnsupportedVideoURL, VideoRef, get_provider, parse_video_url

_PLACEHOLDER = re.compile(r'<closer-video data-key="([^"]*)" data-url="([^"]*)"></closer-video>')


def placeholder_html(ref: VideoRef, url: str) -> str:
    """Return the placeholder element stored in body_html for one embedded video."""
    return f'<closer-video data-key="{escape(ref.key)}" data-url="{escape(url)}"></closer-video>'


def keys_in(html: str) -> list[str]:
    """Return the "provider:id" keys of the videos placed in stored HTML, in order."""
    return [match.group(1) for match in _PLACEHOLDER.finditer(html)]


def expand_placeholders(html: str, videos, *, mode: str = "page") -> str:
    """Replace placeholders with facades ("page") or linked posters ("feed")."""
    by_key = {video.key: video for video in videos}

    def replace(match):
        try:
            ref = parse_video_url(unescape(match.group(2)))
        except UnsupportedVideoURL:
            return ""
        return render_video(ref, by_key.get(match.group(1)), mode=mode)

    return _PLACEHOLDER.sub(replace, html)


def render_video(ref: VideoRef, video=None, *, caption: str = "", mode: str = "page") -> str:
    """Return the reader-facing HTML for one video reference."""
    if video is not None:
        # The stored row knows the unlisted hash and playlist even when this URL form did not.
        ref = VideoRef(
            provider=ref.provider,
            video_id=ref.video_id,
            start_seconds=ref.start_seconds,
            private_hash=ref.private_hash or video.private_hash or None,
            playlist_id=ref.playlist_id or video.playlist_id or None,
            source_url=ref.source_url or video.source_url or None,
        )
    label = get_provider(ref.provider).label
    template = "videos/_feed_video.html" if mode == "feed" else "videos/_facade.html"
    return render_to_string(
        template,
        {
            "ref": ref,
            "video": video,
            "title": video.display_title if video else f"{label} video",
            "provider_label": label,
            "caption": caption,
            "player_url": ref.embed_url(autoplay=True),
            "watch_url": ref.watch_url(start=ref.start_seconds),
        },
    ).strip()
