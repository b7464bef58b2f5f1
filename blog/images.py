"""Uploaded pictures: checked, cleaned and resized once, then shown with srcset.

An upload is never trusted: not its extension, not the browser's content type, not Pillow's
quick ``verify()`` (which misses HTML appended to a PNG). It is opened with an explicit format
allowlist, its size and pixel count are checked before decoding, every frame is decoded, the
EXIF orientation is applied, and it is re-encoded, which also drops EXIF/GPS, XMP and text
chunks. The cleaned file and its renditions (480/960/1600 wide, WebP plus a fallback format) go
through the field's storage (``default_storage``), so S3 works by changing settings only.
"""

import io
import re
import secrets
import warnings
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.html import format_html, format_html_join
from django.utils.text import slugify
from PIL import Image as PILImage
from PIL import ImageOps, features

WIDTHS = (480, 960, 1600)
ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF") + (("AVIF",) if features.check("avif") else ())
MIME_TYPES = {
    "JPEG": "image/jpeg",
    "PNG": "image/png",
    "WEBP": "image/webp",
    "GIF": "image/gif",
    "AVIF": "image/avif",
}
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif", "AVIF": "avif"}
FORMAT_NAMES = ", ".join(
    f for f in ("JPEG", "PNG", "WebP", "GIF", "AVIF") if f.upper() in ALLOWED_FORMATS
)


def max_upload_bytes() -> int:
    return settings.CLOSER_MAX_UPLOAD_BYTES


def max_image_pixels() -> int:
    return settings.CLOSER_MAX_IMAGE_PIXELS


@dataclass
class CleanImage:
    """A checked upload, re-encoded: what gets stored instead of the bytes that came in."""

    content: bytes
    format: str  # Pillow's name: "JPEG", "PNG", ...
    width: int
    height: int
    animated: bool


def _megabytes(n: int) -> str:
    if n < 1024 * 1024:
        return f"{max(1, round(n / 1024))} KB"
    return f"{n / (1024 * 1024):.1f}".removesuffix(".0") + " MB"


def _read(file) -> bytes:
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read()
    if hasattr(file, "seek"):
        file.seek(0)
    return data


def clean_upload(file) -> CleanImage:
    """Check an uploaded image and return it re-encoded; raise ValidationError with the reason.

    The result is remembered on the file object, so the form, the model validator and save()
    decode an upload once.
    """
    cached = getattr(file, "_closer_clean_image", None)
    if cached is not None:
        return cached
    size = getattr(file, "size", None)
    limit = max_upload_bytes()
    if size is not None and size > limit:
        raise ValidationError(
            f"This file is {_megabytes(size)}; the limit is {_megabytes(limit)}.",
            code="file_too_large",
        )
    data = _read(file)
    if len(data) > limit:
        raise ValidationError(
            f"This file is {_megabytes(len(data))}; the limit is {_megabytes(limit)}.",
            code="file_too_large",
        )
    clean = _decode_and_reencode(data)
    file._closer_clean_image = clean
    return clean


def _too_many_pixels(width: int, height: int) -> ValidationError:
    limit = max_image_pixels()
    return ValidationError(
        f"This image is {width}×{height} pixels ({width * height / 1e6:.0f} megapixels); "
        f"the limit is {limit / 1e6:.0f} megapixels. Make it smaller before uploading.",
        code="too_many_pixels",
    )


def _decode_and_reencode(data: bytes) -> CleanImage:
    not_an_image = ValidationError(
        f"This is not a {FORMAT_NAMES} image. Other files, SVG included, are not accepted.",
        code="not_an_image",
    )
    damaged = ValidationError(
        "This image is damaged or incomplete and cannot be read. Export it again and retry.",
        code="damaged_image",
    )
    with warnings.catch_warnings():
        # Our own pixel limit, checked below with the real dimensions, is lower than Pillow's.
        warnings.simplefilter("ignore", PILImage.DecompressionBombWarning)
        try:
            image = PILImage.open(io.BytesIO(data), formats=ALLOWED_FORMATS)
        except PILImage.DecompressionBombError as error:
            raise _bomb_error(error) from error
        except Exception as error:  # Pillow raises many kinds for hostile input
            raise not_an_image from error
        width, height = image.size
        if width < 1 or height < 1:
            raise damaged
        fmt = image.format
        # Phone JPEGs often carry an MPO second picture (a depth map): keep the photo only.
        frames = 1 if fmt == "MPO" else getattr(image, "n_frames", 1)
        fmt = "JPEG" if fmt == "MPO" else fmt
        if width * height * max(frames, 1) > max_image_pixels():
            raise _too_many_pixels(width, height)
        try:
            # Decode every frame: a truncated or corrupt file fails here, not in a reader's page.
            for index in range(frames):
                image.seek(index)
                image.load()
            image.seek(0)
        except PILImage.DecompressionBombError as error:
            raise _too_many_pixels(width, height) from error
        except Exception as error:
            raise damaged from error
        animated = frames > 1
        try:
            content, image = _reencode(image, fmt, animated)
        except Exception as error:
            raise damaged from error
    return CleanImage(
        content=content, format=fmt, width=image.width, height=image.height, animated=animated
    )


def _bomb_error(error) -> ValidationError:
    # Pillow refuses far too large images while opening; its message has the pixel count.
    found = re.search(r"\((\d+) pixels\)", str(error))
    claimed = f" ({int(found.group(1)) / 1e6:,.0f} megapixels)" if found else ""
    return ValidationError(
        f"This image claims to be enormous{claimed}, as decompression bombs do; "
        f"the limit is {max_image_pixels() / 1e6:.0f} megapixels.",
        code="too_many_pixels",
    )


def _save_options(image, fmt: str) -> dict:
    options = {}
    icc = image.info.get("icc_profile")
    if icc:
        options["icc_profile"] = icc  # colour, not metadata: keep it
    if fmt == "JPEG":
        options.update(quality=88, optimize=True, progressive=True)
    elif fmt == "WEBP":
        options.update(quality=85, method=4)
    elif fmt == "AVIF":
        options.update(quality=70)
    elif fmt == "PNG":
        options.update(compress_level=6)
        if "transparency" in image.info and image.mode in ("P", "L", "RGB"):
            options["transparency"] = image.info["transparency"]
    return options


def _reencode(image, fmt: str, animated: bool):
    """Return the image's bytes in its own format with orientation applied and metadata gone."""
    out = io.BytesIO()
    if animated:
        # Orientation tags do not occur in animations; keep every frame and its timing.
        options = {"save_all": True, "loop": image.info.get("loop", 0)}
        if "duration" in image.info:
            options["duration"] = image.info["duration"]
        image.save(out, format=fmt, **options)
        return out.getvalue(), image
    upright = ImageOps.exif_transpose(image)
    if fmt == "JPEG" and upright.mode not in ("RGB", "L"):
        upright = upright.convert("RGB")
    upright.info.pop("exif", None)
    upright.save(out, format=fmt, **_save_options(upright, fmt))
    return out.getvalue(), upright


def validate_image_upload(value) -> None:
    """Model-field validator: reject anything but a sound JPEG/PNG/WebP/GIF(/AVIF) upload."""
    if not value:
        return
    if getattr(value, "_committed", False):
        return  # already stored, checked when it was uploaded
    clean_upload(getattr(value, "file", value))


def _fallback_format(clean: CleanImage, has_alpha: bool) -> str:
    """Return the non-WebP format renditions use for browsers without WebP."""
    if clean.format in ("JPEG", "PNG"):
        return clean.format
    return "PNG" if has_alpha or clean.format == "GIF" else "JPEG"


def _rendition_widths(width: int) -> list[int]:
    widths = [w for w in WIDTHS if w < width]
    if width <= WIDTHS[-1]:
        widths.append(width)
    return widths


def store_upload(fieldfile) -> dict:
    """Replace an uncommitted upload with its cleaned bytes and store its renditions.

    Returns what a page needs to write ``srcset``: {"width", "height", "format",
    "sources": [{"width", "height", "type", "name"}, ...]}.
    """
    clean = clean_upload(fieldfile.file)
    readable = slugify(PurePosixPath(fieldfile.name or "image").stem)[:40] or "image"
    # A random part keeps a draft's images unguessable under the public /media/ URL; the
    # extension is the real format's, whatever the upload was called.
    name = f"{readable}-{secrets.token_hex(8)}.{EXTENSIONS[clean.format]}"
    fieldfile.save(name, ContentFile(clean.content), save=False)
    stem = PurePosixPath(fieldfile.name).stem  # as the storage cleaned it
    info = {
        "width": clean.width,
        "height": clean.height,
        "format": clean.format,
        "sources": [],
    }
    if clean.animated:
        # Resizing would drop the animation: readers get the cleaned original only.
        info["sources"].append(
            {
                "width": clean.width,
                "height": clean.height,
                "type": MIME_TYPES[clean.format],
                "name": fieldfile.name,
            }
        )
        return info
    image = PILImage.open(io.BytesIO(clean.content))
    image.load()
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )
    if image.mode not in ("RGB", "RGBA", "L"):
        image = image.convert("RGBA" if has_alpha else "RGB")
    fallback = _fallback_format(clean, has_alpha)
    folder = PurePosixPath(fieldfile.name).parent / "renditions"
    for width in _rendition_widths(clean.width):
        height = max(1, round(clean.height * width / clean.width))
        resized = image if width == clean.width else image.resize((width, height), PILImage.LANCZOS)
        for fmt in ("WEBP", fallback):
            frame = resized
            if fmt == "JPEG" and frame.mode != "RGB":
                frame = frame.convert("RGB")
            out = io.BytesIO()
            frame.save(out, format=fmt, **_save_options(frame, fmt))
            name = fieldfile.storage.save(
                str(folder / f"{stem}-{width}.{EXTENSIONS[fmt]}"), ContentFile(out.getvalue())
            )
            info["sources"].append(
                {"width": width, "height": height, "type": MIME_TYPES[fmt], "name": name}
            )
    return info


def picture_html(
    fieldfile,
    renditions: dict,
    *,
    alt: str,
    sizes: str = "100vw",
    loading: str = "lazy",
    css_class: str = "",
) -> str:
    """Return a <picture> with WebP and fallback srcsets, width/height and lazy loading."""
    if not fieldfile:
        return ""
    storage = fieldfile.storage
    sources = renditions.get("sources") or []
    width = renditions.get("width") or ""
    height = renditions.get("height") or ""
    by_type: dict[str, list[dict]] = {}
    for source in sources:
        by_type.setdefault(source["type"], []).append(source)
    webp = by_type.pop("image/webp", [])
    fallback = next(iter(by_type.values()), [])
    img_src = storage.url(fallback[-1]["name"]) if fallback else fieldfile.url

    def srcset(items):
        return ", ".join(f"{storage.url(item['name'])} {item['width']}w" for item in items)

    img_attrs = [
        ("src", img_src),
        ("alt", alt),
        ("width", width),
        ("height", height),
        ("loading", loading),
        ("decoding", "async"),
    ]
    if loading == "eager":
        img_attrs.append(("fetchpriority", "high"))
    if len(fallback) > 1:
        img_attrs[1:1] = [("srcset", srcset(fallback)), ("sizes", sizes)]
    if css_class:
        img_attrs.append(("class", css_class))
    img = format_html(
        "<img {}>",
        format_html_join(" ", '{}="{}"', ((k, v) for k, v in img_attrs if v != "" or k == "alt")),
    )
    if not webp:
        return format_html("<picture>{}</picture>", img)
    return format_html(
        '<picture><source type="image/webp" srcset="{}" sizes="{}">{}</picture>',
        srcset(webp),
        sizes,
        img,
    )


_PLACEHOLDER = re.compile(r'<closer-image data-id="(\d+)"></closer-image>')
BODY_SIZES = "(min-width: 46rem) 42rem, calc(100vw - 2rem)"


def expand_placeholders(html: str, *, mode: str = "page") -> str:
    """Replace ``<closer-image>`` placeholders with figures, in one query (none without images)."""
    ids = {int(i) for i in _PLACEHOLDER.findall(html)}
    if not ids:
        return html
    from blog.models import Image

    found = Image.objects.in_bulk(ids)

    def replace(match):
        image = found.get(int(match.group(1)))
        return figure_html(image, mode=mode) if image else ""

    return _PLACEHOLDER.sub(replace, html)


def figure_html(image, *, mode: str = "page", sizes: str = BODY_SIZES) -> str:
    """Return a library image as a <figure> with its caption and credit (escaped)."""
    alt = "" if image.decorative else image.alt_text
    if mode == "feed":
        picture = format_html(
            '<img src="{}" alt="{}" width="{}" height="{}">',
            image.file.url,
            alt,
            image.width,
            image.height,
        )
    else:
        picture = picture_html(image.file, image.renditions, alt=alt, sizes=sizes)
    caption = ""
    if image.caption or image.credit:
        credit = (
            format_html(' <span class="image-credit">{}</span>', image.credit)
            if image.credit
            else ""
        )
        caption = format_html("<figcaption>{}{}</figcaption>", image.caption, credit)
    return format_html('<figure class="post-image">{}{}</figure>', picture, caption)


def thumbnail_url(fieldfile, renditions: dict) -> str:
    """Return the smallest stored rendition's URL (for admin lists and the picker)."""
    if not fieldfile:
        return ""
    sources = (renditions or {}).get("sources") or []
    if not sources:
        return fieldfile.url
    smallest = min(sources, key=lambda s: (s["width"], s["type"] != "image/webp"))
    return fieldfile.storage.url(smallest["name"])
