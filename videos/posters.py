"""Posters: download a provider's thumbnail once; the picture pipeline proves and stores it.

Readers load posters from our site only. What the provider sent (or an editor uploaded) goes
through ``pictures.pipeline`` like every other image: format allowlist, full decode, pixel cap,
re-encoding as WebP plus a JPEG fallback at a couple of widths (which also drops EXIF), and the
one renditions shape the ``Video`` keeps. This module adds what only posters have: the hosts we
fetch from, their limits, and transparency laid over the facade's colour.
"""

import hashlib
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.storage import default_storage

from pictures.pipeline import (
    CleanPicture,
    PictureRules,
    picture_clean,
    renditions_delete,
    renditions_make,
)
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
MIN_POSTER_SIDE = 16
BACKGROUND = (17, 17, 17)  # what transparent parts of a poster sit on: the facade's own colour


class PosterError(Exception):
    """A poster we could not use; the message is fit for an author."""


def poster_download(*, url: str, provider_name: str, ref=None) -> bytes:
    """Return the bytes at url if it is on the provider's poster hosts; raise otherwise."""
    endpoint = oembed_endpoint(provider_name)
    provider = get_provider(provider_name)
    hosts = set(provider.poster_hosts if ref is None else provider.poster_hosts_for(ref))
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


def poster_rules() -> PictureRules:
    """Return the rules a poster must pass, downloaded or uploaded."""
    return PictureRules(
        formats=ALLOWED_FORMATS,
        max_bytes=poster_max_bytes(),
        max_pixels=MAX_POSTER_PIXELS,
        widths=WIDTHS,
        min_side=MIN_POSTER_SIDE,
        background=BACKGROUND,
        fallback="JPEG",
    )


def poster_clean(source) -> CleanPicture:
    """Check a poster (bytes or an upload) and return it re-encoded; raise PictureError."""
    return picture_clean(source, rules=poster_rules())


def poster_store(*, video, picture: CleanPicture) -> list[dict]:
    """Store a clean poster's renditions; return them in the pipeline's one shape.

    The one place poster renditions are made. Names carry a digest of the picture, so a changed
    poster gets new names (safe to cache forever).
    """
    digest = hashlib.sha256(picture.content).hexdigest()[:12]
    return renditions_make(
        picture=picture,
        rules=poster_rules(),
        stem=f"videos/posters/{video.provider}/{video.video_id}-{digest}",
        storage=default_storage,
    )


def poster_delete(*, renditions: list[dict], keep: list[dict] = ()) -> None:
    """Delete stored renditions that the new set no longer uses."""
    renditions_delete(renditions=renditions, keep=keep, storage=default_storage)
