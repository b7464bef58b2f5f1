"""Emails about comments, sent by a background task after the comment is committed.

Addresses are used for exactly three things: telling the essay's author of a new comment,
sending the writer a receipt with their private delete link, and (if they asked) telling them
of a reply. Nothing else ever reads them.
"""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django_tasks import task

from comments.models import Comment

logger = logging.getLogger(__name__)


def after_commit(comment: Comment, *, new: bool) -> None:
    """Queue the emails this comment calls for, once the transaction commits."""
    pk = comment.pk
    transaction.on_commit(lambda: comment_send_notices.enqueue(pk, new))


def _absolute(path: str) -> str:
    return settings.SITE_URL + path


def _send(subject: str, template: str, context: dict, to: str) -> None:
    subject = " ".join(subject.split())  # a header holds one line
    context = {**context, "SITE_NAME": settings.SITE_NAME}
    body = render_to_string(f"comments/email/{template}", context)
    # One address per message: no reader ever sees another reader's address.
    send_mail(subject, body, None, [to])


@task()
def comment_send_notices(comment_pk: int, new: bool) -> str:
    """Send the author's notice and the writer's receipt (new), and any reply notice due."""
    comment = Comment.objects.select_related("post__author", "parent").filter(pk=comment_pk).first()
    if comment is None:
        return "gone"
    sent = []
    post = comment.post
    context = {
        "comment": comment,
        "post": post,
        "comment_url": _absolute(comment.get_absolute_url()),
        "post_url": _absolute(post.get_absolute_url()),
    }
    if new:
        author_email = post.author.email if post.author_id else ""
        if author_email and author_email.lower() != comment.email:
            admin_path = reverse("admin:comments_comment_change", args=[comment.pk])
            _send(
                f"New comment on “{post.title}”"
                + (" (waiting for approval)" if comment.status == Comment.Status.PENDING else ""),
                "author_notice.txt",
                {**context, "admin_url": _absolute(admin_path)},
                author_email,
            )
            sent.append("author")
        if comment.email and not comment.staff_user_id:
            _send(
                f"Your comment on “{post.title}”",
                "receipt.txt",
                {
                    **context,
                    "delete_url": _absolute(comment.get_delete_url()),
                    "mute_url": _absolute(comment.get_mute_url()),
                },
                comment.email,
            )
            sent.append("receipt")
    parent = comment.parent
    if (
        comment.status == Comment.Status.APPROVED
        and parent is not None
        and parent.notify_replies
        and parent.email
        and parent.email != comment.email
        # Claimed in one statement: a task run twice sends the notice once.
        and Comment.objects.filter(pk=comment.pk, reply_notice_sent=False).update(
            reply_notice_sent=True
        )
    ):
        _send(
            f"A reply to your comment on “{post.title}”",
            "reply_notice.txt",
            {**context, "parent": parent, "mute_url": _absolute(parent.get_mute_url())},
            parent.email,
        )
        sent.append("reply")
    return ", ".join(sent) or "nothing to send"
