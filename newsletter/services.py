"""Subscribing, confirming, unsubscribing, and turning a published essay into deliveries."""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from blog import seo
from blog.models import Post
from newsletter.emails import confirmation_message
from newsletter.models import Delivery, Issue, Subscriber

CONFIRM_SALT = "newsletter.confirm"
CONFIRM_MAX_AGE = timedelta(days=7)
RATE_WINDOW = 60 * 60


class RateLimited(Exception):
    """Too many subscription requests, for this address or for the whole site."""


def confirm_token(subscriber: Subscriber) -> str:
    """Return a signed, expiring token naming this subscriber (for the confirmation link)."""
    return signing.dumps(subscriber.token, salt=CONFIRM_SALT)


def subscriber_request(*, email: str, all_essays: bool = True, tags=(), source: str = "") -> bool:
    """Ask an address to confirm a subscription; return whether a confirmation went out.

    A confirmed address is left exactly as it is and gets no mail: the form must neither
    become a way to mail anyone repeatedly nor let a stranger change someone's choices.
    Raises RateLimited.
    """
    email = email.strip().lower()
    _count_request(email)
    subscriber, _ = Subscriber.objects.get_or_create(email=email, defaults={"source": source})
    if subscriber.status == Subscriber.Status.CONFIRMED:
        return False
    subscriber.all_essays = all_essays or not tags
    subscriber.source = source or subscriber.source
    subscriber.status = Subscriber.Status.PENDING
    subscriber.save(update_fields=["all_essays", "source", "status"])
    subscriber.tags.set(tags)
    confirm_url = seo.absolute_url(reverse("newsletter:confirm", args=[confirm_token(subscriber)]))
    confirmation_message(subscriber=subscriber, confirm_url=confirm_url).send()
    return True


def _count_request(email: str) -> None:
    # Counted before anything is sent, so a flood stops at the limit even when sends fail.
    for key, limit in (
        (f"newsletter:rate:{email}", settings.CLOSER_NEWSLETTER_RATE_PER_ADDRESS),
        ("newsletter:rate:*", settings.CLOSER_NEWSLETTER_RATE_GLOBAL),
    ):
        cache.add(key, 0, RATE_WINDOW)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, RATE_WINDOW)
            count = 1
        if count > limit:
            raise RateLimited


def subscriber_for_confirmation(*, signed: str) -> Subscriber | None:
    """Return the subscriber a confirmation token names, or None (bad, expired or gone)."""
    try:
        token = signing.loads(signed, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except signing.BadSignature:
        return None
    return (
        Subscriber.objects.exclude(status=Subscriber.Status.UNSUBSCRIBED)
        .filter(token=token)
        .first()
    )


def subscriber_confirm(*, subscriber: Subscriber) -> None:
    """Start sending essays to a subscriber who followed the confirmation link."""
    if subscriber.status != Subscriber.Status.CONFIRMED:
        subscriber.status = Subscriber.Status.CONFIRMED
        subscriber.confirmed_at = timezone.now()
        subscriber.save(update_fields=["status", "confirmed_at"])


def subscriber_unsubscribe(*, token: str) -> Subscriber | None:
    """Stop all mail to the subscriber with this token at once; return it (None if unknown)."""
    subscriber = Subscriber.objects.filter(token=token).first()
    if subscriber and subscriber.status != Subscriber.Status.UNSUBSCRIBED:
        subscriber.status = Subscriber.Status.UNSUBSCRIBED
        subscriber.unsubscribed_at = timezone.now()
        subscriber.save(update_fields=["status", "unsubscribed_at"])
        # Anything still queued for them is dropped, not sent.
        Delivery.objects.filter(subscriber=subscriber, status=Delivery.Status.QUEUED).delete()
    return subscriber


# --- Essays ---------------------------------------------------------------------------------


def issue_for_post(*, post: Post) -> Issue | None:
    """Return the post's issue, creating it for an essay just published or scheduled.

    Drafts get none; so do essays dated more than CLOSER_NEWSLETTER_MAX_AGE_HOURS ago (imports
    and back-dated essays are not news). The issue then waits for the publish time.
    """
    existing = Issue.objects.filter(post=post).first()
    if existing or post.status != Post.Status.PUBLISHED or post.published_at is None:
        return existing
    oldest = timezone.now() - timedelta(hours=settings.CLOSER_NEWSLETTER_MAX_AGE_HOURS)
    if post.published_at < oldest:
        return None
    issue, _ = Issue.objects.get_or_create(post=post)
    return issue


def issue_queue_deliveries(*, issue: Issue) -> int:
    """Create a queued delivery for every subscriber who wants the essay; return how many.

    Set-based and conflict-ignoring: running it again (a second worker, a resumed send, a
    subscriber who confirmed later) adds only the missing rows.
    """
    rows = [
        Delivery(issue=issue, subscriber_id=pk)
        for pk in Subscriber.objects.wanting(issue.post).values_list("pk", flat=True)
    ]
    Delivery.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    return len(rows)


def issue_report(issue: Issue) -> dict[str, int]:
    """Return how many deliveries of the issue are in each status."""
    counts = dict.fromkeys(Delivery.Status.values, 0)
    for row in issue.deliveries.values("status").order_by().annotate(n=Count("pk")):
        counts[row["status"]] = row["n"]
    return counts
