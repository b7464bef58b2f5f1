"""The Internet Archive: an item's page (archive.org/details/ID) plays in its embed player."""

import re
from urllib.parse import SplitResult

from videos.providers.base import Provider, VideoRef, path_segments, register, with_query

# Archive identifiers are letters, digits, "_", "-" and "."; ours must fit Video.video_id.
IDENTIFIER = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


@register
class InternetArchive(Provider):
    name = "archive"
    label = "Internet Archive"
    hosts = frozenset({"archive.org", "www.archive.org"})
    oembed_endpoint = "https://archive.org/services/oembed"
    poster_hosts = frozenset({"archive.org"})
    frame_origins = ("https://archive.org",)

    def parse(self, url: SplitResult) -> VideoRef | None:
        match path_segments(url.path):
            case ["details" | "embed", identifier] if IDENTIFIER.fullmatch(identifier):
                # ".." and friends are no identifiers, whatever the pattern allows.
                if identifier.strip(".") and ".." not in identifier:
                    return VideoRef(self.name, identifier)
        raise self.not_a_video()

    def embed_url(self, ref: VideoRef, *, autoplay: bool = False, start: int | None = None) -> str:
        # The embed player has no documented start time: timecodes reload it from the start.
        params = {"autoplay": 1 if autoplay else None}
        return with_query(f"https://archive.org/embed/{ref.video_id}", params)

    def watch_url(self, ref: VideoRef, *, start: int | None = None) -> str:
        return f"https://archive.org/details/{ref.video_id}"

    def poster_url(self, ref: VideoRef) -> str | None:
        return f"https://archive.org/services/img/{ref.video_id}"
