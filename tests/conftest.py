"""Shared fixtures: factories for users, posts and library images, an isolated media folder.

A superuser and a client logged in as one are pytest-django's `admin_user` and `admin_client`.
"""

import io
from datetime import timedelta
from itertools import count
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image as PILImage

from blog import services
from blog.models import Image, Post

_numbers = count(1)

TESTS = Path(__file__).resolve().parent
# Whole folders of real-world checks: a browser, the HTML checker and axe, backups, S3, Redis,
# SQLite under several processes. `pytest -m "not slow"` (make test-fast) leaves them out.
SLOW_FOLDERS = {"browser", "quality", "ops"}


def pytest_collection_modifyitems(items):
    for item in items:
        folder = item.path.resolve().relative_to(TESTS).parts[0]
        if folder in SLOW_FOLDERS:
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    """pytest-django's test database; on SQLite (a file, see config.settings) its change
    signal (blog.page_cache) is removed with it."""
    from django.db import connection

    name = connection.settings_dict["NAME"]
    yield
    if connection.vendor == "sqlite" and not connection.is_in_memory_db():
        Path(f"{name}-closer-version").unlink(missing_ok=True)


@pytest.fixture(autouse=True)
def isolated_media(settings, tmp_path):
    """Keep uploads and generated files of each test in its own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def clear_cache():
    """Start every test with an empty cache (login throttle counters, cached pages)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def no_video_provider_network(settings):
    """Point oEmbed at a closed local port: no test ever reaches a real provider.

    Tests that need a provider start tests/videos/fake_provider.py and override this.
    """
    settings.CLOSER_OEMBED_ENDPOINTS = {
        name: "http://127.0.0.1:9/oembed" for name in ("youtube", "vimeo", "dailymotion")
    }


@pytest.fixture
def make_user(db):
    def make(**overrides):
        n = next(_numbers)
        fields = {"username": f"user{n}", "password": "a-long-test-password-1"}
        fields.update(overrides)
        password = fields.pop("password")
        user = get_user_model().objects.create_user(**fields)
        user.set_password(password)
        user.save()
        return user

    return make


@pytest.fixture
def author(make_user):
    return make_user(username="writer", first_name="Wren", last_name="Writer")


@pytest.fixture
def make_post(db, author):
    """Create a post; published yesterday unless told otherwise."""

    def make(*, tags=(), **overrides):
        n = next(_numbers)
        fields = {
            "title": f"Post number {n}",
            "body": f"Body of post {n}.",
            "author": author,
            "status": Post.Status.PUBLISHED,
            "published_at": timezone.now() - timedelta(days=1),
        }
        fields.update(overrides)
        post = Post.objects.create(**fields)
        # As a post written in the admin: with its first revision.
        services.post_record_history(post=post)
        if tags:
            post.tags.set(list(tags))
        return post

    return make


@pytest.fixture
def make_image(db, django_capture_on_commit_callbacks):
    """Create a library image (through the real upload pipeline) from a generated picture.

    As after a real upload's commit, the renditions task runs (the tests' immediate backend).
    """

    def make(*, size=(1200, 675), fmt="PNG", color="teal", name="cover", **overrides):
        buffer = io.BytesIO()
        PILImage.new("RGB", size, color).save(buffer, fmt)
        extension = {"JPEG": "jpg"}.get(fmt, fmt.lower())
        fields = {"alt_text": "A test picture"}
        fields.update(overrides)
        image = Image(file=SimpleUploadedFile(f"{name}.{extension}", buffer.getvalue()), **fields)
        image.full_clean()
        with django_capture_on_commit_callbacks(execute=True):
            image.save()
        image.refresh_from_db()
        return image

    return make


@pytest.fixture
def draft(make_post):
    return make_post(title="Secret draft essay", status=Post.Status.DRAFT, published_at=None)


@pytest.fixture
def scheduled(make_post):
    return make_post(
        title="Secret scheduled essay", published_at=timezone.now() + timedelta(days=3)
    )
