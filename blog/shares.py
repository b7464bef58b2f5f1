"""Shared drafts: a secret, expiring, revocable link that shows an essay before it is public.

A writer makes one from the post's change page (*Share draft*) for someone without an account
(a co-writer, an editor elsewhere, the rights holder of a clip). The link carries a random
token of 256 bits; only its SHA-256 digest is stored, so the table alone opens nothing and the
link is shown once, when made. Whoever has the link sees the post's current text as readers
will see it (an Author's edit held for review included) under a "Shared draft" banner, with
``noindex`` and ``no-store``; the page lives outside the reader namespaces, so the whole-page
cache, feeds, sitemaps and search never meet it. An expired, revoked or wrong token is the
site's plain 404.
"""

import hashlib
import hmac
import re
import secrets
from datetime import timedelta

from django.conf import settings
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from blog.models import (
    DraftShare,
    PendingChange,
    Post,
    Tag,
    cited_moments_unsaved,
    tag_slug_base,
)
from blog.rendering import render
from videos.embed import keys_in
from videos.models import Video

MAX_DAYS = 90
# secrets.token_urlsafe(32): 43 characters of the URL-safe alphabet.
_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def share_create(*, post: Post, user, days: int | None = None, label: str = "") -> tuple:
    """Make a link to post's draft; return (share, token). The token is not kept anywhere."""
    days = settings.CLOSER_DRAFT_SHARE_DAYS if days is None else days
    days = max(1, min(int(days), MAX_DAYS))
    token = secrets.token_urlsafe(32)
    share = DraftShare.objects.create(
        post=post,
        token_hash=token_digest(token),
        label=label.strip()[:100],
        created_by=user,
        expires_at=timezone.now() + timedelta(days=days),
    )
    return share, token


def share_url(token: str) -> str:
    return reverse("shared:draft", args=[token])


def share_revoke(*, share: DraftShare) -> None:
    if share.revoked_at is None:
        share.revoked_at = timezone.now()
        share.save(update_fields=["revoked_at"])


def share_for_token(token: str) -> DraftShare | None:
    """Return the active link this token opens, or None (wrong, expired or revoked alike)."""
    if not _TOKEN.fullmatch(token or ""):
        return None
    digest = token_digest(token)
    share = DraftShare.objects.active().filter(token_hash=digest).first()
    # The lookup is by digest, which tells a guesser nothing; compare once more in constant time.
    if share is None or not hmac.compare_digest(share.token_hash, digest):
        return None
    return share


def share_opened(*, share: DraftShare) -> None:
    """Count an opening of the link (the writer sees whether it was used)."""
    DraftShare.objects.filter(pk=share.pk).update(
        opened_count=F("opened_count") + 1, last_opened_at=timezone.now()
    )


def shared_post(share: DraftShare) -> Post:
    """Return the shared post as readers will see it: its held change applied, if it has one."""
    post = Post.objects.for_reading().get(pk=share.post_id)
    change = PendingChange.objects.filter(post=post).first()
    post.shows_pending_change = change is not None
    if change is not None:
        _apply_pending_change(post, change)
    return post


def _apply_pending_change(post: Post, change: PendingChange) -> None:
    """Show an Author's held edit in place of the live text, without saving anything."""
    post.title, post.excerpt = change.title, change.excerpt
    post.body, post.body_format = change.body, change.body_format
    post.body_html = render(change.body, change.body_format).html
    # The held body's videos: known ones with their title and poster, new ones neutral.
    videos = Video.objects.by_keys(keys_in(post.body_html)).prefetch_related("chapters")
    list(videos)
    tags_by_name = {t.name.casefold(): t for t in Tag.objects.filter(name__in=change.tag_names)}
    tags = [
        tags_by_name.get(name.casefold()) or Tag(name=name, slug=tag_slug_base(name))
        for name in change.tag_names
    ]
    post._prefetched_objects_cache["inline_videos"] = videos
    post._prefetched_objects_cache["tags"] = tags
    attached = post.video_attachments.all()
    fallback = attached[0].video if attached else None
    post._shot_list = cited_moments_unsaved(post=post, videos=videos, fallback=fallback)
