"""Ask a provider's oEmbed endpoint what it knows about a video, and read the answer warily."""

import json
import re
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode, urlsplit

from django.conf import settings

from videos.fetch import FetchError, fetch
from videos.providers import VideoRef, get_provider

MAX_OEMBED_BYTES = 64 * 1024
# How oEmbed endpoints say a video cannot be embedded any more (YouTube: 401 for private or
# embedding disabled, 404 when removed; Vimeo: 403 for private or domain-restricted).
HEALTH_BY_STATUS = {404: "removed", 401: "private", 403: "not_embeddable"}
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]")


class OEmbedError(FetchError):
    """An oEmbed request that failed; health says whether the video itself is gone."""

    def __init__(self, message: str, *, status: int | None = None):
        super().__init__(message, status=status)
        self.health = HEALTH_BY_STATUS.get(status)


@dataclass(frozen=True)
class OEmbed:
    title: str = ""
    author_name: str = ""
    thumbnail_url: str = ""
    width: int | None = None
    height: int | None = None
    duration_seconds: int | None = None
    upload_date: date | None = None


def oembed_endpoint(provider_name: str) -> str | None:
    """Return the oEmbed endpoint for a provider (settings may point it elsewhere)."""
    overrides = settings.CLOSER_OEMBED_ENDPOINTS
    return overrides.get(provider_name) or get_provider(provider_name).oembed_endpoint


def oembed_timeout() -> float:
    return settings.CLOSER_OEMBED_TIMEOUT


def fetch_oembed(ref: VideoRef) -> OEmbed:
    """Return the provider's oEmbed data for ref; raise OEmbedError when there is none."""
    endpoint = oembed_endpoint(ref.provider)
    if endpoint is None:
        raise OEmbedError("this provider has no oEmbed endpoint.")
    query = urlencode({"url": ref.watch_url(start=0), "format": "json"})
    separator = "&" if urlsplit(endpoint).query else "?"
    try:
        response = fetch(
            f"{endpoint}{separator}{query}",
            timeout=oembed_timeout(),
            max_bytes=MAX_OEMBED_BYTES,
            accept="application/json",
        )
    except FetchError as error:
        raise OEmbedError(str(error), status=error.status) from None
    if "json" not in response.content_type:
        raise OEmbedError(
            f"the provider answered with {response.content_type or 'no type'}, not JSON."
        )
    try:
        data = json.loads(response.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise OEmbedError("the provider's answer is not valid JSON.") from None
    if not isinstance(data, dict):
        raise OEmbedError("the provider's answer is not an oEmbed object.")
    return OEmbed(
        title=_text(data.get("title"), 300),
        author_name=_text(data.get("author_name"), 200),
        thumbnail_url=_url(data.get("thumbnail_url")),
        width=_positive_int(data.get("width")),
        height=_positive_int(data.get("height")),
        duration_seconds=_positive_int(data.get("duration"), limit=10 * 24 * 3600),
        upload_date=_date(data.get("upload_date")),
    )


def _text(value, max_length: int) -> str:
    if not isinstance(value, str):
        return ""
    # Titles end up in headings, alt-free labels and sitemaps: no invisible characters.
    return " ".join(_CONTROL.sub("", value).split())[:max_length]


def _url(value) -> str:
    if not isinstance(value, str) or len(value) > 2000:
        return ""
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or "@" in parts.netloc:
        return ""
    return value.strip()


def _positive_int(value, *, limit: int = 100_000) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and 0 < value <= limit:
        return value
    return None


def _date(value) -> date | None:
    # Vimeo sends "2013-10-15 14:08:29"; others send nothing.
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None
