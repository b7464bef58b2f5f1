"""Ask a provider's oEmbed endpoint what it knows about a video, and read the answer warily.

Providers without oEmbed (Bandcamp) are asked through the same door: the video's own page is
fetched under the same limits and its og: metadata read instead of JSON.
"""

import json
import re
from dataclasses import dataclass
from datetime import date
from html.parser import HTMLParser
from urllib.parse import urlencode, urlsplit

from django.conf import settings

from videos.fetch import FetchError, fetch
from videos.providers import VideoRef, get_provider

MAX_OEMBED_BYTES = 64 * 1024
# A music page carries its metadata in <head>, but the whole page comes first: 2 MB is plenty.
MAX_PAGE_BYTES = 2 * 1024 * 1024
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
    # The provider's own player id where the page URL lacks it (Bandcamp).
    embed_id: str = ""


def oembed_endpoint(provider_name: str) -> str | None:
    """Return the oEmbed endpoint for a provider (settings may point it elsewhere)."""
    overrides = settings.CLOSER_OEMBED_ENDPOINTS
    return overrides.get(provider_name) or get_provider(provider_name).oembed_endpoint


def has_details_source(provider_name: str) -> bool:
    """Return whether a provider can be asked about its videos (oEmbed or page metadata)."""
    return oembed_endpoint(provider_name) is not None or get_provider(provider_name).page_metadata


def oembed_timeout() -> float:
    return settings.CLOSER_OEMBED_TIMEOUT


def fetch_oembed(ref: VideoRef) -> OEmbed:
    """Return the provider's oEmbed data for ref; raise OEmbedError when there is none."""
    provider = get_provider(ref.provider)
    override = settings.CLOSER_OEMBED_ENDPOINTS.get(ref.provider)
    if provider.page_metadata:
        return _fetch_page_metadata(ref, override)
    endpoint = override or provider.oembed_url(ref)
    if endpoint is None:
        raise OEmbedError("this provider has no oEmbed endpoint.")
    query = urlencode({"url": ref.watch_url(start=0), "format": "json"})
    separator = "&" if urlsplit(endpoint).query else "?"
    response = _get(f"{endpoint}{separator}{query}", MAX_OEMBED_BYTES, "application/json")
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


def _get(url: str, max_bytes: int, accept: str):
    try:
        return fetch(url, timeout=oembed_timeout(), max_bytes=max_bytes, accept=accept)
    except FetchError as error:
        raise OEmbedError(str(error), status=error.status) from None


_PLAYER_ID = re.compile(r"/(?:track|album)=([0-9]{1,20})(?:/|$)")
_ITEM_ID = re.compile(r'"item_id"\s*:\s*([0-9]{1,20})')


def _fetch_page_metadata(ref: VideoRef, override: str | None) -> OEmbed:
    """Read a video's (or track's) own page: og: tags, and the player id (Bandcamp)."""
    page = ref.watch_url(start=0)
    # Tests (and proxies) name a stand-in server, asked for the page as an oEmbed URL would be.
    url = f"{override}?{urlencode({'url': page})}" if override else page
    response = _get(url, MAX_PAGE_BYTES, "text/html")
    if response.content_type != "text/html":
        raise OEmbedError(
            f"the provider answered with {response.content_type or 'no type'}, not a page."
        )
    meta = _HeadMeta.read(response.body.decode("utf-8", errors="replace"))
    player = _PLAYER_ID.search(meta.get("og:video", "") or meta.get("og:video:url", ""))
    item = _ITEM_ID.search(meta.get("bc-page-properties", ""))
    embed_id = (player or item).group(1) if (player or item) else ""
    if not embed_id:
        raise OEmbedError("the page does not say which player plays it.")
    return OEmbed(
        title=_text(meta.get("og:title"), 300),
        author_name=_text(meta.get("og:site_name"), 200),
        thumbnail_url=_url(meta.get("og:image")),
        embed_id=embed_id,
    )


class _HeadMeta(HTMLParser):
    """The <meta property|name=… content=…> pairs of a page's head, first of each name."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.done = False

    @classmethod
    def read(cls, html: str) -> dict[str, str]:
        parser = cls()
        # The head is all we want: stop feeding once the body starts.
        for start in range(0, len(html), 16 * 1024):
            parser.feed(html[start : start + 16 * 1024])
            if parser.done:
                break
        return parser.meta

    def handle_starttag(self, tag, attrs):
        if tag == "body":
            self.done = True
        elif tag == "meta" and not self.done:
            values = dict(attrs)
            name = (values.get("property") or values.get("name") or "").strip().lower()
            if name and isinstance(values.get("content"), str):
                self.meta.setdefault(name, values["content"])

    def handle_endtag(self, tag):
        if tag == "head":
            self.done = True


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
