"""PeerTube: videos on the instances the operator allows (CLOSER_PEERTUBE_HOSTS), nowhere else.

PeerTube is federated, so there is no fixed host list: an instance counts only once it is in
the setting, which is also what puts it into the Content-Security-Policy's frame-src (see
config/settings.py). A video is known by its UUID (the same on every instance that federates
it); the instance it was pasted from is kept in source_url, and the player comes from there.
"""

import re
from urllib.parse import SplitResult, urlsplit

from django.conf import settings

from videos.providers.base import (
    Provider,
    UnsupportedVideoURL,
    VideoRef,
    clip_end,
    first_start,
    path_segments,
    query_value,
    register,
    with_query,
)

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# PeerTube's short UUIDs (/w/kkGMgK9ZtnKfYAgnEtQxbv) are the UUID in Flickr's base58.
BASE58 = "123456789abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ"
SHORT_UUID = re.compile(rf"[{BASE58}]{{16,22}}")
HOST_NAME = re.compile(
    r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?"
)


def allowed_hosts(values) -> frozenset[str]:
    """Return the instance host names in values; raise ValueError for one that is not a name."""
    hosts = set()
    for value in values:
        host = value.strip().lower()
        if len(host) > 253 or not HOST_NAME.fullmatch(host):
            raise ValueError(f"{value!r} is not a host name (write tube.example.org, no https://).")
        hosts.add(host)
    return frozenset(hosts)


def uuid_from_short(short: str) -> str | None:
    """Return the UUID a PeerTube short UUID stands for, or None if it stands for none."""
    number = 0
    for character in short:
        number = number * 58 + BASE58.index(character)
    if number >= 1 << 128:
        return None
    text = f"{number:032x}"
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


@register
class PeerTube(Provider):
    name = "peertube"
    label = "PeerTube"
    # Every instance answers oEmbed at the same path; {host} is the video's instance.
    oembed_endpoint = "https://{host}/services/oembed"

    @property
    def hosts(self) -> frozenset[str]:
        # Read at use, not at import: config.settings itself imports the provider registry.
        if not settings.configured:
            return frozenset()
        return allowed_hosts(getattr(settings, "CLOSER_PEERTUBE_HOSTS", ()))

    @property
    def enabled(self) -> bool:
        return bool(self.hosts)

    def parse(self, url: SplitResult) -> VideoRef | None:
        segments = path_segments(url.path)
        match segments:
            case ["w", "p", _] | ["videos", "watch", "playlist", _]:
                raise self._playlist()
            case ["w", video_id] | ["videos", "watch" | "embed", video_id]:
                pass
            case _:
                raise self.not_a_video()
        if SHORT_UUID.fullmatch(video_id):
            video_id = uuid_from_short(video_id)
        elif not UUID.fullmatch(video_id or ""):
            video_id = None
        if video_id is None:
            raise self.not_a_video()
        # Share links say ?start=1m23s (and ?stop= for the end of a clip); t= is also seen.
        start = first_start(query_value(url.query, "start"), query_value(url.query, "t"))
        end = clip_end(start, query_value(url.query, "stop"), query_value(url.query, "end"))
        return VideoRef(
            self.name,
            video_id,
            start_seconds=start,
            end_seconds=end,
            source_url=f"https://{url.hostname}/w/{video_id}",
        )

    def _playlist(self) -> UnsupportedVideoURL:
        return UnsupportedVideoURL(
            "This is a PeerTube playlist, not a single video: open one of its videos and copy "
            "that link."
        )

    @staticmethod
    def instance(ref: VideoRef) -> str:
        return urlsplit(ref.source_url or "").hostname or ""

    def oembed_url(self, ref: VideoRef) -> str | None:
        return self.oembed_endpoint.format(host=self.instance(ref))

    def poster_hosts_for(self, ref: VideoRef) -> frozenset[str]:
        # Thumbnails are served by the instance itself (/lazy-static/thumbnails/…).
        return frozenset({self.instance(ref)})

    def embed_url(self, ref: VideoRef, *, autoplay: bool = False, start: int | None = None) -> str:
        # p2p=0: PeerTube's player otherwise shares the video over WebRTC with other
        # viewers, which hands the reader's IP address to strangers.
        params = {
            "start": ref.effective_start(start),
            "autoplay": 1 if autoplay else None,
            "p2p": 0,
            "peertubeLink": 0,
            "warningTitle": 0,
        }
        return with_query(f"https://{self.instance(ref)}/videos/embed/{ref.video_id}", params)

    def player_url(self, ref: VideoRef, *, start: int | None = None, end: int | None = None) -> str:
        # PeerTube's player stops at `stop` by itself.
        url = self.embed_url(ref, autoplay=True, start=start)
        end = ref.effective_end(end, start=start)
        return f"{url}&stop={end}" if end else url

    def watch_url(self, ref: VideoRef, *, start: int | None = None) -> str:
        params = {"start": ref.effective_start(start)}
        return with_query(f"https://{self.instance(ref)}/w/{ref.video_id}", params)
