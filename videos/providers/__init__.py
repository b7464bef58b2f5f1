"""Recognise video URLs offline and turn them into provider-neutral VideoRefs.

To add a provider: write one module with a @register'ed Provider subclass, import it below,
and give it a table in tests/videos/test_providers.py.
"""

import re
import unicodedata
from urllib.parse import SplitResult, urlsplit

from videos.providers.base import (
    MAX_URL_LENGTH,
    PROVIDERS,
    Provider,
    UnsupportedVideoURL,
    VideoRef,
    format_timecode,
    get_provider,
    parse_timecode,
    register,
    supported_providers_text,
)

# Importing a module registers its provider. This order is the order of the error message,
# so keep it as written rather than sorted.
# isort: off
from videos.providers import youtube  # noqa: F401
from videos.providers import vimeo  # noqa: F401
from videos.providers import dailymotion  # noqa: F401
from videos.providers import peertube  # noqa: F401
from videos.providers import archive  # noqa: F401
from videos.providers import bandcamp  # noqa: F401
from videos.providers import soundcloud  # noqa: F401
from videos.providers import file  # noqa: F401
# isort: on

__all__ = [
    "MAX_URL_LENGTH",
    "PROVIDERS",
    "Provider",
    "UnsupportedVideoURL",
    "VideoRef",
    "format_timecode",
    "get_provider",
    "parse_timecode",
    "parse_video_url",
    "register",
    "supported_providers_text",
]

_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_HOST = re.compile(r"[a-z0-9.-]+")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def parse_video_url(url: str) -> VideoRef:
    """Return the VideoRef for a pasted video URL; raise UnsupportedVideoURL otherwise."""
    parts = _vet(url)
    # Providers that own this exact host go first; host-agnostic ones (direct files) after.
    candidates = [p for p in PROVIDERS.values() if p.owns_host(parts.hostname)]
    candidates += [p for p in PROVIDERS.values() if p.any_host]
    first_error = None
    for provider in candidates:
        try:
            ref = provider.parse(parts)
        except UnsupportedVideoURL as error:
            # Keep the most specific complaint, but let a later provider still claim the URL
            # (an .mp4 file that happens to live on a provider's host).
            first_error = first_error or error
            continue
        if ref is not None:
            return ref
    raise first_error or UnsupportedVideoURL()


def _vet(url: object) -> SplitResult:
    """Return the URL split into https-normalised parts, or raise for anything suspicious."""
    if not isinstance(url, str):
        raise UnsupportedVideoURL("Enter the video URL as text.")
    text = url.strip()
    if not text:
        raise UnsupportedVideoURL("Enter a video URL.")
    if len(text) > MAX_URL_LENGTH:
        raise UnsupportedVideoURL(f"This URL is too long (over {MAX_URL_LENGTH:,} characters).")
    # Invisible and control characters are how "java\u200bscript:" style tricks get past
    # checks, and browsers read a backslash as a slash; no real video link contains them.
    if any(ch == "\\" or unicodedata.category(ch)[0] in "CZ" for ch in text):
        raise UnsupportedVideoURL(
            "Video URLs must not contain spaces, control characters or backslashes."
        )
    lowered = text.lower()
    if not lowered.startswith(("https://", "http://")):
        if _is_known_host(re.split(r"[/?#]", lowered, maxsplit=1)[0]):
            # "youtu.be/…" as people often paste it; assumed https like a browser would.
            text, lowered = f"https://{text}", f"https://{lowered}"
        elif text.startswith("/") or _SCHEME.match(text):
            raise UnsupportedVideoURL("Only http:// and https:// links can be embedded.")
        else:
            raise UnsupportedVideoURL()
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        raise UnsupportedVideoURL() from None
    if "@" in parts.netloc:
        raise UnsupportedVideoURL("Video URLs must not contain a user name or password.")
    if port is not None and port != _DEFAULT_PORTS[parts.scheme]:
        raise UnsupportedVideoURL("Video URLs must not contain a port number.")
    host = parts.hostname
    # Only plain DNS names from here on: no IP-literal brackets, percent-escapes or Unicode.
    if not host or not _HOST.fullmatch(host):
        raise UnsupportedVideoURL()
    # Rebuild the authority from the host alone: no credentials, no default port.
    return SplitResult(parts.scheme, host, parts.path, parts.query, parts.fragment)


def _is_known_host(host: str) -> bool:
    return any(provider.owns_host(host) for provider in PROVIDERS.values())
