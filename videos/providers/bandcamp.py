"""Bandcamp: track and album pages on ARTIST.bandcamp.com, played in Bandcamp's own player.

Bandcamp's player needs a numeric id that no page URL carries and Bandcamp has no oEmbed: the
background fetch reads it from the page's own metadata (og:video, bc-page-properties). Until
it is known the facade is a plain link to the page, and no player can be built.
"""

import hashlib
import re
from urllib.parse import SplitResult, urlsplit

from videos.providers.base import Provider, VideoRef, path_segments, register

ARTIST = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
SLUG = re.compile(r"[a-z0-9-]{1,200}")
EMBED_ID = re.compile(r"[0-9]{1,20}")
# Bandcamp's own subdomains, which are not artists' pages.
NOT_ARTISTS = frozenset({"www", "daily", "blog", "get", "f4", "s4", "t4", "api"})


@register
class Bandcamp(Provider):
    name = "bandcamp"
    label = "Bandcamp"
    noun = "track"
    page_metadata = True
    poster_hosts = frozenset({"f4.bcbits.com"})
    frame_origins = ("https://bandcamp.com",)

    def owns_host(self, host: str) -> bool:
        artist, dot, domain = host.partition(".")
        return (
            domain == "bandcamp.com"
            and ARTIST.fullmatch(artist) is not None
            and artist not in NOT_ARTISTS
        )

    def parse(self, url: SplitResult) -> VideoRef | None:
        segments = path_segments(url.path)
        if (
            len(segments) != 2
            or segments[0] not in ("track", "album")
            or not SLUG.fullmatch(segments[1])
        ):
            raise self.not_a_video()
        page = f"https://{url.hostname}/{segments[0]}/{segments[1]}"
        return VideoRef(self.name, hashlib.sha256(page.encode()).hexdigest()[:16], source_url=page)

    def playable(self, ref: VideoRef) -> bool:
        return bool(ref.embed_id and EMBED_ID.fullmatch(ref.embed_id))

    def embed_url(self, ref: VideoRef, *, autoplay: bool = False, start: int | None = None) -> str:
        if not self.playable(ref):
            return ""
        kind = path_segments(urlsplit(ref.source_url or "").path)[:1] or ["track"]
        return (
            f"https://bandcamp.com/EmbeddedPlayer/{kind[0]}={ref.embed_id}/size=large/"
            "bgcol=ffffff/linkcol=0687f5/tracklist=false/artwork=small/transparent=true/"
        )

    def watch_url(self, ref: VideoRef, *, start: int | None = None) -> str:
        return ref.source_url or ""
