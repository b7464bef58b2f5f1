from django.core.management.base import BaseCommand, CommandError

from blog.importers.wxr_export import wordpress_export


class Command(BaseCommand):
    help = "Write the whole site as a WordPress export (WXR 1.2) that WordPress can import."

    def add_arguments(self, parser):
        parser.add_argument("output", help="The .xml file to write.")

    def handle(self, *args, **options):
        try:
            with open(options["output"], "w", encoding="utf-8") as out:
                counts = wordpress_export(out=out)
        except OSError as error:
            raise CommandError(f"Cannot write {options['output']}: {error}") from None
        self.stdout.write(
            "Wrote {posts} posts, {authors} authors, {tags} tags, {images} images and {comments} "
            "comments to ".format(**counts)
            + options["output"]
        )
