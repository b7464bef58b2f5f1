"""Comments in and out of WordPress exports: ``import_wordpress`` and ``export_wordpress``.

The blog's importer sends ``blog.importers.wordpress.wordpress_comments`` once per import with
every post's approved comments, already translated into the comment Markdown; this receiver
writes them with a few bulk inserts. Nothing is mailed (bulk inserts send no signals and no
notice is queued), bodies pass ``render_comment`` like any reader's, and each comment keeps the
key of its origin, so a second import adds only what is new and leaves the rest as moderated
here. An export writes the comments readers see, with their ids and threads.
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email

from blog.importers.wordpress import CommentsImported
from blog.importers.wxr_export import ExportedComment
from blog.rendering import is_safe_url
from comments.models import Comment

_CONTROL = re.compile(r"[\x00-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
_KEYS_PER_QUERY = 500
ANONYMOUS = "Anonymous"


def wordpress_comments_import(sender, *, threads, **kwargs) -> CommentsImported:
    """Write the approved comments of each (post, comments) pair; return what was done."""
    result = CommentsImported()
    keys = [comment.key for _, comments in threads for comment in comments]
    existing: dict[str, Comment] = {}
    for start in range(0, len(keys), _KEYS_PER_QUERY):
        chunk = keys[start : start + _KEYS_PER_QUERY]
        for comment in Comment.objects.filter(imported_from__in=chunk).only(
            "pk", "parent_id", "imported_from"
        ):
            existing[comment.imported_from] = comment
    roots: list[Comment] = []
    replies: list[tuple[Comment, object]] = []  # a new reply, and its thread's key or row
    new_rows: dict[str, Comment] = {}
    for post, comments in threads:
        kept = {}
        for comment in comments:
            if comment.key in existing:
                result.existing += 1
            elif refusal := _refusal(comment):
                result.refused.append(f"{comment.label}: {refusal}")
            else:
                kept[comment.key] = comment
        for comment in kept.values():
            row = Comment(
                post=post,
                name=_name(comment.name),
                email=_email(comment.email),
                website=_website(comment.website),
                body=comment.body,
                status=Comment.Status.APPROVED,
                created_at=comment.created_at,
                imported_from=comment.key,
            )
            new_rows[comment.key] = row
            thread = _thread_of(comment, kept, existing)
            if thread is None:
                roots.append(row)
            else:
                replies.append((row, thread))
            result.imported += 1
    for row in roots:
        row.prepare()
    Comment.objects.bulk_create(roots)
    for row, thread in replies:
        # Closer threads one level deep: every answer joins the thread of its first comment.
        if isinstance(thread, str):
            row.parent = new_rows[thread]
        else:
            row.parent_id = thread.parent_id or thread.pk  # an earlier import's comment
        row.prepare()
    Comment.objects.bulk_create([row for row, _ in replies])
    return result


def _thread_of(comment, kept: dict, existing: dict):
    """Return what starts this comment's thread: a new comment's key, an earlier row, or None.

    None means it starts one: it answers the post, or a comment that did not come over
    (pending, spam, refused), and WordPress shows such orphans on their own too.
    """
    current, seen = comment, {comment.key}
    while current.parent_key and current.parent_key not in seen:
        if current.parent_key in existing:
            return existing[current.parent_key]
        if current.parent_key not in kept:
            break
        seen.add(current.parent_key)
        current = kept[current.parent_key]
    return None if current is comment else current.key


def _refusal(comment) -> str:
    if not comment.body.strip():
        return "it is empty"
    limit = settings.CLOSER_COMMENT_MAX_CHARS
    if len(comment.body) > limit:
        return f"{len(comment.body):,} characters long; comments here hold at most {limit:,}"
    return ""


def _name(name: str) -> str:
    return " ".join(_CONTROL.sub("", name).split())[:80].strip() or ANONYMOUS


def _email(email: str) -> str:
    email = email.strip()
    try:
        validate_email(email)
    except ValidationError:
        return ""
    return email if len(email) <= 254 else ""


def _website(url: str) -> str:
    url = url.strip()
    if not url or len(url) > 200 or not is_safe_url(url):
        return ""
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        return ""
    return url


def wordpress_comments_export(sender, *, posts, **kwargs) -> dict[int, list[ExportedComment]]:
    """Return the comments readers see on these posts, as WordPress keeps them (one query)."""
    found: dict[int, list[ExportedComment]] = {}
    visible = Comment.objects.filter(
        post_id__in=[post.pk for post in posts], status=Comment.Status.APPROVED, is_removed=False
    ).order_by("pk")
    for comment in visible:
        found.setdefault(comment.post_id, []).append(
            ExportedComment(
                comment_id=comment.pk,
                parent_id=comment.parent_id or 0,
                author=comment.name,
                email=comment.email,
                url=comment.website,
                date=comment.created_at,
                content=comment.body_html,
            )
        )
    return found
