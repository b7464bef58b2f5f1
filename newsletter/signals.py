"""Hear when an essay is published or scheduled, and queue its newsletter."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from blog.models import Post
from newsletter.models import Issue
from newsletter.services import issue_for_post
from newsletter.tasks import issue_schedule


@receiver(post_save, sender=Post, dispatch_uid="newsletter_post_saved")
def post_saved(sender, instance: Post, raw=False, **kwargs):
    # Fixtures and restores (raw) are old news: they never mail anyone.
    if raw:
        return
    issue = issue_for_post(post=instance)
    if issue is not None and not issue.held and issue.state == Issue.State.WAITING:
        issue_schedule(issue=issue, post=instance)
