"""One pipeline for every picture Closer stores: library images, featured images, video posters.

Nothing that arrives is trusted: not its name, not its content type, not Pillow's quick
``verify()`` (which misses HTML appended to a PNG). ``picture_clean`` opens the bytes with an
explicit format allowlist, checks the byte size and the pixel count before decoding, decodes
every frame, applies the EXIF orientation and re-encodes, which also drops EXIF/GPS, XMP and text
chunks. ``renditions_make`` then stores resized copies (WebP plus a fallback format) and returns
one shape for all of them, a list of ``{"name", "format", "width", "height"}``, which the model
stores so that no page ever opens a file to learn a size. ``picture_html`` turns that list into
a ``<picture>`` through the one partial, ``pictures/_picture.html``.

What differs between kinds of picture (formats, limits, widths, transparency) is a
``PictureRules`` the caller passes; the code is the same.
"""

import io
import re
import warnings
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from PIL import Image as PILImage
from PIL import ImageOps, features

# Pillow's format name -> (rendition format, MIME type, file extension, display name).
KNOWN_FORMATS = {
    "JPEG": ("jpeg", "image/jpeg", "jpg", "JPEG"),
    "PNG": ("png", "image/png", "png", "PNG"),
    "WEBP": ("webp", "image/webp", "webp", "WebP"),
    "GIF": ("gif", "image/gif", "gif", "GIF"),
    "AVIF": ("avif", "image/avif", "avif", "AVIF"),
}
AVIF_AVAILABLE = features.check("avif")
MIME_TYPES = {name: mime for name, (_, mime, _, _) in KNOWN_FORMATS.items()}
EXTENSIONS = {name: extension for name, (_, _, extension, _) in KNOWN_FORMATS.items()}
_BY_RENDITION_FORMAT = {fmt: name for name, (fmt, _, _, _) in KNOWN_FORMATS.items()}
# Formats a browser may skip for the fallback <img>, best first.
_MODERN = ("avif", "webp")


@dataclass(frozen=True)
class PictureRules:
    """What one kind of picture may be, and which renditions it gets."""

    formats: tuple[str, ...]  # Pillow names accepted ("JPEG", "PNG", ...)
    max_bytes: int
    max_pixels: int
    widths: tuple[int, ...]  # rendition widths; never wider than the picture itself
    min_side: int = 1
    # Keep every frame of an animation (its only rendition is then the cleaned original).
    animation: bool = False
    # Lay transparent parts over this colour (RGB); None keeps transparency.
    background: tuple[int, int, int] | None = None
    # The non-WebP rendition format ("JPEG", "PNG"); None: the original's when it is JPEG or
    # PNG, else PNG for transparency or GIF, else JPEG.
    fallback: str | None = None

    @property
    def format_names(self) -> str:
        """Return the accepted formats for a message: "JPEG, PNG or WebP"."""
        names = [KNOWN_FORMATS[name][3] for name in self.formats]
        return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]

    @property
    def mime_types(self) -> list[str]:
        return [MIME_TYPES[name] for name in self.formats]


class PictureError(ValidationError):
    """A picture we refuse; the message says why, fit for an author (code: the kind)."""

    def __str__(self):
        return self.messages[0]


@dataclass(frozen=True)
class CleanPicture:
    """A checked picture, re-encoded: what gets stored instead of the bytes that came in."""

    content: bytes
    format: str  # Pillow's name: "JPEG", "PNG", ...
    width: int
    height: int
    animated: bool


def _size_text(n: int) -> str:
    if n < 1024 * 1024:
        return f"{max(1, round(n / 1024))} KB"
    return f"{n / (1024 * 1024):.1f}".removesuffix(".0") + " MB"


def _too_large(size: int, limit: int) -> PictureError:
    return PictureError(
        f"This file is {_size_text(size)}; the limit is {_size_text(limit)}.",
        code="file_too_large",
    )


def _read(file) -> bytes:
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read()
    if hasattr(file, "seek"):
        file.seek(0)
    return data


def picture_clean(source, *, rules: PictureRules) -> CleanPicture:
    """Check a picture (bytes or a file) and return it re-encoded; raise PictureError.

    For a file the result is remembered on the file object, so a form, a model validator and
    save() decode one upload once.
    """
    if isinstance(source, bytes | bytearray):
        if len(source) > rules.max_bytes:
            raise _too_large(len(source), rules.max_bytes)
        return _decode_and_reencode(bytes(source), rules)
    cached = getattr(source, "_closer_clean_picture", None)
    if cached is not None and cached[0] == rules:
        return cached[1]
    size = getattr(source, "size", None)
    if size is not None and size > rules.max_bytes:
        raise _too_large(size, rules.max_bytes)
    data = _read(source)
    if len(data) > rules.max_bytes:
        raise _too_large(len(data), rules.max_bytes)
    clean = _decode_and_reencode(data, rules)
    source._closer_clean_picture = (rules, clean)
    return clean


def _too_many_pixels(width: int, height: int, limit: int) -> PictureError:
    return PictureError(
        f"This image is {width}×{height} pixels ({width * height / 1e6:.0f} megapixels); "
        f"the limit is {_megapixels(limit)} megapixels. Make it smaller before uploading.",
        code="too_many_pixels",
    )


def _megapixels(n: int) -> str:
    return f"{n / 1e6:.1f}".removesuffix(".0")


def _bomb_error(error, limit: int) -> PictureError:
    # Pillow refuses far too large images while opening; its message has the pixel count.
    found = re.search(r"\((\d+) pixels\)", str(error))
    claimed = f" ({int(found.group(1)) / 1e6:,.0f} megapixels)" if found else ""
    return PictureError(
        f"This image claims to be enormous{claimed}, as decompression bombs do; "
        f"the limit is {_megapixels(limit)} megapixels.",
        code="too_many_pixels",
    )


def _decode_and_reencode(data: bytes, rules: PictureRules) -> CleanPicture:
    not_an_image = PictureError(
        f"This is not a {rules.format_names} image. Other files, SVG included, are not accepted.",
        code="not_an_image",
    )
    damaged = PictureError(
        "This image is damaged or incomplete and cannot be read. Export it again and retry.",
        code="damaged_image",
    )
    # Phone JPEGs often carry an MPO second picture (a depth map): Pillow names them MPO.
    formats = (*rules.formats, "MPO") if "JPEG" in rules.formats else rules.formats
    with warnings.catch_warnings():
        # Our own pixel limit, checked below with the real dimensions, is lower than Pillow's.
        warnings.simplefilter("ignore", PILImage.DecompressionBombWarning)
        try:
            image = PILImage.open(io.BytesIO(data), formats=formats)
        except PILImage.DecompressionBombError as error:
            raise _bomb_error(error, rules.max_pixels) from error
        except Exception as error:  # Pillow raises many kinds for hostile input
            raise not_an_image from error
        with image:
            width, height = image.size
            if width < 1 or height < 1:
                raise damaged
            fmt = "JPEG" if image.format == "MPO" else image.format
            frames = getattr(image, "n_frames", 1) if rules.animation and fmt != "JPEG" else 1
            # The header gives the size before any pixel is decoded: refuse bombs here.
            if width * height * frames > rules.max_pixels:
                raise _too_many_pixels(width, height, rules.max_pixels)
            try:
                # Decode every frame: a truncated or corrupt file fails here, not in a page.
                for index in range(frames):
                    image.seek(index)
                    image.load()
                image.seek(0)
            except PILImage.DecompressionBombError as error:
                raise _too_many_pixels(width, height, rules.max_pixels) from error
            except Exception as error:
                raise damaged from error
            animated = frames > 1
            try:
                content, result = _reencode(image, fmt, animated, rules.background)
            except Exception as error:
                raise damaged from error
    if min(result.width, result.height) < rules.min_side:
        raise PictureError(
            f"This image is {result.width}×{result.height} pixels, too small to use; "
            f"it needs at least {rules.min_side} pixels on each side.",
            code="too_small",
        )
    return CleanPicture(
        content=content, format=fmt, width=result.width, height=result.height, animated=animated
    )


def _has_alpha(image) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )


def _flatten(image, background: tuple[int, int, int]):
    """Return an RGB image; transparent parts are laid over the background colour."""
    if _has_alpha(image):
        image = image.convert("RGBA")
        base = PILImage.new("RGBA", image.size, (*background, 255))
        return PILImage.alpha_composite(base, image).convert("RGB")
    return image.convert("RGB")


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


def _reencode(image, fmt: str, animated: bool, background):
    """Return the image's bytes in its own format, upright, metadata gone, and the image."""
    out = io.BytesIO()
    if animated:
        # Orientation tags do not occur in animations; keep every frame and its timing.
        options = {"save_all": True, "loop": image.info.get("loop", 0)}
        if "duration" in image.info:
            options["duration"] = image.info["duration"]
        image.save(out, format=fmt, **options)
        return out.getvalue(), image
    upright = ImageOps.exif_transpose(image)
    if background is not None:
        upright = _flatten(upright, background)
    elif fmt == "JPEG" and upright.mode not in ("RGB", "L"):
        upright = upright.convert("RGB")
    upright.info.pop("exif", None)
    upright.save(out, format=fmt, **_save_options(upright, fmt))
    return out.getvalue(), upright


def rendition_widths(width: int, widths: Iterable[int]) -> list[int]:
    """Return the rendition widths for a picture this wide: never enlarged, the full width last."""
    wanted = sorted(set(widths))
    chosen = [w for w in wanted if w < width]
    if not wanted or width <= wanted[-1]:
        chosen.append(width)
    return chosen


def _fallback_format(clean: CleanPicture, has_alpha: bool, rules: PictureRules) -> str:
    if rules.fallback:
        return rules.fallback
    if clean.format in ("JPEG", "PNG"):
        return clean.format
    return "PNG" if has_alpha or clean.format == "GIF" else "JPEG"


def _describe(name: str, fmt: str, width: int, height: int) -> dict:
    return {"name": name, "format": KNOWN_FORMATS[fmt][0], "width": width, "height": height}


def renditions_make(
    *, picture: CleanPicture, rules: PictureRules, stem: str, storage: Storage = default_storage
) -> list[dict]:
    """Store a clean picture's renditions as ``{stem}-{width}.{ext}``; return their list.

    Each item is ``{"name", "format", "width", "height"}`` (format: "webp", "jpeg", ...), the
    one shape every model keeps. An animation gets a single rendition, the cleaned original:
    resizing would drop its frames.
    """
    if picture.animated:
        name = storage.save(
            f"{stem}-{picture.width}.{EXTENSIONS[picture.format]}", ContentFile(picture.content)
        )
        return [_describe(name, picture.format, picture.width, picture.height)]
    image = PILImage.open(io.BytesIO(picture.content), formats=[picture.format])
    image.load()
    has_alpha = _has_alpha(image)
    if image.mode not in ("RGB", "RGBA", "L"):
        image = image.convert("RGBA" if has_alpha else "RGB")
    fallback = _fallback_format(picture, has_alpha, rules)
    stored = []
    for width in rendition_widths(picture.width, rules.widths):
        height = max(1, round(picture.height * width / picture.width))
        resized = (
            image if width == picture.width else image.resize((width, height), PILImage.LANCZOS)
        )
        for fmt in ("WEBP", fallback):
            frame = resized
            if fmt == "JPEG" and frame.mode != "RGB":
                frame = frame.convert("RGB")
            out = io.BytesIO()
            frame.save(out, format=fmt, **_save_options(frame, fmt))
            name = storage.save(f"{stem}-{width}.{EXTENSIONS[fmt]}", ContentFile(out.getvalue()))
            stored.append(_describe(name, fmt, width, height))
    return stored


def renditions_delete(
    *, renditions: Iterable[dict], keep: Iterable[dict] = (), storage: Storage = default_storage
) -> None:
    """Delete stored renditions that are not also in keep."""
    kept = {item["name"] for item in keep}
    for item in renditions:
        if item["name"] not in kept:
            storage.delete(item["name"])


def _valid(renditions) -> list[dict]:
    # Tolerate hand-edited or legacy JSON: anything without a name and a width is skipped.
    return [
        item
        for item in renditions or ()
        if isinstance(item, dict) and item.get("name") and item.get("width")
    ]


def rendition_largest(renditions, *, formats: Iterable[str] = ("jpeg", "png", "gif")) -> dict:
    """Return the widest rendition in one of formats (for feeds and social cards), or {}."""
    wanted = tuple(formats)
    candidates = [item for item in _valid(renditions) if item.get("format") in wanted]
    return max(candidates, key=lambda item: item["width"], default={})


def rendition_smallest_url(renditions, *, storage: Storage = default_storage) -> str:
    """Return the URL of the smallest rendition, WebP first (admin lists, the picker), or ""."""
    items = _valid(renditions)
    if not items:
        return ""
    smallest = min(items, key=lambda item: (item["width"], item.get("format") != "webp"))
    return storage.url(smallest["name"])


def _srcset(items: list[dict], storage: Storage) -> str:
    return ", ".join(f"{storage.url(item['name'])} {item['width']}w" for item in items)


def picture_data(
    renditions,
    *,
    storage: Storage = default_storage,
    width: int | None = None,
    height: int | None = None,
    src: str = "",
) -> dict | None:
    """Return what the <picture> partial draws from stored renditions, without opening a file.

    {"sources": [{"type", "srcset"}], "src", "srcset", "width", "height"}: modern formats as
    <source>s, the fallback format as the <img>'s src (its widest) and srcset. width/height
    default to the widest fallback's; src is used when there are no renditions (None if
    neither).
    """
    groups: dict[str, list[dict]] = {}
    for item in sorted(_valid(renditions), key=lambda item: item["width"]):
        groups.setdefault(item.get("format") or "", []).append(item)
    fallback_format = next((f for f in groups if f not in _MODERN), None)
    if fallback_format is None:
        fallback_format = next((f for f in _MODERN if f in groups), None)
    if fallback_format is None:
        if not src:
            return None
        return {"sources": [], "src": src, "srcset": "", "width": width, "height": height}
    fallback = groups.pop(fallback_format)
    widest = fallback[-1]
    return {
        "sources": [
            {"type": MIME_TYPES[_BY_RENDITION_FORMAT[fmt]], "srcset": _srcset(groups[fmt], storage)}
            for fmt in _MODERN
            if fmt in groups
        ],
        "src": storage.url(widest["name"]),
        "srcset": _srcset(fallback, storage) if len(fallback) > 1 else "",
        "width": width or widest["width"],
        "height": height or widest.get("height") or "",
    }


def picture_html(
    renditions,
    *,
    alt: str,
    sizes: str = "100vw",
    loading: str = "lazy",
    css_class: str = "",
    storage: Storage = default_storage,
    width: int | None = None,
    height: int | None = None,
    src: str = "",
) -> SafeString:
    """Return a <picture> (WebP and fallback srcsets, width/height, lazy) or "" if no picture."""
    data = picture_data(renditions, storage=storage, width=width, height=height, src=src)
    if data is None:
        return mark_safe("")
    return mark_safe(
        render_to_string(
            "pictures/_picture.html",
            {
                "picture": data,
                "alt": alt,
                "sizes": sizes,
                "loading": loading,
                "css_class": css_class,
            },
        ).strip()
    )
