"""YouTube: watch pages, youtu.be short links, embeds, Shorts and live streams."""

import re
from urllib.parse import SplitResult, urlsplit

from videos.providers.base import (
    Provider,
    UnsupportedVideoURL,
    VideoRef,
    clip_end,
    first_start,
    path_segments,
    query_value,
    register,
    time_range,
    with_query,
)

VIDEO_ID = re.compile(r"[A-Za-z0-9_-]{11}")
PLAYLIST_ID = re.compile(r"[A-Za-z0-9_-]{10,64}")
# Path prefixes followed by the video id: /embed/ID, /shorts/ID and so on.
ID_PATHS = frozenset({"embed", "shorts", "live", "v", "e"})
# Eleven id-shaped characters that name a playlist or a channel's stream, not a video.
NOT_IDS = frozenset({"videoseries", "live_stream"})


@register
class YouTube(Provider):
    name = "youtube"
    label = "YouTube"
    hosts = frozenset(
        {
            "youtube.com",
            "www.youtube.com",
            "m.youtube.com",
            "music.youtube.com",
            "youtube-nocookie.com",
            "www.youtube-nocookie.com",
            "youtu.be",
        }
    )
    oembed_endpoint = "https://www.youtube.com/oembed"
    poster_hosts = frozenset({"i.ytimg.com", "i1.ytimg.com", "i2.ytimg.com", "i3.ytimg.com"})
    frame_origins = ("https://www.youtube-nocookie.com",)

    def parse(self, url: SplitResult) -> VideoRef | None:
        if url.hostname == "m.youtube.com" and url.path in ("", "/") and url.fragment[:1] == "/":
            # The old mobile site kept its page in the fragment: m.youtube.com/#/watch?v=ID.
            inner = urlsplit(url.fragment)
            url = url._replace(path=inner.path, query=inner.query, fragment=inner.fragment)
        segments = path_segments(url.path)
        playlist_id = query_value(url.query, "list")
        if segments in (["playlist"], ["embed", "videoseries"]):
            raise UnsupportedVideoURL(
                "This is a YouTube playlist, not a single video: "
                "open one of its videos and copy that link."
            )
        if url.hostname == "youtu.be":
            video_id = segments[0] if len(segments) == 1 else None
        elif segments == ["watch"] or (url.hostname == "m.youtube.com" and segments == ["details"]):
            video_id = query_value(url.query, "v")
        elif len(segments) == 2 and segments[0] in ID_PATHS:
            video_id = segments[1]
        else:
            video_id = None
        if video_id is None or video_id in NOT_IDS or not VIDEO_ID.fullmatch(video_id):
            raise self.not_a_video()
        if playlist_id is not None and not PLAYLIST_ID.fullmatch(playlist_id):
            # Short pseudo-lists ("WL", "LL") only make sense to their owner; drop them.
            playlist_id = None
        fragment_start, fragment_end = time_range(query_value(url.fragment, "t"))
        start = first_start(query_value(url.query, "t"), query_value(url.query, "start"))
        start = start or fragment_start
        end = clip_end(start, query_value(url.query, "end"))
        if end is None and fragment_end and fragment_end > (start or 0):
            end = fragment_end
        return VideoRef(
            self.name, video_id, start_seconds=start, end_seconds=end, playlist_id=playlist_id
        )

    def embed_url(self, ref: VideoRef, *, autoplay: bool = False, start: int | None = None) -> str:
        params = {
            "autoplay": 1 if autoplay else None,
            "start": ref.effective_start(start),
            "list": ref.playlist_id,
        }
        return with_query(f"https://www.youtube-nocookie.com/embed/{ref.video_id}", params)

    def player_url(self, ref: VideoRef, *, start: int | None = None, end: int | None = None) -> str:
        # enablejsapi lets player.js seek the loaded player with postMessage (timecode links)
        # without loading YouTube's IFrame API script. YouTube stops at `end` by itself.
        url = self.embed_url(ref, autoplay=True, start=start)
        end = ref.effective_end(end, start=start)
        return f"{url}&end={end}&enablejsapi=1" if end else f"{url}&enablejsapi=1"

    def watch_url(self, ref: VideoRef, *, start: int | None = None) -> str:
        seconds = ref.effective_start(start)
        params = {
            "v": ref.video_id,
            "t": f"{seconds}s" if seconds else None,
            "list": ref.playlist_id,
        }
        return with_query("https://www.youtube.com/watch", params)

    def poster_url(self, ref: VideoRef) -> str | None:
        return f"https://i.ytimg.com/vi/{ref.video_id}/hqdefault.jpg"
