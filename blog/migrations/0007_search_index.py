"""The search index: a SearchDocument per post, FTS5 on SQLite, a GIN-indexed tsvector on PostgreSQL.

Also the index author pages need (author, status, date): checked with EXPLAIN at 10,000 essays.

The FTS5 table and its triggers (SQLite) and the GIN index (PostgreSQL) are created here rather
than declared on the model: neither can be written for both databases. If blog_searchdocument is
ever altered on SQLite (which rebuilds the table and drops its triggers), recreate them.
"""

import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models

from blog.search_index import SQLITE_RANK, search_index_rebuild

COLUMNS = "title, excerpt, tags, videos, body"
NEW = ", ".join(f"new.{c}" for c in COLUMNS.split(", "))
OLD = ", ".join(f"old.{c}" for c in COLUMNS.split(", "))
SQLITE_FORWARDS = [
    # External content: the text lives once, in blog_searchdocument; FTS5 keeps the index.
    f"CREATE VIRTUAL TABLE blog_search_fts USING fts5({COLUMNS}, content='blog_searchdocument',"
    " content_rowid='post_id', tokenize='porter unicode61 remove_diacritics 2')",
    f"CREATE TRIGGER blog_search_fts_insert AFTER INSERT ON blog_searchdocument BEGIN"
    f" INSERT INTO blog_search_fts(rowid, {COLUMNS}) VALUES (new.post_id, {NEW}); END",
    f"CREATE TRIGGER blog_search_fts_delete AFTER DELETE ON blog_searchdocument BEGIN"
    f" INSERT INTO blog_search_fts(blog_search_fts, rowid, {COLUMNS})"
    f" VALUES ('delete', old.post_id, {OLD}); END",
    f"CREATE TRIGGER blog_search_fts_update AFTER UPDATE ON blog_searchdocument BEGIN"
    f" INSERT INTO blog_search_fts(blog_search_fts, rowid, {COLUMNS})"
    f" VALUES ('delete', old.post_id, {OLD});"
    f" INSERT INTO blog_search_fts(rowid, {COLUMNS}) VALUES (new.post_id, {NEW}); END",
    SQLITE_RANK,  # ``rank`` is bm25 with the column weights search ranks by
]
SQLITE_BACKWARDS = [
    "DROP TRIGGER IF EXISTS blog_search_fts_insert",
    "DROP TRIGGER IF EXISTS blog_search_fts_delete",
    "DROP TRIGGER IF EXISTS blog_search_fts_update",
    "DROP TABLE IF EXISTS blog_search_fts",
]
POSTGRES_FORWARDS = [
    "CREATE INDEX blog_searchdocument_vector ON blog_searchdocument USING gin (vector)",
]
POSTGRES_BACKWARDS = ["DROP INDEX IF EXISTS blog_searchdocument_vector"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


def index_existing_posts(apps, schema_editor):
    search_index_rebuild(apps=apps, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0006_content_version"),
        ("videos", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchDocument",
            fields=[
                (
                    "post",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="search_document",
                        serialize=False,
                        to="blog.post",
                    ),
                ),
                ("title", models.TextField(blank=True)),
                ("excerpt", models.TextField(blank=True)),
                ("tags", models.TextField(blank=True)),
                ("videos", models.TextField(blank=True)),
                ("body", models.TextField(blank=True)),
                (
                    "vector",
                    django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
                ),
            ],
        ),
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARDS, "postgresql": POSTGRES_FORWARDS}),
            _run({"sqlite": SQLITE_BACKWARDS, "postgresql": POSTGRES_BACKWARDS}),
        ),
        migrations.RunPython(index_existing_posts, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="post",
            index=models.Index(
                fields=["author", "status", "-published_at"], name="blog_post_author_pub"
            ),
        ),
    ]
