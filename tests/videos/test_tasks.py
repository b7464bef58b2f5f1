"""Video details and posters as background tasks: enqueued on commit, idempotent, retried.

These run in-process against the real database backend's queue table (the worker itself is
tested end to end in tests/ops/test_video_tasks.py); the suite's default is the immediate backend.
"""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from fake_provider import bytes_answer, image_bytes, status_answer

from blog.models import Post
from videos import tasks
from videos.models import Health, Video
from videos.services import video_get_or_create_from_url
from videos.tasks import video_fetch_metadata, videos_enqueue_metadata

pytestmark = pytest.mark.django_db

VIDEO_URL = "https://youtu.be/dQw4w9WgXcQ"


@pytest.fixture
def database_queue(settings):
    """Use the database backend: tasks wait in its table until something runs them."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def serve_video(provider):
    provider.on("/poster.jpg", bytes_answer(image_bytes()))
    provider.oembed(
        "youtube", {"title": "Virtual Insanity", "thumbnail_url": f"{provider.url}/poster.jpg"}
    )


def add_post(client, author, body):
    return client.post(
        "/admin/blog/post/add/",
        {
            "title": "An essay with a video",
            "slug": "",
            "body": body,
            "body_format": "markdown",
            "excerpt": "",
            "tags": "",
            "status": "published",
            "published_at_0": "",
            "published_at_1": "",
            "featured_image_alt": "",
            "author": author.pk,
            "video_attachments-TOTAL_FORMS": "0",
            "video_attachments-INITIAL_FORMS": "0",
            "video_attachments-MIN_NUM_FORMS": "0",
            "video_attachments-MAX_NUM_FORMS": "1000",
        },
        follow=True,
    )


def queued_runs(video):
    return list(
        DBTaskResult.objects.filter(task_path="videos.tasks.video_fetch_metadata")
        .filter(args_kwargs__args=[video.pk])
        .order_by("enqueued_at")
    )


def test_an_admin_save_only_enqueues_and_only_after_commit(
    database_queue, provider, admin_client, admin_user, django_capture_on_commit_callbacks
):
    serve_video(provider)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = add_post(admin_client, admin_user, f"Watch:\n\n{VIDEO_URL}\n")
    assert response.status_code == 200
    assert provider.requests == []  # the request asked no provider
    assert not DBTaskResult.objects.exists()  # and queued nothing before the commit
    assert "being fetched in the background" in response.content.decode()
    video = Video.objects.get()
    assert video.metadata_pending and video.metadata_attempts == 0

    for callback in callbacks:
        callback()  # what the commit does
    (run,) = queued_runs(video)
    assert run.status == "READY"

    # Until the worker gets to it, staff see a calm note and readers a neutral poster.
    post = Post.objects.get()
    post_admin = admin_client.get(f"/admin/blog/post/{post.pk}/change/").content.decode()
    assert "being fetched in the background" in post_admin
    video_admin = admin_client.get(f"/admin/videos/video/{video.pk}/change/").content.decode()
    assert "being fetched in the background" in video_admin
    assert "Details on their way" in admin_client.get("/admin/videos/video/").content.decode()
    page = admin_client.get(post.get_absolute_url()).content.decode()
    assert "video-poster-empty" in page and "/media/videos/posters/" not in page

    # The worker's part: run what was queued.
    assert video_fetch_metadata.call(*run.args_kwargs["args"]) == "fetched"
    video.refresh_from_db()
    assert video.title == "Virtual Insanity" and video.poster is not None
    assert not video.metadata_pending
    assert (
        "/media/videos/posters/youtube/"
        in admin_client.get(post.get_absolute_url()).content.decode()
    )


def test_a_rolled_back_save_enqueues_nothing(database_queue, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        video, _ = video_get_or_create_from_url(url=VIDEO_URL)
        videos_enqueue_metadata(videos=[video])
        raise RuntimeError("the save failed")
    assert callbacks == [] and not DBTaskResult.objects.exists()
    assert not Video.objects.exists()


def test_a_failing_provider_is_retried_with_backoff_then_given_up(
    database_queue, provider, django_capture_on_commit_callbacks
):
    provider.oembed("youtube", status_answer(500))
    video, _ = video_get_or_create_from_url(url=VIDEO_URL)
    with django_capture_on_commit_callbacks(execute=True):
        videos_enqueue_metadata(videos=[video])
    waits = []
    for attempt in range(1, tasks.MAX_ATTEMPTS):
        started = timezone.now()
        assert video_fetch_metadata.call(video.pk).startswith("failed, retrying after")
        video.refresh_from_db()
        retry = queued_runs(video)[-1]
        assert video.metadata_attempts == attempt and video.metadata_pending
        assert retry.run_after == video.metadata_next_try
        waits.append(retry.run_after - started)
        assert "trying again at" in video.pending_note
    assert len(queued_runs(video)) == tasks.MAX_ATTEMPTS  # the first run and each retry
    # Each wait is four times the last, starting at FIRST_RETRY.
    for number, wait in enumerate(waits):
        expected = tasks.FIRST_RETRY * 4**number
        assert expected <= wait < expected + timedelta(seconds=5)

    # The last attempt fails too: no more retries; the error stays for the admin to see.
    assert video_fetch_metadata.call(video.pk) == "failed"
    video.refresh_from_db()
    assert len(queued_runs(video)) == tasks.MAX_ATTEMPTS
    assert not video.metadata_pending and video.metadata_error.startswith("oEmbed:")

    # The provider is back and the author saves again: a new round starts and succeeds.
    serve_video(provider)
    assert videos_enqueue_metadata(videos=[video]) == [video]
    assert video_fetch_metadata.call(video.pk) == "fetched"
    video.refresh_from_db()
    assert (video.metadata_error, video.metadata_attempts, video.metadata_pending) == ("", 0, False)


def test_a_removed_video_is_not_retried(
    database_queue, provider, django_capture_on_commit_callbacks
):
    provider.oembed("youtube", status_answer(404))
    video, _ = video_get_or_create_from_url(url=VIDEO_URL)
    with django_capture_on_commit_callbacks(execute=True):
        videos_enqueue_metadata(videos=[video])
    assert video_fetch_metadata.call(video.pk) == "unavailable"
    video.refresh_from_db()
    assert video.health == Health.REMOVED and not video.metadata_pending
    assert len(queued_runs(video)) == 1


def test_running_twice_fetches_once_and_a_deleted_video_is_skipped(provider):
    serve_video(provider)
    video, _ = video_get_or_create_from_url(url=VIDEO_URL)
    assert video_fetch_metadata.call(video.pk) == "fetched"
    assert video_fetch_metadata.call(video.pk) == "done already"
    assert len(provider.asked_for("/oembed/youtube")) == 1
    assert len(provider.asked_for("/poster.jpg")) == 1
    video.delete()
    assert video_fetch_metadata.call(video.pk) == "gone"


def test_videos_that_have_their_details_or_no_provider_are_not_queued(
    database_queue, provider, django_capture_on_commit_callbacks
):
    serve_video(provider)
    video, _ = video_get_or_create_from_url(url=VIDEO_URL)
    video_fetch_metadata.call(video.pk)
    video.refresh_from_db()
    direct, _ = video_get_or_create_from_url(url="https://cdn.example.org/clip.mp4")
    assert videos_enqueue_metadata(videos=[video, direct]) == []
    with django_capture_on_commit_callbacks(execute=True):
        assert videos_enqueue_metadata(videos=[video, direct], again=True) == [video]
    assert queued_runs(video)[-1].args_kwargs["kwargs"] == {"again": True}


def test_refresh_videos_can_queue_instead_of_fetching(
    database_queue, provider, django_capture_on_commit_callbacks
):
    serve_video(provider)
    video, _ = video_get_or_create_from_url(url=VIDEO_URL)
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("refresh_videos", "--queue", stdout=out)
    assert "Queued 1 video for the task worker." in out.getvalue()
    assert provider.requests == [] and len(queued_runs(video)) == 1
