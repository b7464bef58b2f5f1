"""How far an Author reaches (issue 11, item 12), decided in one place.

The policy:
- An Author writes drafts and edits them freely. Once an Editor has published (or scheduled) a
  post, the Author's edits to its title, slug, excerpt, body and tags do not go live: they are
  held as the post's one PendingChange (a later save replaces it) until an Editor approves it;
  the featured image and attached videos of such a post are changed by Editors only.
- An Author sees what readers may see plus their own work: tag names and video titles that only
  another author's unpublished posts use stay out of their suggestions, filters and lists.
- Editors (``blog.publish_post``) see everything, and their edits go live at once.
"""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from blog import diffs, services
from blog.models import PendingChange, Post, Tag
from videos.models import Video

REVIEWED_FIELDS = ("title", "slug", "excerpt", "body", "body_format")


class ReviewConflict(Exception):
    """A pending change cannot be applied as it stands (say, its slug was taken since)."""


def may_publish(user) -> bool:
    return user.has_perm("blog.publish_post")


def sees_everything(user) -> bool:
    return user.has_perm("blog.change_any_post")


# --- What an Author sees --------------------------------------------------------------------


def tags_visible_to(user):
    """Return the tags user may see named: public ones and those on their own posts."""
    if sees_everything(user):
        return Tag.objects.all()
    own = Tag.objects.filter(tagged_posts__content_object__author=user).values("pk")
    return Tag.objects.filter(Q(pk__in=Tag.objects.public().values("pk")) | Q(pk__in=own))


def videos_visible_to(user):
    """Return the videos user may see: those readers see and those on their own posts."""
    if sees_everything(user):
        return Video.objects.all()
    published = Post.objects.published()
    shown = Video.objects.filter(
        Q(inline_posts__in=published)
        | Q(attached_posts__in=published)
        | Q(inline_posts__author=user)
        | Q(attached_posts__author=user)
    ).values("pk")
    return Video.objects.filter(pk__in=shown)


# --- Holding an Author's edit of a published post --------------------------------------------


def post_needs_review(*, user, post) -> bool:
    """Return whether user's edits to post wait for an Editor: an Author's, once it is published."""
    if post.pk is None or may_publish(user):
        return False
    return Post.objects.filter(pk=post.pk, status=Post.Status.PUBLISHED).exists()


def post_change_hold(*, post: Post, user, tag_names: list[str]) -> PendingChange | None:
    """Keep post's edited fields (not yet saved) as its pending change; return None if unchanged.

    The post row is left as readers see it. Edits that match the live post drop any pending one.
    """
    live = Post.objects.get(pk=post.pk)
    # In the author's order: readers see the tags so, so a new order is a change too.
    live_tags = list(live.tags.names())
    wanted = list(tag_names)
    values = {name: getattr(post, name) for name in REVIEWED_FIELDS}
    if all(values[name] == getattr(live, name) for name in REVIEWED_FIELDS) and (
        [t.lower() for t in wanted] == [t.lower() for t in live_tags]
    ):
        PendingChange.objects.filter(post=live).delete()
        return None
    change, _ = PendingChange.objects.update_or_create(
        post=live,
        defaults={
            **values,
            "tag_names": wanted,
            "created_by": user,
            "created_at": timezone.now(),
            "post_updated_at": live.updated_at,
        },
    )
    return change


def pending_change_for(post: Post) -> PendingChange | None:
    return PendingChange.objects.select_related("created_by").filter(post=post).first()


@transaction.atomic
def pending_change_approve(*, change: PendingChange, user) -> Post:
    """Apply a pending change to its post (a revision by its author) and drop it."""
    post = Post.objects.select_for_update().get(pk=change.post_id)
    if Post.objects.filter(slug=change.slug).exclude(pk=post.pk).exists():
        raise ReviewConflict(
            f"Another post has taken the address “{change.slug}” since; edit the post's slug "
            "and approve again, or discard the change."
        )
    for name in REVIEWED_FIELDS:
        setattr(post, name, getattr(change, name))
    # The revision is the author's text, so it is theirs; the 301 keeps the old slug working.
    services.post_save(post=post, user=change.created_by or user)
    post.tags.set(change.tag_names)
    change.delete()
    return post


def pending_change_discard(*, change: PendingChange) -> None:
    change.delete()


def pending_change_diff(change: PendingChange) -> list[diffs.FieldDiff]:
    """Return what approving the change would change in the live post, field by field."""
    post = change.post
    budget = diffs.DiffBudget()
    tags_now = ", ".join(post.tags.names())
    fields = [
        ("Title", post.title, change.title),
        ("Slug", post.slug, change.slug),
        ("Excerpt", post.excerpt, change.excerpt),
        ("Body", post.body, change.body),
        ("Body format", post.get_body_format_display(), change.get_body_format_display()),
        ("Tags", tags_now, ", ".join(change.tag_names)),
    ]
    found = [diffs.field_diff(label, old, new, budget=budget) for label, old, new in fields]
    return [diff for diff in found if diff.changed]
