"""Where uploaded media lives: files on this machine, or an S3-compatible bucket.

Kept out of settings.py so the choice can be tested with any environment (the tests point it at a
local S3 server they start).
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass(frozen=True)
class MediaSettings:
    storage: dict
    media_url: str
    # Origins the Content-Security-Policy must allow for images and media (empty when local).
    origins: list[str] = field(default_factory=list)

    @property
    def is_remote(self) -> bool:
        return bool(self.origins)


def origin_of(url: str) -> str | None:
    """Return "scheme://host[:port]" for an absolute URL, or None for a relative one."""
    parts = urlsplit(url)
    if parts.scheme in ("http", "https") and parts.netloc:
        return f"{parts.scheme}://{parts.netloc}"
    return None


def media_settings(environ: Mapping[str, str]) -> MediaSettings:
    """Return the default storage, MEDIA_URL and media origins the environment asks for."""
    bucket = environ.get("S3_BUCKET", "").strip()
    if not bucket:
        media_url = environ.get("MEDIA_URL", "/media/")
        origin = origin_of(media_url)
        return MediaSettings(
            # No options: the storage reads MEDIA_ROOT and MEDIA_URL, so tests can move them.
            storage={"BACKEND": "django.core.files.storage.FileSystemStorage"},
            media_url=media_url,
            origins=[origin] if origin else [],
        )

    endpoint = environ.get("S3_ENDPOINT_URL", "").strip().rstrip("/")
    region = environ.get("S3_REGION", "").strip() or "us-east-1"
    public_url = environ.get("S3_PUBLIC_URL", "").strip().rstrip("/")
    location = environ.get("S3_LOCATION", "").strip().strip("/")
    options = {
        "bucket_name": bucket,
        "region_name": region,
        "location": location,
        # Readers get plain, cacheable URLs: the bucket (or the CDN in front of it) is public
        # for reading. Set S3_QUERYSTRING_AUTH=true for a private bucket with signed URLs.
        "querystring_auth": environ.get("S3_QUERYSTRING_AUTH", "").lower() in ("1", "true", "yes"),
        # Never overwrite: two authors uploading "poster.jpg" keep both files.
        "file_overwrite": False,
        "default_acl": None,
        "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
    }
    if environ.get("S3_ACCESS_KEY_ID"):
        options["access_key"] = environ["S3_ACCESS_KEY_ID"]
        options["secret_key"] = environ.get("S3_SECRET_ACCESS_KEY", "")
    if endpoint:
        options["endpoint_url"] = endpoint
        # MinIO, moto, Ceph and most non-AWS servers expect bucket names in the path.
        options["addressing_style"] = environ.get("S3_ADDRESSING_STYLE", "path")
    if public_url:
        parts = urlsplit(public_url)
        options["custom_domain"] = f"{parts.netloc}{parts.path}"
        options["url_protocol"] = f"{parts.scheme}:"
        base = f"{public_url}/{location}/" if location else f"{public_url}/"
        origins = [origin_of(public_url)]
    elif endpoint:
        base = f"{endpoint}/{bucket}/{location}/" if location else f"{endpoint}/{bucket}/"
        origins = [origin_of(endpoint)]
    else:
        host = f"{bucket}.s3.{region}.amazonaws.com"
        base = f"https://{host}/{location}/" if location else f"https://{host}/"
        # boto3 names us-east-1 buckets without the region; allow both spellings.
        origins = [f"https://{host}", f"https://{bucket}.s3.amazonaws.com"]
    return MediaSettings(
        storage={"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options},
        media_url=base,
        origins=[o for o in origins if o],
    )
