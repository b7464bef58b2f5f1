"""Cross-model writes for the blog: saving with history, publishing, revisions, tag renames
and merges, images."""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from blog.models import (
    REVISED_FIELDS,
    Image,
    Post,
    RetiredPostSlug,
    RetiredTagSlug,
    Revision,
    Tag,
    TaggedPost,
)
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
    # Lock only the post rows: the admin's queryset outer-joins pending changes (PostgreSQL
    # refuses FOR UPDATE on the nullable side of an outer join).
    for post in posts.select_for_update(of=("self",)):
        for name, value in values.items():
            setattr(post, name, value)
        post.save(update_fields=[*values, "updated_at"])
        count += 1
    return count


# --- Saving and history ---------------------------------------------------------------------


@transaction.atomic
def post_save(*, post: Post, user=None) -> Post:
    """Save a post as a writer does: the row, then its history (see post_record_history)."""
    previous_slug = None
    if post.pk is not None:
        # Read from the row, not the instance: whatever loaded it, the stored slug is the truth.
        stored = Post.objects.filter(pk=post.pk).values_list("slug", flat=True)
        previous_slug = stored.first()
    post.save()
    post_record_history(post=post, user=user, previous_slug=previous_slug)
    return post


@transaction.atomic
def post_record_history(*, post: Post, user=None, previous_slug: str | None = None) -> None:
    """Keep what a save changed: a revision of new text, a redirect from a changed slug.

    A revision is kept when the title, body or excerpt differ from the newest revision (or
    there is none yet), so calling this twice for one save keeps one. ``previous_slug``, the
    slug the post had before the save, answers with a 301 to the post from now on.
    """
    text = {name: getattr(post, name) for name in REVISED_FIELDS}
    if post.revisions.filter(is_autosave=False).values(*REVISED_FIELDS).first() != text:
        Revision.objects.create(post=post, created_by=user, **text)
    if previous_slug == post.slug:
        return
    # Back to a slug this post once had: it is live again. Another post's retired slug stays:
    # the redirect only answers 404s, so a published newcomer wins, while a draft taking the
    # slug must not break (or reveal) the old redirect.
    RetiredPostSlug.objects.filter(slug=post.slug, post=post).delete()
    if previous_slug:
        RetiredPostSlug.objects.update_or_create(slug=previous_slug, defaults={"post": post})


# --- Autosave -------------------------------------------------------------------------------


def post_autosave(*, post: Post, user, title: str, body: str, excerpt: str) -> Revision:
    """Keep what user is typing as their autosave of post; the post itself is not touched.

    One autosave per writer and post, replaced each time, so a published essay never shows
    unreviewed text and a long session does not pile up rows. The caller checks the limits.
    """
    text = {"title": title, "body": body, "excerpt": excerpt, "created_at": timezone.now()}
    for _attempt in range(2):
        try:
            with transaction.atomic():
                revision, _ = Revision.objects.update_or_create(
                    post=post, created_by=user, is_autosave=True, defaults=text
                )
            return revision
        except IntegrityError:  # two autosaves of one writer crossed: the other made the row
            continue
    raise IntegrityError("autosave kept failing")


def post_draft_for_autosave(*, user, title: str) -> Post:
    """Create the draft a new essay's first autosave belongs to (its text is that autosave)."""
    post = Post(title=title.strip() or "Untitled draft", author=user, status=Post.Status.DRAFT)
    return post_save(post=post, user=user)


def post_autosave_for(*, post: Post, user) -> Revision | None:
    """Return user's autosave of post, if any."""
    return Revision.objects.filter(post=post, created_by=user, is_autosave=True).first()


def post_autosave_discard(*, post: Post, user) -> None:
    """Forget user's autosave of post (they saved the form, or chose not to restore it)."""
    Revision.objects.filter(post=post, created_by=user, is_autosave=True).delete()


def post_restore_revision(*, revision: Revision, user) -> Post:
    """Put a revision's title, body and excerpt back into its post (itself a new revision)."""
    post = Post.objects.get(pk=revision.post_id)
    post.title, post.body, post.excerpt = revision.title, revision.body, revision.excerpt
    return post_save(post=post, user=user)


# --- Tags -----------------------------------------------------------------------------------


def tag_rename(*, tag: Tag, name: str) -> Tag:
    """Give a tag a new name and slug; its old URL keeps working with a 301."""
    name = name.strip()
    tag.name = name
    tag.slug = Tag.free_slug(name, exclude=tag.pk)
    tag.save()
    return tag


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


# --- Images ---------------------------------------------------------------------------------


def image_create(
    *, file, alt_text: str, uploaded_by=None, caption: str = "", decorative: bool = False
) -> Image:
    """Add an uploaded file to the image library, through the same checks as the library's form."""
    image = Image(
        file=file,
        alt_text=alt_text.strip(),
        caption=caption,
        uploaded_by=uploaded_by,
        decorative=decorative,
    )
    image.full_clean()
    image.save()
    return image
