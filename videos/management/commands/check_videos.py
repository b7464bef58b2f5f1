from django.core.management.base import BaseCommand
from django.utils.translation import ngettext

from videos.fetch import FetchError
from videos.models import Video
from videos.oembed import has_details_source
from videos.providers import PROVIDERS
from videos.services import video_check_health


class Command(BaseCommand):
    help = (
        "Ask each provider whether its videos still play on other sites; flag the removed, "
        "private and no-longer-embeddable ones (pages then show a note instead of a player)."
    )

    def handle(self, *args, **options):
        checkable = [name for name in PROVIDERS if has_details_source(name)]
        counts = {"ok": 0, "flagged": 0, "unknown": 0}
        for video in Video.objects.filter(provider__in=checkable).order_by("pk").iterator():
            try:
                video_check_health(video=video)
            except FetchError as error:
                counts["unknown"] += 1
                self.stderr.write(f"{video} ({video.key}): could not ask the provider: {error}")
                continue
            if video.is_flagged:
                counts["flagged"] += 1
                self.stdout.write(f"{video} ({video.key}): {video.unavailable_note}")
            else:
                counts["ok"] += 1
        checked = sum(counts.values())
        summary = ngettext(
            "Checked %(checked)d video: %(ok)d playable, %(flagged)d flagged, "
            "%(unknown)d could not be checked.",
            "Checked %(checked)d videos: %(ok)d playable, %(flagged)d flagged, "
            "%(unknown)d could not be checked.",
            checked,
        )
        self.stdout.write(summary % {"checked": checked, **counts})
