"""`manage.py reindex_search`: rebuild the search index from every post, its tags and videos."""

from django.core.management.base import BaseCommand

from blog.page_cache import content_version_bump
from blog.search_index import search_index_rebuild


class Command(BaseCommand):
    help = "Rebuild the search index (needed only after writes that bypass the models)."

    def handle(self, *args, **options):
        count = search_index_rebuild()
        # Search pages cached before the rebuild showed the old index.
        content_version_bump()
        self.stdout.write(self.style.SUCCESS(f"Indexed {count} posts for search."))
