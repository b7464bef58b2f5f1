"""SoundCloud: a track page (soundcloud.com/USER/TRACK) plays in SoundCloud's widget player."""

import hashlib
import re
from urllib.parse import SplitResult

from videos.providers.base import (
    Provider,
    UnsupportedVideoURL,
    VideoRef,
    first_start,
    path_segments,
    query_value,
    register,
    with_query,
)

NAME = re.compile(r"[a-z0-9_-]{1,100}")
# Private tracks are shared with a secret token as the last path segment: /USER/TRACK/s-AbCd1.
SECRET_TOKEN = re.compile(r"s-[A-Za-z0-9]{5,25}")
# soundcloud.com/<these> are SoundCloud's own pages, not users.
NOT_USERS = frozenset(
    {
        "discover",
        "stream",
        "upload",
        "you",
        "search",
        "charts",
        "settings",
        "pages",
        "jobs",
        "terms-of-use",
        "messages",
        "notifications",
        "people",
        "tags",
        "popular",
        "signin",
        "mobile",
        "imprint",
        "for",
        "premium",
        "pro",
        "artists",
    }
)
# soundcloud.com/USER/<these> are a user's tabs, not tracks.
NOT_TRACKS = frozenset(
    {
        "tracks",
        "albums",
        "popular-tracks",
        "reposts",
        "likes",
        "followers",
        "following",
        "comments",
        "spotlight",
        "info",
    }
)


@register
class SoundCloud(Provider):
    name = "soundcloud"
    label = "SoundCloud"
    noun = "track"
    hosts = frozenset({"soundcloud.com", "www.soundcloud.com", "m.soundcloud.com"})
    oembed_endpoint = "https://soundcloud.com/oembed"
    poster_hosts = frozenset({"i1.sndcdn.com"})
    frame_origins = ("https://w.soundcloud.com",)

    def parse(self, url: SplitResult) -> VideoRef | None:
        segments = [segment.lower() for segment in path_segments(url.path)]
        token = None
        if len(segments) == 3 and SECRET_TOKEN.fullmatch(path_segments(url.path)[2]):
            token = path_segments(url.path)[2]
            segments = segments[:2]
        if len(segments) == 2 and segments[1] == "sets":
            raise self.not_a_video()
        if len(segments) == 3 and segments[1] == "sets":
            raise UnsupportedVideoURL(
                "This is a SoundCloud playlist, not a single track: open one of its tracks "
                "and copy that link."
            )
        if (
            len(segments) != 2
            or not all(NAME.fullmatch(segment) for segment in segments)
            or segments[0] in NOT_USERS
            or segments[1] in NOT_TRACKS
        ):
            raise self.not_a_video()
        page = f"https://soundcloud.com/{segments[0]}/{segments[1]}"
        # SoundCloud's share links say where to start as "#t=1:23".
        start = first_start(query_value(url.fragment, "t"))
        return VideoRef(
            self.name,
            hashlib.sha256(page.encode()).hexdigest()[:16],
            start_seconds=start,
            private_hash=token,
            source_url=page,
        )

    def embed_url(self, ref: VideoRef, *, autoplay: bool = False, start: int | None = None) -> str:
        # The widget takes no start time: timecodes reload it, and it plays from the start.
        params = {
            "url": self._page(ref),
            "auto_play": "true" if autoplay else None,
            "visual": "true",
            "show_comments": "false",
        }
        return with_query("https://w.soundcloud.com/player/", params)

    def watch_url(self, ref: VideoRef, *, start: int | None = None) -> str:
        seconds = ref.effective_start(start)
        page = self._page(ref)
        return f"{page}#t={seconds // 60}:{seconds % 60:02d}" if seconds else page

    @staticmethod
    def _page(ref: VideoRef) -> str:
        page = ref.source_url or ""
        return f"{page}/{ref.private_hash}" if ref.private_hash else page
