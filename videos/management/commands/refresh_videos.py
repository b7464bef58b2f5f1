from django.core.management.base import BaseCommand
from django.utils.translation import ngettext

from videos.models import Video
from videos.services import video_refresh_metadata
from videos.tasks import videos_enqueue_metadata


class Command(BaseCommand):
    help = (
        "Fetch oEmbed details and posters for videos that never got them or whose last "
        "fetch failed (--all: every video with an oEmbed provider). Runs here and now, or "
        "with --queue hands them to the task worker (manage.py db_worker)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="Refresh every video.")
        parser.add_argument(
            "--queue",
            action="store_true",
            help="Enqueue a background task per video instead of fetching here.",
        )

    def handle(self, *args, all=False, queue=False, **options):
        videos = Video.objects.all() if all else Video.objects.needing_metadata()
        if queue:
            queued = videos_enqueue_metadata(videos=videos.order_by("pk"), again=all)
            self.stdout.write(
                ngettext(
                    "Queued %(count)d video for the task worker.",
                    "Queued %(count)d videos for the task worker.",
                    len(queued),
                )
                % {"count": len(queued)}
            )
            return
        done = failed = 0
        for video in videos.order_by("pk").iterator():
            warning = video_refresh_metadata(video=video)
            if warning:
                failed += 1
                self.stderr.write(warning)
            else:
                done += 1
        summary = ngettext(
            "Refreshed %(done)d video; %(failed)d failed.",
            "Refreshed %(done)d videos; %(failed)d failed.",
            done,
        )
        self.stdout.write(summary % {"done": done, "failed": failed})
        if failed:
            # A non-zero exit lets cron or CI notice that something needs another try.
            raise SystemExit(1)
