"""Sending an essay to its subscribers: a background task, in batches, safe to repeat.

`issue_send` runs on the task worker (`manage.py db_worker`). It refuses anything readers may
not see (it starts from `Post.objects.published()`), creates the deliveries once when sending
starts, then claims a batch of queued rows (or rows claimed so long ago that their worker must
have died), sends each over one SMTP connection and marks it sent right after the server
accepted it, and enqueues itself for the next batch. A worker killed mid-batch leaves its
claimed rows behind; they are sent again once CLOSER_NEWSLETTER_CLAIM_SECONDS have passed, and
rows already marked sent never are. (The one unavoidable gap: a kill after the server accepted
a message but before the row was marked sends that one message twice; each message keeps one
Message-ID across attempts so clients can fold them.)

A scheduled essay needs no cron: saving it enqueues the task with `run_after` set to its
publish time; a task that runs early enqueues itself again for that time.
"""

import logging
import smtplib
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django_tasks import task

from blog.models import Post
from newsletter.emails import essay_message
from newsletter.models import Delivery, Issue, Subscriber
from newsletter.services import issue_queue_deliveries

logger = logging.getLogger(__name__)


@task()
def issue_send(issue_pk: int) -> str:
    """Send the next batch of an essay's newsletter; enqueue the one after; say what happened."""
    issue = Issue.objects.filter(pk=issue_pk).first()
    if issue is None:
        return "gone"
    if issue.held:
        return "held"
    post = Post.objects.published().filter(pk=issue.post_id).first()
    if post is None:
        draft_or_later = Post.objects.filter(pk=issue.post_id).first()
        if draft_or_later is not None and draft_or_later.is_scheduled:
            issue_schedule(issue=issue, post=draft_or_later)
            return "not yet published"
        return "not published"
    if issue.state == Issue.State.DONE:
        return "sent already"
    if issue.state == Issue.State.WAITING:
        _start(issue)
    while True:
        if _can_defer():
            # A dead man's switch: if this worker is killed, this later run resumes the send
            # (its claims have expired by then); if all goes well it finds nothing to do.
            issue_send.using(run_after=_claims_expire()).enqueue(issue.pk)
        sent = issue_send_batch(issue=issue, post=post)
        if not _remaining(issue).exists():
            Issue.objects.filter(pk=issue.pk).update(
                state=Issue.State.DONE, finished_at=timezone.now()
            )
            return f"done (last batch: {sent})"
        if not _claimable(issue).exists():
            return "the rest is claimed by another worker; resuming when its claims expire"
        if _can_defer():
            # A fresh task per batch: batches of several issues interleave, and a killed
            # worker loses one batch's claims, not the whole send.
            issue_send.enqueue(issue.pk)
            return f"sent {sent}, more to come"


def _claims_expire():
    return timezone.now() + timedelta(seconds=settings.CLOSER_NEWSLETTER_CLAIM_SECONDS + 30)


def _start(issue: Issue) -> None:
    with transaction.atomic():
        started = Issue.objects.filter(pk=issue.pk, state=Issue.State.WAITING).update(
            state=Issue.State.SENDING, started_at=timezone.now()
        )
        if started:
            # Once, when sending starts: subscribers who confirm later get the next essay.
            issue_queue_deliveries(issue=issue)
    issue.state = Issue.State.SENDING


def _remaining(issue: Issue):
    return Delivery.objects.filter(
        issue=issue, status__in=[Delivery.Status.QUEUED, Delivery.Status.CLAIMED]
    )


def _claimable(issue: Issue):
    stale = timezone.now() - timedelta(seconds=settings.CLOSER_NEWSLETTER_CLAIM_SECONDS)
    return Delivery.objects.filter(issue=issue).filter(
        Q(status=Delivery.Status.QUEUED) | Q(status=Delivery.Status.CLAIMED, claimed_at__lt=stale)
    )


def _claim_batch(issue: Issue) -> list[Delivery]:
    """Mark up to one batch of deliveries as ours, in its own committed transaction."""
    now = timezone.now()
    with transaction.atomic():
        pks = list(
            _claimable(issue)
            .select_for_update(skip_locked=True)
            .order_by("pk")
            .values_list("pk", flat=True)[: settings.CLOSER_NEWSLETTER_BATCH]
        )
        # The same condition again: a row another worker claimed meanwhile is not taken twice.
        _claimable(issue).filter(pk__in=pks).update(
            status=Delivery.Status.CLAIMED, claimed_at=now, attempts=F("attempts") + 1
        )
        return list(
            Delivery.objects.filter(
                pk__in=pks, status=Delivery.Status.CLAIMED, claimed_at=now
            ).select_related("subscriber")
        )


def issue_send_batch(*, issue: Issue, post: Post) -> int:
    """Claim and send one batch; return how many messages the server accepted."""
    batch = _claim_batch(issue)
    if not batch:
        return 0
    sent = 0
    with get_connection() as connection:
        for delivery in batch:
            if delivery.subscriber.status != Subscriber.Status.CONFIRMED:
                delivery.delete()  # unsubscribed while queued: nothing to send, nothing to report
                continue
            status, error = _deliver(
                connection,
                essay_message(post=post, subscriber=delivery.subscriber, delivery=delivery),
            )
            Delivery.objects.filter(pk=delivery.pk).update(
                status=status,
                error=error[:500],
                sent_at=timezone.now() if status == Delivery.Status.SENT else None,
            )
            if status == Delivery.Status.BOUNCED:
                Subscriber.objects.filter(pk=delivery.subscriber_id).update(
                    status=Subscriber.Status.BOUNCED
                )
            sent += status == Delivery.Status.SENT
    return sent


def _deliver(connection, message) -> tuple[str, str]:
    """Send one message; return the delivery status and the error, if any."""
    try:
        connection.send_messages([message])
    except smtplib.SMTPRecipientsRefused as error:
        return Delivery.Status.BOUNCED, _describe(error)
    except (smtplib.SMTPException, OSError) as error:
        logger.warning("Newsletter message to %s failed: %s", message.to[0], error)
        return Delivery.Status.FAILED, _describe(error)
    return Delivery.Status.SENT, ""


def _describe(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"


def issue_schedule(*, issue: Issue, post: Post | None = None) -> bool:
    """Send the issue once the transaction commits, now or at the essay's publish time.

    Returns False when it cannot be queued: the immediate backend cannot wait for a future
    time, so there `manage.py send_newsletters` sends what has come due.
    """
    post = post or issue.post
    if post.published_at is None:
        return False
    if post.published_at > timezone.now():
        if not _can_defer():
            return False
        enqueue = issue_send.using(run_after=post.published_at).enqueue
    else:
        enqueue = issue_send.enqueue
    transaction.on_commit(partial(enqueue, issue.pk))
    return True


def issues_due() -> list[Issue]:
    """Return issues whose essay readers can see, not held, not finished."""
    return list(
        Issue.objects.filter(
            held=False,
            state__in=[Issue.State.WAITING, Issue.State.SENDING],
            post__in=Post.objects.published(),
        )
    )


def _can_defer() -> bool:
    return issue_send.get_backend().supports_defer
