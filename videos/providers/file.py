"""Direct video files on any https site, played with a native <video> element."""

import hashlib
import re
from urllib.parse import SplitResult, quote

from videos.providers.base import (
    Provider,
    UnsupportedVideoURL,
    VideoRef,
    query_value,
    register,
    time_range,
)

URL_SAFE = "/%:@!$&'()*+,;=-._~?"
FILE_PATH = re.compile(r".*/[^/]+\.(?:mp4|webm|ogv)", re.IGNORECASE)
# A public DNS name: dotted labels and an alphabetic top-level label, so no bare IP addresses
# and no "localhost" (the file URL ends up in readers' browsers and maybe in fetch jobs).
HOST_NAME = re.compile(
    r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?"
)


@register
class VideoFile(Provider):
    name = "file"
    label = "Video file"
    player_kind = "native"
    any_host = True
    link_hint = "to an .mp4, .webm or .ogv file on an https site"

    def parse(self, url: SplitResult) -> VideoRef | None:
        if not FILE_PATH.fullmatch(url.path):
            return None
        if url.scheme != "https":
            raise UnsupportedVideoURL("Video files must be served over https.")
        if len(url.hostname) > 253 or not HOST_NAME.fullmatch(url.hostname):
            raise UnsupportedVideoURL("Video files must be on a site with a domain name.")
        # Percent-encode what browsers would, so two spellings of one file share an id.
        source_url = f"https://{url.hostname}{quote(url.path, safe=URL_SAFE)}"
        if url.query:
            source_url += f"?{quote(url.query, safe=URL_SAFE)}"
        # Hash the address so equal files share one id, whatever their URL length.
        video_id = hashlib.sha256(source_url.encode()).hexdigest()[:16]
        # Media fragments may give a range ("t=10,20"): a clip.
        start, end = time_range(query_value(url.fragment, "t"))
        return VideoRef(
            self.name, video_id, start_seconds=start, end_seconds=end, source_url=source_url
        )

    def embed_url(self, ref: VideoRef, *, autoplay: bool = False, start: int | None = None) -> str:
        return _with_time(ref.source_url, ref.effective_start(start))

    def player_url(self, ref: VideoRef, *, start: int | None = None, end: int | None = None) -> str:
        # A media fragment range ("#t=10,20") makes the browser pause at its end by itself.
        start = ref.effective_start(start)
        end = ref.effective_end(end, start=start)
        if end:
            return f"{ref.source_url}#t={start or 0},{end}"
        return _with_time(ref.source_url, start)

    def watch_url(self, ref: VideoRef, *, start: int | None = None) -> str:
        return _with_time(ref.source_url, ref.effective_start(start))


def _with_time(url: str, seconds: int | None) -> str:
    # Media fragments (#t=N) make the browser start a native <video> at N seconds.
    return f"{url}#t={seconds}" if seconds else url
