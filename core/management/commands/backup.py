"""`manage.py backup`: the database and every media file in one .tar.gz (see core.backup)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Write the database (all content, users and history) and every media file into one "
        ".tar.gz. Give a folder (a dated file is created in it) or a file name ending in .tar.gz. "
        "Restore it with `manage.py restore FILE`, on SQLite or PostgreSQL."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "destination",
            nargs="?",
            default=str(Path(settings.VAR_DIR) / "backups"),
            help="A folder, or a file name ending in .tar.gz. [var/backups/]",
        )

    def handle(self, *args, destination, **options):
        try:
            summary = backup_create(destination=Path(destination))
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup written to {summary.path}: {summary.rows} rows, {summary.media_files} "
                f"media files ({summary.media_bytes / 1e6:.1f} MB of media)."
            )
        )
