"""Vimeo: public and unlisted videos, player embeds, channels, groups and showcases."""

import re
from urllib.parse import SplitResult

from videos.providers.base import (
    Provider,
    UnsupportedVideoURL,
    VideoRef,
    path_segments,
    query_value,
    register,
    time_range,
    with_query,
)

VIDEO_ID = re.compile(r"[0-9]{1,12}")
PRIVATE_HASH = re.compile(r"[0-9a-f]{6,20}")
SLUG = re.compile(r"[A-Za-z0-9_.-]{1,100}")


@register
class Vimeo(Provider):
    name = "vimeo"
    label = "Vimeo"
    hosts = frozenset({"vimeo.com", "www.vimeo.com", "player.vimeo.com"})
    oembed_endpoint = "https://vimeo.com/api/oembed.json"
    poster_hosts = frozenset({"i.vimeocdn.com"})
    frame_origins = ("https://player.vimeo.com",)

    def parse(self, url: SplitResult) -> VideoRef | None:
        video_id, private_hash = self._id_and_hash(url.hostname, path_segments(url.path))
        if video_id is None or not VIDEO_ID.fullmatch(video_id):
            raise self.not_a_video()
        # Unlisted videos play only with their hash, given in the path or as ?h=.
        private_hash = private_hash or query_value(url.query, "h")
        if private_hash is not None and not PRIVATE_HASH.fullmatch(private_hash):
            raise UnsupportedVideoURL("The private hash in this Vimeo link is not valid.")
        start, end = time_range(query_value(url.fragment, "t"))
        return VideoRef(
            self.name, video_id, start_seconds=start, end_seconds=end, private_hash=private_hash
        )

    @staticmethod
    def _id_and_hash(host: str, segments: list[str]) -> tuple[str | None, str | None]:
        """Return the id and path hash for the URL shapes Vimeo uses."""
        if host == "player.vimeo.com":
            if len(segments) == 2 and segments[0] == "video":
                return segments[1], None
            return None, None
        match segments:
            case [video_id]:
                return video_id, None
            case [video_id, private_hash] if VIDEO_ID.fullmatch(video_id):
                return video_id, private_hash
            case ["channels", name, video_id] if SLUG.fullmatch(name):
                return video_id, None
            case ["groups", name, "videos", video_id] if SLUG.fullmatch(name):
                return video_id, None
            # Review pages carry a review token, which is not the unlisted hash: leave it out.
            case [user, "review", video_id, _token] if SLUG.fullmatch(user):
                return video_id, None
            # The owner's settings pages: manage/ID, manage/ID/general, manage/videos/ID.
            case ["manage", video_id] | ["manage", "videos", video_id]:
                return video_id, None
            case ["manage", video_id, tab] if SLUG.fullmatch(tab):
                return video_id, None
            case ["showcase" | "album", number, "video", video_id] if VIDEO_ID.fullmatch(number):
                return video_id, None
        return None, None

    def embed_url(self, ref: VideoRef, *, autoplay: bool = False, start: int | None = None) -> str:
        params = {"dnt": 1, "h": ref.private_hash, "autoplay": 1 if autoplay else None}
        url = with_query(f"https://player.vimeo.com/video/{ref.video_id}", params)
        return _with_time(url, ref.effective_start(start))

    def watch_url(self, ref: VideoRef, *, start: int | None = None) -> str:
        url = f"https://vimeo.com/{ref.video_id}"
        if ref.private_hash:
            url += f"/{ref.private_hash}"
        return _with_time(url, ref.effective_start(start))


def _with_time(url: str, seconds: int | None) -> str:
    return f"{url}#t={seconds}s" if seconds else url
