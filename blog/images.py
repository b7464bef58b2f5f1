"""The image library's own part of the picture pipeline (``pictures.pipeline`` does the work).

What is specific to library images: their rules (formats, limits from settings, widths), the
stored name of a cleaned upload, and the ``<closer-image>`` placeholders of a body, expanded at
display time into figures with caption and credit. Featured images are library images too.
"""

import re
import secrets
from pathlib import PurePosixPath

from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.html import format_html
from django.utils.text import slugify
from django_tasks import task

from pictures.pipeline import (
    AVIF_AVAILABLE,
    EXTENSIONS,
    CleanPicture,
    PictureRules,
    picture_clean,
    picture_html,
    rendition_smallest_url,
    renditions_delete,
    renditions_make,
)

WIDTHS = (480, 960, 1600)
ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF") + (("AVIF",) if AVIF_AVAILABLE else ())
BODY_SIZES = "(min-width: 46rem) 42rem, calc(100vw - 2rem)"


def image_rules() -> PictureRules:
    """Return the rules a library image must pass (limits from settings, read at call time)."""
    return PictureRules(
        formats=ALLOWED_FORMATS,
        max_bytes=settings.CLOSER_MAX_UPLOAD_BYTES,
        max_pixels=settings.CLOSER_MAX_IMAGE_PIXELS,
        widths=WIDTHS,
        animation=True,
    )


def clean_upload(file) -> CleanPicture:
    """Check an uploaded image and return it re-encoded; raise PictureError with the reason."""
    return picture_clean(file, rules=image_rules())


def validate_image_upload(value) -> None:
    """Model-field validator: reject anything but a sound library image upload."""
    if not value:
        return
    if getattr(value, "_committed", False):
        return  # already stored, checked when it was uploaded
    clean_upload(getattr(value, "file", value))


def image_store_upload(image) -> None:
    """Replace an Image's uncommitted upload with its cleaned bytes and store its size.

    ``Image.save`` calls it for a new file; the renditions are made afterwards, in the
    background (``blog.tasks.image_make_renditions``), so an upload never waits for them.
    """
    fieldfile = image.file
    clean = clean_upload(fieldfile.file)
    readable = slugify(PurePosixPath(fieldfile.name or "image").stem)[:40] or "image"
    # A random part keeps a draft's images unguessable under the public /media/ URL; the
    # extension is the real format's, whatever the upload was called.
    name = f"{readable}-{secrets.token_hex(8)}.{EXTENSIONS[clean.format]}"
    fieldfile.save(name, ContentFile(clean.content), save=False)
    image.width, image.height = clean.width, clean.height
    image.renditions = []


def image_renditions_from_file(image) -> list[dict]:
    """Make and store the renditions of an image's stored (already cleaned) file."""
    fieldfile = image.file
    with fieldfile.storage.open(fieldfile.name, "rb") as stored_file:
        content = stored_file.read()
    # Checked again, cheaply: the stored file is ours, but storage is outside this process.
    clean = clean_upload(content)
    stored = PurePosixPath(fieldfile.name)
    return renditions_make(
        picture=clean,
        rules=image_rules(),
        stem=str(stored.parent / "renditions" / stored.stem),
        storage=fieldfile.storage,
    )


@task()
def image_make_renditions(image_pk: int) -> str:
    """Make a library image's renditions from its stored file (a task); say what happened.

    Idempotent: an image that has its renditions, or no longer exists, is left alone. Until
    they exist a page shows the cleaned original at its stored size: nothing waits or shifts.
    """
    Image = apps.get_model("blog", "Image")  # the model module imports this one
    image = Image.objects.filter(pk=image_pk).first()
    if image is None or not image.file:
        return "gone"
    if image.renditions:
        return "done already"
    renditions = image_renditions_from_file(image)
    # Only if no one replaced the file meanwhile (a new upload enqueues its own task).
    updated = Image.objects.filter(pk=image.pk, file=image.file.name, renditions=[]).update(
        renditions=renditions
    )
    if not updated:
        renditions_delete(renditions=renditions, storage=image.file.storage)
        return "replaced meanwhile"
    # update() sends no save signal, so tell the page cache itself: a stored page still points
    # at the original and would keep doing so. (Imported here: page_cache imports the models,
    # which import this module.)
    from blog.page_cache import content_version_bump

    content_version_bump()
    return f"{len(renditions)} renditions"


def image_enqueue_renditions(image) -> None:
    """Make image's renditions in the background once the current transaction commits.

    An upload is checked and re-encoded in the request (that is where a refusal is shown, and
    it is quick); the copies for screens (three widths, WebP and a fallback: seconds for a large
    photograph) are made by a worker, so an upload never holds the request or the database.
    """
    pk = image.pk
    transaction.on_commit(lambda: image_make_renditions.enqueue(pk), robust=True)


def image_picture_html(image, *, sizes: str = BODY_SIZES, loading: str = "lazy", css_class=""):
    """Return a library image as a <picture> at its stored size ("" for None)."""
    if image is None or not image.file:
        return ""
    return picture_html(
        image.renditions,
        alt=image.alt,
        sizes=sizes,
        loading=loading,
        css_class=css_class,
        storage=image.file.storage,
        width=image.width or None,
        height=image.height or None,
        src=image.file.url,
    )


def image_thumbnail_url(image) -> str:
    """Return the smallest rendition's URL (admin lists and the picker), else the file's."""
    if not image.file:
        return ""
    return rendition_smallest_url(image.renditions, storage=image.file.storage) or image.file.url


_PLACEHOLDER = re.compile(r'<closer-image data-id="(\d+)"></closer-image>')


def placeholder_ids(html: str) -> set[int]:
    """Return the ids of the library images a stored body places."""
    return {int(i) for i in _PLACEHOLDER.findall(html)}


def expand_placeholders(html: str, images, *, mode: str = "page") -> str:
    """Replace ``<closer-image>`` placeholders with figures from images.

    images is a queryset (evaluated with one query, only when the body has placeholders) or
    a dict of images by id already fetched for several bodies (``body_images_prefetch``).
    """
    ids = placeholder_ids(html)
    if not ids:
        return html
    found = images if isinstance(images, dict) else images.in_bulk(ids)

    def replace(match):
        image = found.get(int(match.group(1)))
        return figure_html(image, mode=mode) if image else ""

    return _PLACEHOLDER.sub(replace, html)


def image_feed_html(image) -> str:
    """Return a library image as the one plain <img> feeds and emails get (no srcset)."""
    return format_html(
        '<img src="{}" alt="{}" width="{}" height="{}">',
        image.file.url,
        image.alt,
        image.width,
        image.height,
    )


def figure_html(image, *, mode: str = "page", sizes: str = BODY_SIZES) -> str:
    """Return a library image as a <figure> with its caption and credit (escaped)."""
    picture = image_feed_html(image) if mode == "feed" else image_picture_html(image, sizes=sizes)
    caption = ""
    if image.caption or image.credit:
        credit = (
            format_html(' <span class="image-credit">{}</span>', image.credit)
            if image.credit
            else ""
        )
        caption = format_html("<figcaption>{}{}</figcaption>", image.caption, credit)
    return format_html('<figure class="post-image">{}{}</figure>', picture, caption)
