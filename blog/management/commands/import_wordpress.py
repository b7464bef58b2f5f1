import os
import sys

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from blog.importers.wordpress import wordpress_import
from blog.importers.wxr import WXRError


class Command(BaseCommand):
    help = (
        "Import a WordPress export (WXR 1.0–1.2): posts, authors, categories and tags, images "
        "from --media-dir, approved comments. Safe to run again: a second run updates what "
        "changed and adds only new comments."
    )

    def add_arguments(self, parser):
        parser.add_argument("export", help="The .xml file from WordPress's Tools → Export.")
        parser.add_argument(
            "--media-dir",
            help="The wp-content/uploads folder: images are matched by the path after /uploads/.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Change nothing; report what would happen."
        )
        parser.add_argument("--author", help="Give every post to this existing Closer user.")
        parser.add_argument(
            "--pages", action="store_true", help="Import pages too, as essays tagged “page”."
        )

    def handle(self, *args, **options):
        author = None
        if options["author"]:
            author = get_user_model().objects.filter(username=options["author"]).first()
            if author is None:
                raise CommandError(f"No user called “{options['author']}”.")
        if options["media_dir"] and not os.path.isdir(options["media_dir"]):
            raise CommandError(f"--media-dir {options['media_dir']} is not a folder.")
        try:
            report = wordpress_import(
                source=options["export"],
                media_dir=options["media_dir"],
                dry_run=options["dry_run"],
                author=author,
                pages=options["pages"],
                progress=self.progress_printer(),
            )
        except WXRError as error:
            raise CommandError(f"Nothing imported: {error}") from None
        except Exception as error:
            # The transaction is rolled back: say so in one line, not a traceback.
            raise CommandError(
                f"Nothing imported (the database is as before): {type(error).__name__}: {error}"
            ) from error
        if options["dry_run"]:
            self.stdout.write("Dry run: nothing was changed.")
        for line in report.lines():
            self.stdout.write(line)

    def progress_printer(self):
        on_terminal = self.stdout.isatty()
        verbosity = self.verbosity

        def progress(done: int, total: int, title: str) -> None:
            if on_terminal:
                width = 30
                filled = width * done // max(total, 1)
                sys.stdout.write(f"\r[{'#' * filled}{' ' * (width - filled)}] {done}/{total}")
                if done == total:
                    sys.stdout.write("\n")
                sys.stdout.flush()
            elif verbosity >= 2 or done == total or done % 500 == 0:
                self.stdout.write(f"{done}/{total} items read")

        return progress

    def execute(self, *args, **options):
        self.verbosity = options.get("verbosity", 1)
        return super().execute(*args, **options)
