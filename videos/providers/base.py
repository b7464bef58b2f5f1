"""Shared pieces of the video provider registry: the reference type, errors and helpers.

Pure Python on purpose: models, forms, the body renderer and management commands all import
this, so it must not import Django.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar
from urllib.parse import SplitResult, parse_qsl, urlencode

MAX_URL_LENGTH = 2000

# Filled by @register, in import order; that order is also the order of the error message.
PROVIDERS: dict[str, Provider] = {}


class UnsupportedVideoURL(ValueError):
    """A URL that is not a link to a video Closer can embed."""

    def __init__(self, problem: str | None = None):
        self.problem = problem
        if problem is None:
            text = supported_providers_text()
            message = f"Not a supported video URL: {text[0].lower()}{text[1:]}"
        else:
            # Always say what does work, so the author is never left guessing.
            message = f"{problem} {supported_providers_text()}"
        super().__init__(message)


def supported_providers_text() -> str:
    """Return one sentence naming every registered provider."""
    enabled = [p for p in PROVIDERS.values() if p.enabled]
    parts = []
    for noun in dict.fromkeys(p.noun for p in enabled if p.player_kind == "iframe"):
        hosted = [p.label for p in enabled if p.player_kind == "iframe" and p.noun == noun]
        parts.append(f"to a {join_or(hosted)} {noun}")
    parts += [p.link_hint for p in enabled if p.player_kind == "native"]
    if len(parts) > 1:
        parts = [", ".join(parts[:-1]), parts[-1]]
    return f"Paste a link {', or '.join(parts)}."


def join_or(words: list[str]) -> str:
    """Join words as "a, b or c"."""
    if len(words) < 2:
        return "".join(words)
    return f"{', '.join(words[:-1])} or {words[-1]}"


def register(provider_class: type[Provider]) -> type[Provider]:
    """Add a provider class to the registry (use as a class decorator)."""
    name = provider_class.name
    if name in PROVIDERS:
        raise ValueError(f"A video provider named {name!r} is already registered.")
    if provider_class.player_kind not in ("iframe", "native"):
        raise ValueError(f"Unknown player kind {provider_class.player_kind!r}.")
    PROVIDERS[name] = provider_class()
    return provider_class


def get_provider(name: str) -> Provider:
    """Return the registered provider called name; raise KeyError if there is none."""
    return PROVIDERS[name]


@dataclass(frozen=True)
class VideoRef:
    """What a video URL points at, independent of how it was written."""

    provider: str
    video_id: str
    start_seconds: int | None = None
    # A clip's end, from URLs such as "?t=83&end=105" or "#t=83,105"; always after the start.
    end_seconds: int | None = None
    private_hash: str | None = None
    playlist_id: str | None = None
    source_url: str | None = None
    # The provider's own id for its player when the page URL does not carry it (Bandcamp's
    # numeric track id, read from the page by the background fetch).
    embed_id: str | None = None

    @property
    def key(self) -> str:
        return f"{self.provider}:{self.video_id}"

    @property
    def poster_url(self) -> str | None:
        return get_provider(self.provider).poster_url(self)

    @property
    def player_kind(self) -> str:
        return get_provider(self.provider).player_kind

    @property
    def playable(self) -> bool:
        """Return whether a player can be built yet (else the facade links to the provider)."""
        return get_provider(self.provider).playable(self)

    def embed_url(self, *, autoplay: bool = False, start: int | None = None) -> str:
        """Return the privacy-enhanced player URL."""
        return get_provider(self.provider).embed_url(self, autoplay=autoplay, start=start)

    def watch_url(self, *, start: int | None = None) -> str:
        """Return the provider's public page for the video."""
        return get_provider(self.provider).watch_url(self, start=start)

    def player_url(self, *, start: int | None = None, end: int | None = None) -> str:
        """Return the autoplaying player URL that a press on play loads (to end, if given)."""
        return get_provider(self.provider).player_url(self, start=start, end=end)

    def effective_end(self, end: int | None = None, *, start: int | None = None) -> int | None:
        """Return end if given, else the URL's end; None unless it comes after the start."""
        value = self.end_seconds if end is None else end
        return value if value and value > (self.effective_start(start) or 0) else None

    def effective_start(self, start: int | None = None) -> int | None:
        """Return start if given, else the start in the URL; None for zero or less."""
        value = self.start_seconds if start is None else start
        return value if value and value > 0 else None


class Provider:
    """One video host: how to recognise its URLs and how to build its player URLs."""

    name: ClassVar[str]
    label: ClassVar[str]
    # Exact, lower-case host names (owns_host can widen them: every ARTIST.bandcamp.com).
    hosts: ClassVar[frozenset[str]] = frozenset()
    # True: tried for URLs on any host, after the providers owning the host (direct files).
    any_host: ClassVar[bool] = False
    oembed_endpoint: ClassVar[str | None] = None
    # Hosts a poster may be downloaded from besides the oEmbed endpoint's (the provider's CDN).
    poster_hosts: ClassVar[frozenset[str]] = frozenset()
    frame_origins: ClassVar[tuple[str, ...]] = ()
    player_kind: ClassVar[str] = "iframe"
    # How a native provider describes itself in the supported-providers sentence.
    link_hint: ClassVar[str] = ""
    # What an iframe provider's links point to, in that sentence ("video", "track").
    noun: ClassVar[str] = "video"
    # False for a provider that accepts no URL as configured (PeerTube without instances).
    enabled: ClassVar[bool] = True
    # True: the details come from the page's own metadata (og: tags), not from oEmbed.
    page_metadata: ClassVar[bool] = False

    def owns_host(self, host: str) -> bool:
        """Return whether URLs on host are this provider's to parse."""
        return host in self.hosts

    def parse(self, url: SplitResult) -> VideoRef | None:
        """Return a VideoRef for a vetted https URL, or None if it is not ours."""
        raise NotImplementedError

    def embed_url(self, ref: VideoRef, *, autoplay: bool = False, start: int | None = None) -> str:
        """Return the player URL for ref."""
        raise NotImplementedError

    def watch_url(self, ref: VideoRef, *, start: int | None = None) -> str:
        """Return the public page URL for ref."""
        raise NotImplementedError

    def player_url(self, ref: VideoRef, *, start: int | None = None, end: int | None = None) -> str:
        """Return the URL loaded when the reader presses play (autoplaying, seekable).

        Providers whose player URL cannot say where to stop ignore end: static/closer/clips.js
        stops those players through their postMessage API.
        """
        return self.embed_url(ref, autoplay=True, start=start)

    def poster_url(self, ref: VideoRef) -> str | None:
        """Return a thumbnail URL that needs no API call, or None."""
        return None

    def oembed_url(self, ref: VideoRef) -> str | None:
        """Return the oEmbed endpoint to ask about ref (one per instance for PeerTube)."""
        return self.oembed_endpoint

    def poster_hosts_for(self, ref: VideoRef) -> frozenset[str]:
        """Return the hosts ref's poster may be downloaded from."""
        return self.poster_hosts

    def playable(self, ref: VideoRef) -> bool:
        """Return whether ref has all a player needs (Bandcamp: not before its id is known)."""
        return True

    def not_a_video(self) -> UnsupportedVideoURL:
        """Return the error for a URL on our host that names no single video."""
        return UnsupportedVideoURL(
            f"This {self.label} link does not point to a single {self.noun}."
        )


def path_segments(path: str) -> list[str]:
    """Split a URL path into segments, ignoring one trailing slash."""
    segments = path.split("/")[1:]
    if segments and segments[-1] == "":
        segments.pop()
    return segments


def query_value(query: str, name: str) -> str | None:
    """Return the first value of name in a query string (or a fragment like "t=90")."""
    for key, value in parse_qsl(query, keep_blank_values=True):
        if key == name:
            return value
    return None


def first_start(*candidates: str | None) -> int | None:
    """Return the first candidate that is a positive timecode, in seconds."""
    for candidate in candidates:
        if candidate is not None:
            seconds = parse_timecode(candidate)
            if seconds:
                return seconds
    return None


def time_range(value: str | None) -> tuple[int | None, int | None]:
    """Return (start, end) for "83", "1m23s,1m45s" or "83,105" (media-fragment style)."""
    if value is None:
        return None, None
    start_text, _, end_text = value.partition(",")
    start, end = parse_timecode(start_text) or None, parse_timecode(end_text) or None
    if end is not None and end <= (start or 0):
        end = None
    return start, end


def clip_end(start: int | None, *candidates: str | None) -> int | None:
    """Return the first candidate that is a timecode after start, in seconds."""
    for candidate in candidates:
        seconds = parse_timecode(candidate) if candidate is not None else None
        if seconds and seconds > (start or 0):
            return seconds
    return None


def with_query(base: str, params: dict[str, object]) -> str:
    """Append the non-None params to base as a query string."""
    present = {key: value for key, value in params.items() if value is not None}
    return f"{base}?{urlencode(present)}" if present else base


# [0-9] rather than \d: \d also matches non-ASCII digits, which int() happily accepts.
_SECONDS = re.compile(r"[0-9]{1,6}")
_UNITS = re.compile(r"(?:([0-9]{1,4})h)?(?:([0-9]{1,5})m)?(?:([0-9]{1,6})s)?")
# "1m40" and "1h2m3": units with the seconds' "s" left off, as YouTube's own share links allow.
_UNITS_BARE = re.compile(r"(?:([0-9]{1,4})h)?([0-9]{1,5})m([0-5]?[0-9])")
_CLOCK = re.compile(r"(?:([0-9]{1,4}):([0-5][0-9])|([0-9]{1,5})):([0-5][0-9])")


def parse_timecode(text: str) -> int | None:
    """Return seconds for "90", "90s", "1m30s", "1m30", "1h2m3s", "1:30" or "1:02:03", else None."""
    if not isinstance(text, str):
        return None
    text = text.strip().lower()
    if not text:
        return None
    if _SECONDS.fullmatch(text):
        return int(text)
    if match := _UNITS.fullmatch(text):
        hours, minutes, seconds = (int(group or 0) for group in match.groups())
        return hours * 3600 + minutes * 60 + seconds
    if match := _UNITS_BARE.fullmatch(text):
        hours, minutes, seconds = (int(group or 0) for group in match.groups())
        return hours * 3600 + minutes * 60 + seconds
    if match := _CLOCK.fullmatch(text):
        hours, minutes, lone_minutes, seconds = match.groups()
        if hours is None:
            hours, minutes = "0", lone_minutes
        return int(hours) * 3600 + int(minutes) * 60 + int(seconds)
    return None


def format_timecode(seconds: int) -> str:
    """Return seconds as "1:02:03", or "1:30" under an hour."""
    if seconds < 0:
        raise ValueError("A timecode cannot be negative.")
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"
