"""The import's query count: set by the export's distinct authors, tags and videos, not its posts."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wxr_files import item, wxr

from blog.models import Post
from comments.models import Comment

pytestmark = pytest.mark.django_db

YOUTUBE = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
VIMEO = "https://vimeo.com/76979871"
# What there is already (post and media keys, slugs, tags), the author and its profile, each
# tag and video once (with their own signals' reads), one bulk insert per table (posts, video
# links, tags, revisions, keys, search documents; comments, then replies), the content version
# bumped on entry and exit, and the savepoints. The same for 3 posts as for 12. PostgreSQL
# writes the search documents' vectors in one more UPDATE.
PINNED_QUERIES = 55


def export(posts: int) -> str:
    return wxr(
        *(
            item(
                1000 + n,
                f"Essay {n}",
                f"Words.\n\n{YOUTUBE}\n\nMore words.\n\n[embed]{VIMEO}[/embed]",
                terms=[("category", "film", "Film"), ("post_tag", "noir", "Noir")],
                comments=[
                    dict(comment_id=5000 + 2 * n, content="Top"),
                    dict(comment_id=5001 + 2 * n, content="Reply", parent=5000 + 2 * n),
                ],
            )
            for n in range(posts)
        )
    )


def queries_for(tmp_path, posts: int) -> int:
    path = tmp_path / f"export-{posts}.xml"
    path.write_text(export(posts), encoding="utf-8")
    with CaptureQueriesContext(connection) as captured:
        call_command("import_wordpress", str(path), stdout=io.StringIO())
    return len(captured)


@pytest.mark.parametrize("posts", [3, 12])
def test_the_query_count_does_not_grow_with_posts(tmp_path, posts):
    count = queries_for(tmp_path, posts)
    assert Post.objects.count() == posts and Comment.objects.count() == 2 * posts
    assert count == PINNED_QUERIES + (connection.vendor == "postgresql")
