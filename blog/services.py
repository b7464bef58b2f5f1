"""Cross-model writes for the blog: publishing, revisions, tag renames and merges."""

import difflib
import re
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from blog.models import Post, RetiredTagSlug, Revision, Tag, TaggedPost
from blog.search_index import search_index_refresh_tags

# --- Publishing -----------------------------------------------------------------------------


def posts_publish_now(*, posts) -> int:
    """Publish the given posts now; posts readers already see keep their date."""
    now = timezone.now()
    pending = posts.filter(
        ~Q(status=Post.Status.PUBLISHED) | Q(published_at__isnull=True) | Q(published_at__gt=now)
    )
    return _set_publishing(pending, status=Post.Status.PUBLISHED, published_at=now)


def posts_unpublish(*, posts) -> int:
    """Turn the given posts back into drafts (their date is kept for a later re-publish)."""
    pending = posts.exclude(status=Post.Status.DRAFT)
    return _set_publishing(pending, status=Post.Status.DRAFT)


def posts_schedule(*, posts, when: datetime) -> int:
    """Schedule the given posts to appear by themselves at ``when``."""
    if when <= timezone.now():
        raise ValueError("A schedule needs a time in the future.")
    return _set_publishing(posts, status=Post.Status.PUBLISHED, published_at=when)


@transaction.atomic
def _set_publishing(posts, **values) -> int:
    # One save per post rather than update(): post_save receivers (caches, search) must hear.
    count = 0
    for post in posts.select_for_update():
        for name, value in values.items():
            setattr(post, name, value)
        post.save(update_fields=[*values, "updated_at"])
        count += 1
    return count


# --- Revisions ------------------------------------------------------------------------------


def post_restore_revision(*, revision: Revision, user) -> Post:
    """Put a revision's title, body and excerpt back into its post (itself a new revision)."""
    post = Post.objects.get(pk=revision.post_id)
    post.title, post.body, post.excerpt = revision.title, revision.body, revision.excerpt
    post.save(revised_by=user)
    return post


@dataclass
class DiffLine:
    kind: str  # "same", "added", "removed", "gap"
    # (changed, text) pieces; changed pieces are the words that differ within the line.
    parts: list[tuple[bool, str]] = field(default_factory=list)


@dataclass
class FieldDiff:
    label: str
    lines: list[DiffLine]

    @property
    def changed(self) -> bool:
        return any(line.kind in ("added", "removed") for line in self.lines)


_WORDS = re.compile(r"\s+|[^\s]+")


def _word_parts(old: str, new: str) -> tuple[list, list]:
    """Return both lines split into (changed, text) pieces, marking the words that differ."""
    a, b = _WORDS.findall(old), _WORDS.findall(new)
    old_parts, new_parts = [], []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            old_parts.append((False, "".join(a[i1:i2])))
            new_parts.append((False, "".join(b[j1:j2])))
        else:
            if i2 > i1:
                old_parts.append((True, "".join(a[i1:i2])))
            if j2 > j1:
                new_parts.append((True, "".join(b[j1:j2])))
    return old_parts, new_parts


def text_diff(old: str, new: str, *, context: int = 1) -> list[DiffLine]:
    """Return a line diff with changed words marked; the template escapes every piece."""
    a, b = old.splitlines(), new.splitlines()
    lines: list[DiffLine] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for group in matcher.get_grouped_opcodes(context):
        if lines:
            lines.append(DiffLine("gap"))
        for op, i1, i2, j1, j2 in group:
            if op == "equal":
                lines += [DiffLine("same", [(False, line)]) for line in a[i1:i2]]
                continue
            removed, added = a[i1:i2], b[j1:j2]
            paired = min(len(removed), len(added)) if op == "replace" else 0
            old_lines, new_lines = [], []
            for n in range(paired):
                old_parts, new_parts = _word_parts(removed[n], added[n])
                old_lines.append(DiffLine("removed", old_parts))
                new_lines.append(DiffLine("added", new_parts))
            old_lines += [DiffLine("removed", [(True, line)]) for line in removed[paired:]]
            new_lines += [DiffLine("added", [(True, line)]) for line in added[paired:]]
            lines += old_lines + new_lines
    return lines


def revision_diff(older: Revision | None, newer: Revision) -> list[FieldDiff]:
    """Return what changed from one revision to the next, field by field."""
    diffs = []
    for name, label in (("title", "Title"), ("excerpt", "Excerpt"), ("body", "Body")):
        before = getattr(older, name) if older else ""
        diffs.append(FieldDiff(label, text_diff(before, getattr(newer, name))))
    return [diff for diff in diffs if diff.changed]


# --- Tags -----------------------------------------------------------------------------------


def tag_rename(*, tag: Tag, name: str) -> Tag:
    """Give a tag a new name and slug; its old URL keeps working with a 301."""
    name = name.strip()
    tag.name = name
    tag.slug = _free_tag_slug(name, exclude=tag.pk)
    tag.save()
    return tag


def _free_tag_slug(name: str, *, exclude: int | None = None) -> str:
    base = slugify(name, allow_unicode=True)[:90] or "tag"
    slug, n = base, 2
    while Tag.objects.filter(slug=slug).exclude(pk=exclude).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def tags_merge(*, into: Tag, tags) -> int:
    """Move every post of ``tags`` onto ``into`` and delete them; their URLs redirect to it.

    Returns the number of tags merged away.
    """
    others = [tag for tag in tags if tag.pk != into.pk]
    if not others:
        return 0
    other_ids = [tag.pk for tag in others]
    moved = list(
        TaggedPost.objects.filter(tag_id__in=other_ids).values_list("content_object_id", flat=True)
    )
    already = TaggedPost.objects.filter(tag=into).values("content_object_id")
    # Posts that carry both keep one link; the rest move over.
    TaggedPost.objects.filter(tag_id__in=other_ids, content_object_id__in=already).delete()
    TaggedPost.objects.filter(tag_id__in=other_ids).update(tag=into)
    RetiredTagSlug.objects.filter(tag_id__in=other_ids).update(tag=into)
    for tag in others:
        RetiredTagSlug.objects.update_or_create(slug=tag.slug, defaults={"tag": into})
    Tag.objects.filter(pk__in=other_ids).delete()
    search_index_refresh_tags(post_ids=moved)  # update() above sends no signal
    return len(others)


# --- Old URLs -------------------------------------------------------------------------------


def post_for_retired_slug(slug: str) -> Post | None:
    """Return the published post that once lived at ``slug``, if any."""
    return Post.objects.published().filter(retired_slugs__slug=slug).first()


def tag_slugs_for_retired(slugs: list[str]) -> list[str] | None:
    """Return today's slugs for a tag URL's slugs, or None when one is unknown or none changed."""
    public = Tag.objects.public()
    current = set(public.filter(slug__in=slugs).values_list("slug", flat=True))
    retired = dict(
        RetiredTagSlug.objects.filter(slug__in=set(slugs) - current, tag__in=public).values_list(
            "slug", "tag__slug"
        )
    )
    if not retired:
        return None
    result = []
    for slug in slugs:
        new = slug if slug in current else retired.get(slug)
        if new is None:
            return None
        if new not in result:  # two merged tags in one URL become one
            result.append(new)
    return result
