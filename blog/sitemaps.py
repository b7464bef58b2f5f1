"""/sitemap.xml: posts (with lastmod), single-tag pages, series, archives, authors, index pages.

Multi-tag filters are left out on purpose: their combinations are endless and they carry
``noindex``. Every address is on settings.SITE_URL, whatever host the request came to.
Also the entries of /videos/sitemap.xml (each published post with the videos it shows).
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sitemaps import Sitemap
from django.db.models import Count, Max, Prefetch
from django.urls import reverse

from blog.models import Post, PostVideo, Series, Tag, author_profile_for
from blog.periods import MonthOf, YearOf
from videos.models import FLAGGED, Video

# Google's limits for <video:description> and <video:duration>.
MAX_DESCRIPTION = 2048
MAX_DURATION = 28800


class SiteSitemap(Sitemap):
    """A sitemap whose addresses use the configured public URL, not the request's host."""

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme or "https"

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc


class PostSitemap(SiteSitemap):
    changefreq = "monthly"
    priority = 0.8

    def items(self):
        # Only what an entry shows: a 10,000-essay sitemap must not carry 10,000 bodies.
        return Post.objects.published().only("slug", "updated_at").order_by("-published_at", "pk")

    def lastmod(self, post):
        return post.updated_at


class IndexPagesSitemap(SiteSitemap):
    changefreq = "daily"
    priority = 1.0

    def items(self):
        return ["blog:home", "blog:tag-index", "blog:archive"]

    def location(self, name):
        return reverse(name)


class TagSitemap(SiteSitemap):
    changefreq = "weekly"
    priority = 0.5

    def items(self):
        return (
            Tag.objects.filter(tagged_posts__content_object__in=Post.objects.published())
            .annotate(last_change=Max("tagged_posts__content_object__updated_at"))
            .order_by("slug")
        )

    def lastmod(self, tag):
        return tag.last_change


class SeriesSitemap(SiteSitemap):
    """Every series with a published part, and their index once there is one (one query)."""

    changefreq = "weekly"
    priority = 0.6

    def items(self):
        series = list(
            Series.objects.with_published_parts().only("slug", "updated_at").order_by("slug")
        )
        return ["blog:series-index", *series] if series else []

    def location(self, item):
        return reverse(item) if isinstance(item, str) else item.get_absolute_url()

    def lastmod(self, item):
        if isinstance(item, str):
            return None
        # A series changes when it is edited or one of its published parts is.
        return max(filter(None, [item.updated_at, item.parts_updated_at]))


class ArchiveSitemap(SiteSitemap):
    """Every year and every month that has published posts."""

    changefreq = "monthly"
    priority = 0.3

    def items(self):
        published = Post.objects.published().order_by()
        years = published.annotate(period=YearOf("published_at")).values("period")
        months = published.annotate(period=MonthOf("published_at")).values("period")
        periods = []
        for kind, rows in (("year", years), ("month", months)):
            for row in rows.annotate(last_change=Max("updated_at")).order_by("period"):
                periods.append((kind, row["period"], row["last_change"]))
        return periods

    def location(self, item):
        kind, period, _ = item
        if kind == "year":
            return reverse("blog:archive-year", args=[period.year])
        return reverse("blog:archive-month", args=[period.year, f"{period.month:02d}"])

    def lastmod(self, item):
        return item[2]


class AuthorSitemap(SiteSitemap):
    changefreq = "weekly"
    priority = 0.3

    def items(self):
        return (
            get_user_model()
            .objects.filter(posts__in=Post.objects.published())
            .annotate(post_count=Count("posts"))
            .select_related("profile")
            .order_by("profile__slug", "pk")
        )

    def location(self, user):
        return author_profile_for(user).get_absolute_url()


SITEMAPS = {
    "pages": IndexPagesSitemap,
    "posts": PostSitemap,
    "tags": TagSitemap,
    "series": SeriesSitemap,
    "archives": ArchiveSitemap,
    "authors": AuthorSitemap,
}


def video_sitemap_entries() -> list[dict]:
    """Return one entry per published post that shows at least one listable video.

    Only what search engines need to list the videos, and nothing more.
    """
    posts = (
        Post.objects.published()
        .prefetch_related(
            Prefetch("inline_videos", queryset=Video.objects.exclude(health__in=FLAGGED)),
            Prefetch(
                "video_attachments",
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
    if not native and not video.embed_url:
        return None  # no player yet (Bandcamp before its id is fetched)
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
