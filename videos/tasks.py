"""Background work for videos: oEmbed details and posters, fetched by a task worker.

A save in the admin only marks its videos as pending and enqueues `video_fetch_metadata` once
the transaction commits, so the request never waits on a provider and never holds the
database's write lock while it waits. `manage.py db_worker` runs the queue (django-tasks, the
backport of Django 6's `django.tasks`; with Django 6 the import below becomes `django.tasks`).

The task is idempotent: it does nothing for a video that already has its details, and a
poster we already hold is not downloaded again, so running it twice (a worker that died
mid-task, two saves in a row) is harmless. A failed fetch is retried with backoff by enqueueing
the task again with `run_after`, at most MAX_ATTEMPTS times in all.
"""

from datetime import timedelta
from functools import partial

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from videos.models import Video
from videos.services import (
    video_can_fetch_metadata,
    video_needs_metadata,
    video_refresh_metadata,
)

MAX_ATTEMPTS = 5
# The wait before retry n is FIRST_RETRY * 4 ** (n - 1): 30 s, 2 min, 8 min, 32 min.
FIRST_RETRY = timedelta(seconds=30)


@task()
def video_fetch_metadata(video_pk: int, again: bool = False) -> str:
    """Fetch a video's details and poster, retry later if the provider failed; say what happened.

    again=True fetches even a video that has its details (the admin's "fetch again").
    """
    video = Video.objects.filter(pk=video_pk).first()
    if video is None:
        return "gone"  # the video was deleted after the task was enqueued
    if not again and not video_needs_metadata(video):
        _clear_pending(video)
        return "done already"
    video_refresh_metadata(video=video)
    now = timezone.now()
    # A removed or private video gives the same answer next time: no point asking again.
    retry = bool(video.metadata_error) and not video.is_flagged
    attempts = video.metadata_attempts + 1 if retry else 0
    if retry and attempts < MAX_ATTEMPTS and _can_defer():
        run_after = now + FIRST_RETRY * 4 ** (attempts - 1)
        Video.objects.filter(pk=video.pk).update(
            metadata_attempts=attempts, metadata_next_try=run_after
        )
        # The failure left metadata_error set, so the retry needs no `again` to run.
        video_fetch_metadata.using(run_after=run_after).enqueue(video.pk)
        return f"failed, retrying after {run_after.isoformat()}"
    Video.objects.filter(pk=video.pk).update(metadata_attempts=attempts, metadata_next_try=None)
    if video.is_flagged:
        return "unavailable"
    return "failed" if retry else "fetched"


def videos_enqueue_metadata(*, videos, again: bool = False) -> list[Video]:
    """Mark videos as pending and fetch them in the background once the transaction commits.

    Only videos lacking details are queued (again=True: every video with a provider to ask);
    return those. Enqueueing on commit means a worker never looks for a video (or a post) that
    was rolled back, and the request's transaction is closed before any fetch starts.
    """
    wanted = video_can_fetch_metadata if again else video_needs_metadata
    queued = [video for video in videos if wanted(video)]
    if not queued:
        return []
    now = timezone.now()
    Video.objects.filter(pk__in=[video.pk for video in queued]).update(
        metadata_next_try=now, metadata_attempts=0
    )
    for video in queued:
        video.metadata_next_try, video.metadata_attempts = now, 0
        transaction.on_commit(partial(video_fetch_metadata.enqueue, video.pk, again=again))
    return queued


def _clear_pending(video: Video) -> None:
    if video.metadata_pending or video.metadata_attempts:
        Video.objects.filter(pk=video.pk).update(metadata_next_try=None, metadata_attempts=0)


def _can_defer() -> bool:
    # The immediate backend (tests, TASKS_BACKEND=immediate) cannot wait: there the failure
    # stays on the video and the next save or `refresh_videos` tries again.
    return video_fetch_metadata.get_backend().supports_defer
