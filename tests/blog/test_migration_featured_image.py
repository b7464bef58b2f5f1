"""Migration 0004: featured-image files become library images; renditions take the list shape."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from PIL import Image as PILImage

BEFORE = [("blog", "0003_roles")]
AFTER = [("blog", "0004_featured_image_from_library")]


def stored_png(name: str, size=(640, 360)) -> str:
    buffer = io.BytesIO()
    PILImage.new("RGB", size, "navy").save(buffer, "PNG")
    return default_storage.save(name, ContentFile(buffer.getvalue()))


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def old_apps(transactional_db):
    apps = migrate(BEFORE)
    yield apps
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def test_featured_files_become_library_images(old_apps):
    User = old_apps.get_model("auth", "User")
    Post = old_apps.get_model("blog", "Post")
    Image = old_apps.get_model("blog", "Image")
    author = User.objects.create(username="old-author")
    cover = stored_png("featured/2025/01/cover.png")
    rendition = stored_png("featured/2025/01/renditions/cover-480.webp", (480, 270))
    described = Post.objects.create(
        title="Described",
        slug="described",
        author=author,
        featured_image=cover,
        featured_image_alt="A navy wall",
        featured_image_renditions={
            "width": 640,
            "height": 360,
            "format": "PNG",
            "sources": [{"width": 480, "height": 270, "type": "image/webp", "name": rendition}],
        },
        published_at=timezone.now(),
        status="published",
    )
    legacy = Post.objects.create(
        title="Legacy",
        slug="legacy",
        author=author,
        featured_image=stored_png("featured/old.png", (300, 200)),
        published_at=timezone.now(),
        status="published",
    )
    plain = Post.objects.create(title="Plain", slug="plain", author=author)
    library = Image.objects.create(
        file=stored_png("images/in-body.png"),
        alt_text="In a body",
        width=640,
        height=360,
        renditions={
            "width": 640,
            "height": 360,
            "format": "PNG",
            "sources": [{"width": 640, "height": 360, "type": "image/png", "name": "x.png"}],
        },
    )

    new_apps = migrate(AFTER)
    Post = new_apps.get_model("blog", "Post")
    Image = new_apps.get_model("blog", "Image")
    image = Post.objects.get(pk=described.pk).featured_image
    assert image.file.name == cover and image.alt_text == "A navy wall" and not image.decorative
    assert (image.width, image.height) == (640, 360)
    assert image.renditions == [{"name": rendition, "format": "webp", "width": 480, "height": 270}]
    assert image.uploaded_by_id == author.pk
    old = Post.objects.get(pk=legacy.pk).featured_image
    assert (old.width, old.height) == (300, 200)  # read once from the file: no renditions then
    assert old.decorative and old.alt_text == "" and old.renditions == []
    assert Post.objects.get(pk=plain.pk).featured_image is None
    assert Image.objects.get(pk=library.pk).renditions == [
        {"name": "x.png", "format": "png", "width": 640, "height": 360}
    ]
    assert Image.objects.count() == 3

    back = migrate(BEFORE)
    Post = back.get_model("blog", "Post")
    reverted = Post.objects.get(pk=described.pk)
    assert reverted.featured_image.name == cover and reverted.featured_image_alt == "A navy wall"
    assert reverted.featured_image_renditions["sources"][0]["type"] == "image/webp"
