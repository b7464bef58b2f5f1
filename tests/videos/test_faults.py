"""Faults during saves and page views: the provider down, slow past the deadline or hostile,
and the disk refusing a media write. A save never fails or loses the text because of them, a
page view never waits for a provider, and nothing hostile reaches a page.

Saves run the background task path: the admin save enqueues on commit and the immediate backend
runs the task then (django_capture_on_commit_callbacks(execute=True)); the database backend's
queued run is also executed as the worker would. Redis stopping: tests/ops/test_redis.py.
"""

import pytest
from django.core.files.storage import FileSystemStorage
from django_tasks_db.models import DBTaskResult
from fake_provider import (
    bytes_answer,
    huge_answer,
    image_bytes,
    redirect_answer,
    slow_answer,
    status_answer,
    trickle_answer,
)
from test_tasks import VIDEO_URL, add_post

from blog.models import Image, Post
from videos.models import Video
from videos.tasks import video_fetch_metadata

pytestmark = pytest.mark.django_db

HOSTILE = '<img src=x onerror=alert(1)>"><svg onload=alert(2)>'


def _down(provider):
    provider.oembed("youtube", status_answer(503))


def _slow(provider):
    provider.oembed("youtube", slow_answer(3, status_answer(200)))


def _trickle(provider):
    provider.oembed("youtube", trickle_answer(3))


def _huge(provider):
    provider.oembed("youtube", huge_answer(50 * 1024 * 1024))


def _redirect_inward(provider):
    provider.oembed("youtube", redirect_answer("http://169.254.169.254/latest/meta-data/"))


def _hostile_fields(provider):
    provider.on("/poster.jpg", bytes_answer(b"<html><script>alert(1)</script></html>"))
    provider.oembed(
        "youtube",
        {
            "title": HOSTILE,
            "author_name": HOSTILE,
            "html": "<script>alert(3)</script>",
            "thumbnail_url": "javascript:alert(4)",
            "width": "wide",
            "height": -5,
        },
    )


FAULTS = {
    "down": _down,
    "slow": _slow,
    "trickle": _trickle,
    "huge": _huge,
    "redirect_inward": _redirect_inward,
    "hostile_fields": _hostile_fields,
}


@pytest.fixture
def quick_deadline(settings):
    settings.CLOSER_OEMBED_TIMEOUT = 1


def _assert_page_is_safe(client, post, provider):
    asked = len(provider.requests)
    response = client.get(post.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    # Escaped in JSON-LD (\\u003C) and HTML is fine; markup of the provider's is not.
    assert "<img src=x" not in html and "<svg onload" not in html and "<script>alert" not in html
    assert "javascript:" not in html
    assert len(provider.requests) == asked  # a page view never asks the provider
    video = Video.objects.get()
    assert client.get(video.get_absolute_url()).status_code == 200
    assert client.get("/videos/sitemap.xml").status_code == 200


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_a_save_with_a_faulty_provider_keeps_the_text_and_the_page_works(
    fault, provider, quick_deadline, admin_client, admin_user, client,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    FAULTS[fault](provider)
    with django_capture_on_commit_callbacks(execute=True):
        response = add_post(admin_client, admin_user, f"My words.\n\n{VIDEO_URL}\n")
    assert response.status_code == 200  # followed the redirect: saved
    post = Post.objects.get()
    assert post.body.strip() == f"My words.\n\n{VIDEO_URL}" and post.status == Post.Status.PUBLISHED
    video = Video.objects.get()
    if fault != "hostile_fields":
        assert video.metadata_error and video.title == ""
    assert video.poster is None  # no poster from a broken or hostile answer
    _assert_page_is_safe(client, post, provider)
    # The admin still shows the post and the video.
    assert admin_client.get(f"/admin/blog/post/{post.pk}/change/").status_code == 200
    assert admin_client.get(f"/admin/videos/video/{video.pk}/change/").status_code == 200


@pytest.mark.parametrize("fault", ["down", "slow", "hostile_fields"])
def test_the_queued_task_survives_a_faulty_provider(
    fault, provider, quick_deadline, settings, admin_client, admin_user, client,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    FAULTS[fault](provider)
    with django_capture_on_commit_callbacks(execute=True):
        add_post(admin_client, admin_user, f"Queued.\n\n{VIDEO_URL}\n")
    assert provider.requests == []  # the save itself asked nobody
    (run,) = DBTaskResult.objects.filter(task_path="videos.tasks.video_fetch_metadata")
    # The worker's part: the task answers (it does not raise), and the page still works.
    outcome = video_fetch_metadata.call(*run.args_kwargs["args"])
    assert isinstance(outcome, str)
    _assert_page_is_safe(client, Post.objects.get(), provider)


# --- The disk refusing a media write -------------------------------------------------------


class FullDiskStorage(FileSystemStorage):
    def _save(self, name, content):
        raise OSError(28, "No space left on device")


@pytest.fixture
def full_disk(monkeypatch):
    storage = FullDiskStorage()
    for field in (Image._meta.get_field("file"), Video._meta.get_field("poster_file")):
        monkeypatch.setattr(field, "storage", storage)
    return storage


def _png():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("cover.png", image_bytes("PNG"), content_type="image/png")


def test_a_refused_featured_image_write_is_a_clear_error_and_the_post_is_unchanged(
    full_disk, admin_client, admin_user, make_post
):
    post = make_post(title="Unchanged title", author=admin_user)
    form = {
        "title": "A new title",
        "slug": post.slug,
        "body": "A new body.",
        "body_format": "markdown",
        "excerpt": "",
        "tags": "",
        "status": "published",
        "published_at_0": post.published_at.strftime("%Y-%m-%d"),
        "published_at_1": post.published_at.strftime("%H:%M:%S"),
        "author": admin_user.pk,
        "featured_image_upload": _png(),
        "featured_image_alt": "A description",
        "video_attachments-TOTAL_FORMS": "0",
        "video_attachments-INITIAL_FORMS": "0",
        "video_attachments-MIN_NUM_FORMS": "0",
        "video_attachments-MAX_NUM_FORMS": "1000",
    }
    response = admin_client.post(f"/admin/blog/post/{post.pk}/change/", form)
    assert response.status_code == 200  # the form again, not a 500 and not a redirect
    assert "could not be stored" in response.content.decode()
    post.refresh_from_db()
    assert (post.title, post.body, post.featured_image) == ("Unchanged title", post.body, None)
    assert not Image.objects.exists()


def test_a_refused_library_image_write_is_a_clear_error(full_disk, admin_client):
    response = admin_client.post(
        "/admin/blog/image/add/", {"file": _png(), "alt_text": "A description", "caption": ""}
    )
    assert response.status_code == 200
    assert "could not be stored" in response.content.decode()
    assert not Image.objects.exists()
