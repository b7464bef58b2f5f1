"""Subscribers, one issue per essay, and one delivery row per subscriber per issue.

The delivery row is what makes sending safe to repeat: it is unique per (issue, subscriber),
created before anything is sent, claimed (status and time) before its message goes out and
marked sent right after, so a worker that dies leaves at worst one claimed row behind, which
a later run sends again once its claim has expired.
"""

import secrets
from urllib.parse import urlsplit

from django.conf import settings
from django.db import models
from django.urls import reverse

from blog.models import Post, Tag


def new_token() -> str:
    return secrets.token_urlsafe(24)


class SubscriberQuerySet(models.QuerySet):
    def confirmed(self):
        """Return subscribers who confirmed their address and still want mail."""
        return self.filter(status=Subscriber.Status.CONFIRMED)

    def wanting(self, post):
        """Return confirmed subscribers who want this essay: all essays, or one of its tags."""
        return (
            self.confirmed()
            .filter(models.Q(all_essays=True) | models.Q(tags__in=post.tags.all()))
            .distinct()
        )


class Subscriber(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for confirmation"
        CONFIRMED = "confirmed", "Confirmed"
        UNSUBSCRIBED = "unsubscribed", "Unsubscribed"
        BOUNCED = "bounced", "Bounced"

    email = models.EmailField(unique=True, help_text="Stored lower-cased.")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    all_essays = models.BooleanField(
        default=True, help_text="Every essay; when off, only essays with one of the tags below."
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="+")
    # Names this subscriber in unsubscribe links: random, so links cannot be guessed.
    token = models.CharField(max_length=40, unique=True, default=new_token, editable=False)
    source = models.CharField(
        max_length=200, blank=True, help_text="Where the consent came from (form, import…)."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status"], name="newsletter_subscriber_status")]

    def __str__(self):
        return self.email

    def unsubscribe_url(self) -> str:
        return reverse("newsletter:unsubscribe", args=[self.token])


class Issue(models.Model):
    """An essay as a newsletter: whether it may go out, and how far sending got."""

    class State(models.TextChoices):
        WAITING = "waiting", "Waiting for the essay to be published"
        SENDING = "sending", "Sending"
        DONE = "done", "Sent"

    post = models.OneToOneField(Post, on_delete=models.CASCADE, related_name="newsletter_issue")
    held = models.BooleanField(
        default=False, help_text="Held back: not mailed to subscribers until released."
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.WAITING)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Newsletter: {self.post.title}"


class Delivery(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        CLAIMED = "claimed", "Being sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        BOUNCED = "bounced", "Refused by the server"

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["issue", "subscriber"], name="newsletter_delivery_once")
        ]
        indexes = [models.Index(fields=["issue", "status"], name="newsletter_delivery_state")]

    def __str__(self):
        return f"{self.subscriber} ← {self.issue.post}"

    @property
    def message_id(self) -> str:
        # The same for every attempt: a client that got a resent message may fold the two.
        host = urlsplit(settings.SITE_URL).hostname or "localhost"
        return f"<newsletter.{self.issue_id}.{self.subscriber_id}@{host}>"
