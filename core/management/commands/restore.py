"""`manage.py restore FILE`: load a backup made by `manage.py backup` (see core.backup)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup`. The manifest and every file are checked "
        "first, the database is replaced in one transaction, and media files are put in place "
        "only after it commits. The database must be migrated and hold no content or users, "
        "unless you pass --replace."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="A .tar.gz written by `manage.py backup`.")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Restore even though the database has content or users: every row is "
            "replaced; media files of the same name are overwritten, others are kept.",
        )

    def handle(self, *args, archive, replace, **options):
        path = Path(archive)
        try:
            summary = backup_restore(archive=path, replace=replace)
        except BackupError as error:
            raise CommandError(str(error)) from None
        replaced = (
            f" The {summary.rows_replaced} rows that were here are gone."
            if summary.rows_replaced
            else ""
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {summary.rows} rows and {summary.media_written + summary.media_unchanged} "
                f"media files ({summary.media_written} written, {summary.media_unchanged} already "
                f"identical) from {path} (made {summary.created_at} on {summary.database}).{replaced}"
            )
        )
