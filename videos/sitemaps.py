"""The video sitemap: what search engines need to list our posts' videos, and nothing more."""

from django.conf import settings
from django.db.models import Prefetch

from blog.models import Post, PostVideo
from videos.models import FLAGGED, Video

# Google's limits for <video:description> and <video:duration>.
MAX_DESCRIPTION = 2048
MAX_DURATION = 28800


def video_sitemap_entries() -> list[dict]:
    """Return one entry per published post that shows at least one listable video."""
    posts = (
        Post.objects.published()
        .prefetch_related(
            Prefetch("embedded_videos", queryset=Video.objects.exclude(health__in=FLAGGED)),
            Prefetch(
                "post_videos",
                queryset=PostVideo.objects.select_related("video").exclude(
                    video__health__in=FLAGGED
                ),
            ),
        )
        .order_by("-published_at", "pk")
    )
    entries = []
    for post in posts:
        items = [_item(post, video) for video in post.shown_videos()]
        items = [item for item in items if item]
        if items:
            entries.append({"loc": settings.SITE_URL + post.get_absolute_url(), "videos": items})
    return entries


def _item(post, video) -> dict | None:
    # A thumbnail is required: a video without our own poster is left out until it has one.
    if not video.poster_url:
        return None
    description = (
        video.description or post.excerpt or f"{video.display_title}, discussed in “{post.title}”."
    )
    native = video.ref.player_kind == "native"
    return {
        "title": video.display_title,
        "description": description[:MAX_DESCRIPTION],
        "thumbnail_loc": video.poster_absolute_url,
        "player_loc": "" if native else video.embed_url,
        "content_loc": video.source_url if native else "",
        "duration": video.duration_seconds
        if video.duration_seconds and video.duration_seconds <= MAX_DURATION
        else None,
        "publication_date": video.upload_date,
    }
