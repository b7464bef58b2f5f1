"""Posters: download a provider's thumbnail once, prove it is an image, serve our own copies.

Readers load posters from our site only. What the provider sent is never stored as is: it is
opened with an explicit format allowlist, fully decoded (so a truncated file or HTML appended
to a valid PNG cannot pass), capped in pixels, and re-encoded as WebP plus a JPEG fallback at
a couple of widths. Re-encoding also drops EXIF and anything else riding along.
"""

import hashlib
import warnings
from dataclasses import dataclass
from io import BytesIO
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageOps, UnidentifiedImageError

from videos.fetch import FetchError, fetch
from videos.oembed import oembed_endpoint, oembed_timeout
from videos.providers import get_provider

ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP")
WIDTHS = (480, 960)


def poster_max_bytes() -> int:
    """Return the largest poster accepted, downloaded or uploaded (CLOSER_POSTER_MAX_BYTES)."""
    return settings.CLOSER_POSTER_MAX_BYTES


# Far below Pillow's own bomb limit: a poster never needs more than a 4K frame.
MAX_POSTER_PIXELS = 3840 * 2160
BACKGROUND = (17, 17, 17)  # what transparent parts of a poster sit on: the facade's own colour
ENCODERS = {
    "webp": {"format": "WEBP", "quality": 80, "method": 4},
    "jpeg": {"format": "JPEG", "quality": 82, "optimize": True, "progressive": True},
}


class PosterError(Exception):
    """A poster we could not use; the message is fit for an author."""


@dataclass(frozen=True)
class Rendition:
    format: str  # "webp" or "jpeg"
    width: int
    height: int
    content: bytes


def poster_download(*, url: str, provider_name: str) -> bytes:
    """Return the bytes at url if it is on the provider's poster hosts; raise otherwise."""
    endpoint = oembed_endpoint(provider_name)
    hosts = set(get_provider(provider_name).poster_hosts)
    if endpoint:
        hosts.add(urlsplit(endpoint).hostname)
    if urlsplit(url).hostname not in hosts:
        raise PosterError(
            f"the poster is on a site we do not fetch from ({urlsplit(url).hostname})."
        )
    try:
        return fetch(
            url,
            timeout=oembed_timeout(),
            max_bytes=poster_max_bytes(),
            allowed_hosts=frozenset(hosts),
            accept="image/webp,image/jpeg,image/png",
        ).body
    except FetchError as error:
        raise PosterError(f"could not download the poster: {error}") from None


def poster_renditions(data: bytes) -> list[Rendition]:
    """Return WebP and JPEG renditions of an image; raise PosterError if it is not one."""
    try:
        with warnings.catch_warnings():
            # Our own pixel cap below is far stricter than the size Pillow warns about.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(BytesIO(data), formats=ALLOWED_FORMATS)
        with image:
            # The header gives the size before any pixel is decoded: refuse bombs here.
            if image.width * image.height > MAX_POSTER_PIXELS:
                raise PosterError(f"the poster is too large ({image.width}×{image.height} pixels).")
            image.load()  # decode every pixel: truncated or corrupt files fail now
            image = ImageOps.exif_transpose(image)
            image = _flatten(image)
    except UnidentifiedImageError:
        raise PosterError("the poster is not a JPEG, PNG or WebP image.") from None
    except Image.DecompressionBombError:
        raise PosterError("the poster is too large to decode safely.") from None
    except (OSError, ValueError, SyntaxError, EOFError):
        raise PosterError("the poster image is damaged.") from None
    if image.width < 16 or image.height < 16:
        raise PosterError("the poster is too small to use.")
    renditions = []
    for width in sorted({min(width, image.width) for width in WIDTHS}):
        height = max(1, round(image.height * width / image.width))
        resized = image if width == image.width else image.resize((width, height), Image.LANCZOS)
        for name, options in ENCODERS.items():
            buffer = BytesIO()
            resized.save(buffer, **options)
            renditions.append(Rendition(name, width, height, buffer.getvalue()))
    return renditions


def _flatten(image: Image.Image) -> Image.Image:
    """Return an RGB image; transparency is laid over the facade's background colour."""
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        image = image.convert("RGBA")
        background = Image.new("RGBA", image.size, BACKGROUND + (255,))
        return Image.alpha_composite(background, image).convert("RGB")
    return image.convert("RGB")


def poster_store(*, video, renditions: list[Rendition]) -> list[dict]:
    """Save renditions through default_storage; return their descriptions for the model.

    Names carry a digest of the content, so a changed poster gets new names (safe to cache
    forever) and an unchanged one is not written twice.
    """
    stored = []
    for rendition in renditions:
        digest = hashlib.sha256(rendition.content).hexdigest()[:12]
        name = (
            f"videos/posters/{video.provider}/{video.video_id}-{digest}-{rendition.width}."
            f"{'jpg' if rendition.format == 'jpeg' else rendition.format}"
        )
        if not default_storage.exists(name):
            name = default_storage.save(name, ContentFile(rendition.content))
        stored.append(
            {
                "name": name,
                "format": rendition.format,
                "width": rendition.width,
                "height": rendition.height,
            }
        )
    return stored


def poster_delete(*, renditions: list[dict], keep: list[dict] = ()) -> None:
    """Delete stored renditions that the new set no longer uses."""
    kept = {item["name"] for item in keep}
    for item in renditions:
        if item["name"] not in kept:
            default_storage.delete(item["name"])
