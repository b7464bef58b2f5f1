"""Writes on comments: submit, moderate, reply as staff, delete by the writer."""

from django.conf import settings
from django.db import transaction

from blog.models import Post
from comments import notices
from comments.models import Comment

Status = Comment.Status


def _status_for_new(email: str) -> str:
    mode = settings.CLOSER_COMMENTS_MODERATION
    if mode == "none":
        return Status.APPROVED
    if mode == "all" or not email:
        return Status.PENDING
    by_address = Comment.objects.filter(email=email.strip().lower())
    if by_address.filter(status=Status.SPAM).exists():
        return Status.PENDING
    return Status.APPROVED if by_address.filter(status=Status.APPROVED).exists() else Status.PENDING


@transaction.atomic
def comment_submit(
    *,
    post: Post,
    name: str,
    email: str,
    body: str,
    website: str = "",
    parent: Comment | None = None,
    notify_replies: bool = False,
    ip_address: str | None = None,
) -> Comment:
    """Save a reader's comment, approved at once or held per CLOSER_COMMENTS_MODERATION."""
    comment = Comment(
        post=post,
        parent=parent,
        name=name,
        email=email,
        website=website,
        body=body,
        notify_replies=notify_replies,
        ip_address=ip_address or None,
        status=_status_for_new(email),
    )
    comment.full_clean(exclude=["body_html"])
    comment.save()
    notices.after_commit(comment, new=True)
    return comment


@transaction.atomic
def comment_reply_as_staff(*, parent: Comment, user, body: str) -> Comment:
    """Publish a staff member's reply under `parent` (approving `parent` if it was held)."""
    if parent.status != Status.APPROVED:
        comment_set_status(comments=Comment.objects.filter(pk=parent.pk), status=Status.APPROVED)
        parent.refresh_from_db()
    comment = Comment(
        post=parent.post,
        parent=parent,
        name=user.get_full_name() or user.get_username(),
        email=user.email or "",
        body=body,
        staff_user=user,
        status=Status.APPROVED,
    )
    comment.full_clean(exclude=["body_html"])
    comment.save()
    notices.after_commit(comment, new=False)
    return comment


@transaction.atomic
def comment_set_status(*, comments, status: str) -> int:
    """Approve, reject or mark as spam; notify repliers' parents of newly visible replies."""
    changed = list(comments.exclude(status=status).select_related("post", "parent"))
    for comment in changed:
        comment.status = status
        comment.save(update_fields=["status", "body_html"])  # save(): the page cache moves
        if status == Status.APPROVED:
            notices.after_commit(comment, new=False)
    return len(changed)


@transaction.atomic
def comment_delete_by_writer(*, comment: Comment) -> None:
    """Remove a comment at its writer's request: gone, or scrubbed if replies hang under it."""
    if comment.replies.exists():
        comment.is_removed = True
        comment.name = ""
        comment.email = ""
        comment.website = ""
        comment.body = ""
        comment.notify_replies = False
        comment.ip_address = None
        comment.save()
    else:
        comment.delete()


def comment_mute(*, comment: Comment) -> None:
    """Stop reply notices for this comment."""
    comment.notify_replies = False
    comment.save(update_fields=["notify_replies", "body_html"])
