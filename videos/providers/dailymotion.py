"""Dailymotion: video pages (with or without title slug), dai.ly links and both players."""

import re
from urllib.parse import SplitResult

from videos.providers.base import (
    Provider,
    VideoRef,
    first_start,
    path_segments,
    query_value,
    register,
    with_query,
)

VIDEO_ID = re.compile(r"[A-Za-z0-9]{5,10}")
PLAYER_PAGE = re.compile(r"player\.html|player/[A-Za-z0-9]{1,20}\.html")


@register
class Dailymotion(Provider):
    name = "dailymotion"
    label = "Dailymotion"
    hosts = frozenset({"dailymotion.com", "www.dailymotion.com", "dai.ly", "geo.dailymotion.com"})
    oembed_endpoint = "https://www.dailymotion.com/services/oembed"
    # The thumbnail endpoint redirects to the CDN.
    poster_hosts = frozenset({"www.dailymotion.com", "s1.dmcdn.net", "s2.dmcdn.net"})
    frame_origins = ("https://geo.dailymotion.com",)

    def parse(self, url: SplitResult) -> VideoRef | None:
        segments = path_segments(url.path)
        video_id = None
        if url.hostname == "dai.ly":
            video_id = segments[0] if len(segments) == 1 else None
        elif url.hostname == "geo.dailymotion.com":
            if PLAYER_PAGE.fullmatch("/".join(segments)):
                video_id = query_value(url.query, "video")
        elif segments[:1] == ["video"] and len(segments) == 2:
            video_id = segments[1]
        elif segments[:2] == ["embed", "video"] and len(segments) == 3:
            video_id = segments[2]
        if video_id is not None and url.hostname != "geo.dailymotion.com":
            # Page URLs may carry a title slug after the id: /video/x7tgad0_some-title.
            video_id = video_id.split("_", 1)[0]
        if video_id is None or not VIDEO_ID.fullmatch(video_id):
            raise self.not_a_video()
        start = first_start(query_value(url.query, "start"), query_value(url.query, "startTime"))
        return VideoRef(self.name, video_id, start_seconds=start)

    def embed_url(self, ref: VideoRef, *, autoplay: bool = False, start: int | None = None) -> str:
        params = {
            "video": ref.video_id,
            "startTime": ref.effective_start(start),
            "autoplay": "true" if autoplay else None,
        }
        return with_query("https://geo.dailymotion.com/player.html", params)

    def player_url(self, ref: VideoRef, *, start: int | None = None, end: int | None = None) -> str:
        # api=postMessage makes the player report its time to our page, so that
        # static/closer/clips.js can pause it at a clip's end (its URL has no end parameter).
        return f"{self.embed_url(ref, autoplay=True, start=start)}&api=postMessage"

    def watch_url(self, ref: VideoRef, *, start: int | None = None) -> str:
        params = {"start": ref.effective_start(start)}
        return with_query(f"https://www.dailymotion.com/video/{ref.video_id}", params)

    def poster_url(self, ref: VideoRef) -> str | None:
        return f"https://www.dailymotion.com/thumbnail/video/{ref.video_id}"
