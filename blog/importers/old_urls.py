"""WordPress's old addresses for imported posts and terms, answered with a 301 to ours.

``/?p=ID`` and ``/?page_id=ID`` sit on the home page (a 200), so the middleware asks
``wordpress_id_location`` first, only when those parameters are present; the dated and bare
permalinks, ``/category/…/`` and ``/tag/…/`` are 404s here and go to ``wordpress_path_location``.
Only what readers may see is ever a target: a draft's old address stays a 404.
"""

import re

from django.db.models import Q

from blog.models import ImportedItem, Post, Tag

POST_PATH = re.compile(r"^/(?:\d{4}/\d{2}/(?:\d{2}/)?)?([^/]+)/?$")
TERM_PATH = re.compile(r"^/(?:category|tag)/(?:[^/]+/)*?([^/]+)/?$")
ID_PARAMETERS = ("p", "page_id")


def wordpress_id_location(query) -> str | None:
    """Return the new URL for ``?p=ID`` / ``?page_id=ID`` of an imported post, or None."""
    for name in ID_PARAMETERS:
        value = query.get(name, "")
        if value.isdigit() and len(value) <= 20:
            mapping = ImportedItem.objects.filter(
                kind__in=("post", "page"),
                source_id=value,
                post__in=Post.objects.published(),
            ).select_related("post")
            found = mapping.first()
            return found.post.get_absolute_url() if found else None
    return None


def wordpress_path_location(path: str) -> str | None:
    """Return the new URL for a WordPress permalink or term archive path, or None."""
    term = TERM_PATH.match(path)
    if term:
        tag = Tag.objects.public().filter(slug=term.group(1)).first()
        return tag.get_absolute_url() if tag else None
    permalink = POST_PATH.match(path)
    if permalink:
        slug = permalink.group(1)
        post = (
            Post.objects.published()
            .filter(Q(slug=slug) | Q(retired_slugs__slug=slug), imported_from__isnull=False)
            .first()
        )
        return post.get_absolute_url() if post else None
    return None
