"""The search index: one SearchDocument per post with the text readers see, kept in step.

A document holds a post's title, excerpt, body as readers see it (no markup, entities
decoded), its tag names and the titles and transcripts of the videos it shows. SQLite indexes those rows with
FTS5 (an external-content table filled by triggers on blog_searchdocument); PostgreSQL keeps a
weighted tsvector in ``vector`` (title A; excerpt, tags and videos B; body C).

Writes keep it in step inside the same transaction, so a rolled-back save leaves the index as it
was: a post's own save rebuilds its document; a tag added, removed or renamed, a video linked,
unlinked, retitled or given a new transcript rewrites only the tags or video-titles column of the posts concerned, in
one UPDATE. Writes that bypass signals (``QuerySet.update()``) call ``search_index_refresh``
themselves; ``manage.py reindex_search`` rebuilds everything.

Every function takes ``apps`` so that migrations can run them with historical models.
"""

import html
import re

from django.apps import apps as live_apps
from django.contrib.postgres.search import SearchVector
from django.core.exceptions import FieldDoesNotExist
from django.db import connections, router
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

SEARCH_CONFIG = "english"
# SQLite's ranking: bm25 weights per FTS5 column (title, excerpt, tags, videos, body).
BM25_WEIGHTS = (8.0, 4.0, 4.0, 4.0, 1.0)
SQLITE_RANK = (
    "INSERT INTO blog_search_fts(blog_search_fts, rank) VALUES ('rank', 'bm25({})')".format(
        ", ".join(str(weight) for weight in BM25_WEIGHTS)
    )
)
# The body as readers see it: the sanitizer left well-formed markup, so a regex is exact
# (and PostgreSQL searched the same regex-stripped text before).
_MARKUP = re.compile(r"<!--.*?-->|<[^>]*>", re.S)
# Characters search uses as highlight markers never come from the text itself.
_MARKERS = str.maketrans({"\x02": " ", "\x03": " ", "\x00": " "})
_CHUNK = 500
# Fields of a post its document copies; saving other fields (status, dates) leaves it alone.
TEXT_FIELDS = {"title", "excerpt", "body", "body_format", "body_html"}


def visible_text(fragment: str | None) -> str:
    """Return what a reader sees of sanitized HTML: no tags, entities decoded, spaces collapsed."""
    text = html.unescape(_MARKUP.sub(" ", fragment or "")).translate(_MARKERS)
    return " ".join(text.split())


def search_index_refresh(*, post_ids, apps=live_apps, using: str = "default") -> None:
    """Rebuild the documents of the given posts (ids of deleted posts are simply skipped)."""
    post_ids = sorted(set(post_ids))
    for start in range(0, len(post_ids), _CHUNK):
        _write_documents(post_ids[start : start + _CHUNK], apps, using)


def search_index_refresh_tags(*, post_ids, using: str = "default") -> None:
    """Rewrite the tag names of these posts' documents (after tags moved without signals)."""
    _write_links(sorted(set(post_ids)), live_apps, using, columns=("tags",))


def search_index_rebuild(*, apps=live_apps, using: str = "default") -> int:
    """Rebuild every document, dropping those of posts that are gone; returns the post count."""
    Post = apps.get_model("blog", "Post")
    SearchDocument = apps.get_model("blog", "SearchDocument")
    SearchDocument.objects.using(using).exclude(
        post__in=Post._base_manager.using(using).all()
    ).delete()
    ids = list(Post._base_manager.using(using).values_list("pk", flat=True))
    search_index_refresh(post_ids=ids, apps=apps, using=using)
    if connections[using].vendor == "sqlite":
        with connections[using].cursor() as cursor:
            cursor.execute(SQLITE_RANK)
            cursor.execute("INSERT INTO blog_search_fts(blog_search_fts) VALUES ('optimize')")
    return len(ids)


def _inline_through(Post):
    """The through model of a post's inline videos, live or historical: migration 0007 runs
    these functions with models that still have the old name."""
    for name in ("inline_videos", "embedded_videos"):  # the name before blog 0015
        try:
            return Post._meta.get_field(name).remote_field.through
        except FieldDoesNotExist:
            continue
    raise FieldDoesNotExist("Post has no inline videos relation")


def _write_documents(post_ids, apps, using) -> None:
    """Write whole documents: three reads, one upsert (one FTS5 insert per row on SQLite)."""
    Post = apps.get_model("blog", "Post")
    TaggedPost = apps.get_model("blog", "TaggedPost")
    PostVideo = apps.get_model("blog", "PostVideo")
    SearchDocument = apps.get_model("blog", "SearchDocument")
    embedded = _inline_through(Post)
    tags, videos = {}, {}
    for post_id, name in (
        TaggedPost.objects.using(using)
        .filter(content_object_id__in=post_ids)
        .order_by("tag__name")
        .values_list("content_object_id", "tag__name")
    ):
        tags.setdefault(post_id, []).append(name)
    links = embedded._default_manager.using(using).filter(post_id__in=post_ids)
    attached = PostVideo.objects.using(using).filter(post_id__in=post_ids)
    for post_id, video_id, title, transcript in [
        *links.values_list("post_id", "video_id", "video__title", "video__transcript"),
        *attached.values_list("post_id", "video_id", "video__title", "video__transcript"),
    ]:
        # A video shown twice counts once; its column is what _write_links writes in SQL.
        videos.setdefault(post_id, {})[video_id] = f"{title} {transcript}"
    rows = Post._base_manager.using(using).filter(pk__in=post_ids)
    documents = [
        SearchDocument(
            post_id=pk,
            title=title.translate(_MARKERS),
            excerpt=excerpt.translate(_MARKERS),
            tags=" ".join(tags.get(pk, [])).translate(_MARKERS),
            videos=" ".join(videos.get(pk, {}).values()).translate(_MARKERS),
            body=visible_text(body_html),
        )
        for pk, title, excerpt, body_html in rows.values_list("pk", "title", "excerpt", "body_html")
    ]
    SearchDocument.objects.using(using).bulk_create(
        documents,
        update_conflicts=True,
        unique_fields=["post"],
        update_fields=["title", "excerpt", "tags", "videos", "body"],
    )
    _write_vectors(post_ids, apps, using)


def _write_vectors(post_ids, apps, using) -> None:
    if connections[using].vendor == "postgresql":
        apps.get_model("blog", "SearchDocument").objects.using(using).filter(
            pk__in=post_ids
        ).update(vector=document_vector())


def _write_links(post_ids, apps, using, *, columns) -> None:
    """Recompute the tags and/or video-titles column of these posts' documents in SQL."""
    if not post_ids:
        return
    connection = connections[using]
    Post = apps.get_model("blog", "Post")
    tagged = apps.get_model("blog", "TaggedPost")._meta.db_table
    tag = apps.get_model("blog", "Tag")._meta.db_table
    attached = apps.get_model("blog", "PostVideo")._meta.db_table
    embedded = _inline_through(Post)._meta.db_table
    video = apps.get_model("videos", "Video")._meta.db_table
    document = apps.get_model("blog", "SearchDocument")._meta.db_table
    joined = "string_agg({}, ' ')" if connection.vendor == "postgresql" else "group_concat({}, ' ')"
    concat = "v.title || ' ' || v.transcript"
    sources = {
        "tags": f"SELECT {joined.format('t.name')} FROM {tagged} tp "
        f"JOIN {tag} t ON t.id = tp.tag_id WHERE tp.content_object_id = d.post_id",
        "videos": f"SELECT {joined.format(concat)} FROM {video} v WHERE v.id IN "
        f"(SELECT video_id FROM {embedded} WHERE post_id = d.post_id "
        f"UNION SELECT video_id FROM {attached} WHERE post_id = d.post_id)",
    }
    assignments = ", ".join(f"{column} = COALESCE(({sources[column]}), '')" for column in columns)
    placeholders = ", ".join(["%s"] * len(post_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {document} AS d SET {assignments} WHERE d.post_id IN ({placeholders})",
            post_ids,
        )
    # A second statement: within one UPDATE the vector would see the old columns.
    _write_vectors(post_ids, apps, using)


def document_vector():
    """Return the weighted tsvector of a document's columns (PostgreSQL)."""
    return (
        SearchVector("title", weight="A", config=SEARCH_CONFIG)
        + SearchVector("excerpt", "tags", "videos", weight="B", config=SEARCH_CONFIG)
        + SearchVector("body", weight="C", config=SEARCH_CONFIG)
    )


# --- Keeping it in step ---------------------------------------------------------------------


def _db(instance) -> str:
    return instance._state.db or router.db_for_write(type(instance))


def _from(origin, model_name: str) -> bool:
    """Return whether a delete started from a model (an instance or a queryset of it)."""
    model = getattr(origin, "model", None) or type(origin)
    return model._meta.label_lower == f"blog.{model_name}" if hasattr(model, "_meta") else False


def _post_saved(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or (update_fields is not None and not TEXT_FIELDS & set(update_fields)):
        return
    search_index_refresh(post_ids=[instance.pk], using=_db(instance))


def _tagging_changed(sender, instance, raw=False, origin=None, **kwargs):
    # A post being deleted takes its document along; a tag being deleted is handled at once.
    if raw or _from(origin, "post") or _from(origin, "tag"):
        return
    _write_links([instance.content_object_id], live_apps, _db(instance), columns=("tags",))


def _tag_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    post_ids = list(instance.tagged_posts.values_list("content_object_id", flat=True))
    _write_links(post_ids, live_apps, _db(instance), columns=("tags",))


def _tag_deleting(sender, instance, **kwargs):
    instance._search_post_ids = list(
        instance.tagged_posts.values_list("content_object_id", flat=True)
    )


def _tag_deleted(sender, instance, **kwargs):
    _write_links(
        getattr(instance, "_search_post_ids", []), live_apps, _db(instance), columns=("tags",)
    )


def _attachment_changed(sender, instance, raw=False, origin=None, **kwargs):
    if raw or _from(origin, "post"):
        return
    _write_links([instance.post_id], live_apps, _db(instance), columns=("videos",))


def _embedded_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    # From the video's side pk_set holds posts (None after a clear: those are not known).
    is_post = isinstance(instance, live_apps.get_model("blog", "Post"))
    post_ids = [instance.pk] if is_post else list(pk_set or [])
    _write_links(post_ids, live_apps, _db(instance), columns=("videos",))


def _video_saved(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or (update_fields is not None and not {"title", "transcript"} & set(update_fields)):
        return
    Post = live_apps.get_model("blog", "Post")
    post_ids = Post._base_manager.filter(inline_videos=instance).values_list("pk", flat=True)
    attached = Post._base_manager.filter(video_attachments__video=instance).values_list(
        "pk", flat=True
    )
    _write_links(sorted({*post_ids, *attached}), live_apps, _db(instance), columns=("videos",))


def connect_signals() -> None:
    """Keep documents in step with every write that sends a signal (called by BlogConfig)."""
    Post = live_apps.get_model("blog", "Post")
    tagged = live_apps.get_model("blog", "TaggedPost")
    tag = live_apps.get_model("blog", "Tag")
    attached = live_apps.get_model("blog", "PostVideo")
    video = live_apps.get_model("videos", "Video")
    uid = "closer_search_index"
    post_save.connect(_post_saved, sender=Post, dispatch_uid=f"{uid}_post")
    post_save.connect(_tagging_changed, sender=tagged, dispatch_uid=f"{uid}_tagged_saved")
    post_delete.connect(_tagging_changed, sender=tagged, dispatch_uid=f"{uid}_tagged_deleted")
    post_save.connect(_tag_saved, sender=tag, dispatch_uid=f"{uid}_tag_saved")
    pre_delete.connect(_tag_deleting, sender=tag, dispatch_uid=f"{uid}_tag_deleting")
    post_delete.connect(_tag_deleted, sender=tag, dispatch_uid=f"{uid}_tag_deleted")
    post_save.connect(_attachment_changed, sender=attached, dispatch_uid=f"{uid}_attached_saved")
    post_delete.connect(
        _attachment_changed, sender=attached, dispatch_uid=f"{uid}_attached_deleted"
    )
    m2m_changed.connect(
        _embedded_changed, sender=Post.inline_videos.through, dispatch_uid=f"{uid}_embedded"
    )
    post_save.connect(_video_saved, sender=video, dispatch_uid=f"{uid}_video")
