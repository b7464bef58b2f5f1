"""Readers' comments on essays, and the per-essay switch that closes them."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from blog import rendering
from blog.models import Post
from comments import tokens


class CommentSettings(models.Model):
    """Comment options for one essay, kept here so the blog app knows nothing of comments."""

    post = models.OneToOneField(Post, on_delete=models.CASCADE, related_name="comment_settings")
    closed = models.BooleanField(
        default=False,
        help_text="Closed: the comments stay visible, but nobody can add one.",
    )

    class Meta:
        verbose_name = "comment settings"
        verbose_name_plural = "comment settings"

    def __str__(self):
        return f"Comments on {self.post}"


def comments_open(post: Post) -> bool:
    """Return whether readers may comment on `post` now (published, not closed, not too old)."""
    if not post.is_published:
        return False
    try:
        if post.comment_settings.closed:
            return False
    except CommentSettings.DoesNotExist:
        pass
    return not comments_past_closing(post)


def comments_closing_at(post: Post):
    """Return when comments on `post` close by themselves, or None (no limit, or no date)."""
    days = settings.CLOSER_COMMENTS_CLOSE_AFTER_DAYS
    if not days or post.published_at is None:
        return None
    return post.published_at + timedelta(days=days)


def comments_past_closing(post: Post) -> bool:
    """Return whether `post` is older than CLOSER_COMMENTS_CLOSE_AFTER_DAYS (if set)."""
    closing = comments_closing_at(post)
    return closing is not None and timezone.now() > closing


class CommentQuerySet(models.QuerySet):
    def approved(self):
        """Return comments readers see (approved and on a published essay)."""
        return self.filter(status=Comment.Status.APPROVED, post__in=Post.objects.published())

    def pending(self):
        return self.filter(status=Comment.Status.PENDING)

    def counts_for(self, post_ids) -> dict[int, int]:
        """Return {post id: approved comment count} for these essays, in one query."""
        rows = (
            self.filter(status=Comment.Status.APPROVED, post_id__in=post_ids)
            .values("post_id")
            .annotate(count=models.Count("id"))
            .values_list("post_id", "count")
        )
        return dict(rows)


class Comment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for approval"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        SPAM = "spam", "Spam"

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="comments")
    # Replies thread one level below a top-level comment: a reply to a reply joins its thread.
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    name = models.CharField(max_length=80)
    email = models.EmailField(
        max_length=254, blank=True, help_text="Never shown; used for moderation and notices."
    )
    website = models.URLField(max_length=200, blank=True)
    body = models.TextField(help_text="What the reader wrote (a small Markdown subset).")
    body_html = models.TextField(editable=False, default="")
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    notify_replies = models.BooleanField(
        default=False, help_text="The commenter asked to be emailed when someone replies."
    )
    # Set when a staff member replies from the admin: shown with a "staff" mark.
    staff_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Claimed once when the reply notice to the parent's writer is sent: never twice.
    reply_notice_sent = models.BooleanField(default=False, editable=False)
    # Scrubbed by its writer while replies hang under it: the thread stays, the words go.
    is_removed = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    # The IP address, kept for abuse handling only (rate limits use the cache, not this).
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    # Where an imported comment came from ("https://old.example#wp-comment-12"), so a second
    # import of the same export adds nothing twice; empty for comments written here.
    imported_from = models.CharField(max_length=400, blank=True, default="", editable=False)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        get_latest_by = "created_at"
        indexes = [
            models.Index(fields=["post", "status", "created_at"], name="comment_post_status_idx"),
            models.Index(fields=["email", "status"], name="comment_email_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "approved", "rejected", "spam"]),
                name="comment_status_valid",
            ),
            models.UniqueConstraint(
                fields=["imported_from"],
                condition=~models.Q(imported_from=""),
                name="comment_imported_from_unique",
            ),
        ]

    def __str__(self):
        return f"{self.name} on {self.post}"

    def get_absolute_url(self):
        return f"{self.post.get_absolute_url()}#{self.anchor}"

    @property
    def anchor(self) -> str:
        return f"comment-{self.pk}"

    def save(self, *args, **kwargs):
        self.prepare()
        super().save(*args, **kwargs)

    def prepare(self) -> None:
        """Keep the row consistent (save() calls it; call it before a bulk_create).

        A reply to a reply joins its thread, the address is lowercased, the body rendered.
        """
        if self.parent_id and self.parent.parent_id:
            self.parent_id = self.parent.parent_id
        self.email = (self.email or "").strip().lower()
        self.body_html = "" if self.is_removed else rendering.render_comment(self.body)

    def get_delete_url(self) -> str:
        return reverse("comments:delete", args=[tokens.owner_token(self, "delete")])

    def get_mute_url(self) -> str:
        return reverse("comments:mute", args=[tokens.owner_token(self, "mute")])
