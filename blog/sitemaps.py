"""The sitemaps: posts (with lastmod), single-tag pages, series, archives, authors, index pages.

/sitemap.xml is a sitemap index (``sitemap_index_entries``) naming one sitemap per section,
/sitemap-<section>.xml, split into pages of SITEMAP_PAGE_SIZE addresses (``?p=2``), and the
pages of the video sitemap: no response grows with the number of essays (at 10,000 essays one
sitemap of everything took 14 s). Multi-tag filters are left out on purpose: their combinations
are endless and they carry ``noindex``. Every address is on settings.SITE_URL, whatever host
the request came to. Also the entries of /videos/sitemap.xml (each published post with the
videos it shows), paged the same way.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sitemaps import Sitemap
from django.core.paginator import Paginator
from django.db.models import Exists, Max, OuterRef, Prefetch, Q
from django.urls import reverse

from blog.models import Post, PostVideo, Series, Tag, author_profile_for
from blog.periods import MonthOf, YearOf
from videos.models import FLAGGED, Video

# Google's limits for <video:description> and <video:duration>.
MAX_DESCRIPTION = 2048
MAX_DURATION = 28800
# Addresses per sitemap page (the protocol allows 50,000): a page is one bounded query and
# about 200 KB of XML, and crawlers fetch the pages they need, when they change.
SITEMAP_PAGE_SIZE = 1000
# Essays per page of the video sitemap (each brings its videos).
VIDEO_SITEMAP_PAGE_SIZE = 500


class SiteSitemap(Sitemap):
    """A sitemap whose addresses use the configured public URL, not the request's host."""

    limit = SITEMAP_PAGE_SIZE

    def page_count(self) -> int:
        """Return how many pages the index lists for this section: none when it is empty
        (an empty <urlset> is invalid). One count, never the items themselves."""
        paginator = self.paginator
        return paginator.num_pages if paginator.count else 0

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

    def page_count(self) -> int:
        return 1


class TagSitemap(SiteSitemap):
    """Every tag a published post carries, by slug; no lastmod.

    A tag's last change (the newest update among its essays) meant reading every tagging's
    essay for each request: 0.3–1 s at 10,000 essays. The tag page's own Last-Modified and
    ETag tell a crawler whether it changed.
    """

    changefreq = "weekly"
    priority = 0.5

    def items(self):
        return Tag.objects.public().only("slug").order_by("slug")


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

    def page_count(self) -> int:
        # A few hundred months at most: one page, there as soon as one essay is.
        return int(Post.objects.published().exists())

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
        # One probe of the author index per user, never a join over every published essay.
        has_published = Post.objects.published().filter(author=OuterRef("pk"))
        return (
            get_user_model()
            .objects.filter(Exists(has_published))
            .select_related("profile")
            .order_by("profile__slug", "pk")
        )

    def page_count(self) -> int:
        return int(Post.objects.published().exists())

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


def sitemap_index_entries() -> list[str]:
    """Return the address of every sitemap page: each section's, then the video sitemap's.

    One count per section that can outgrow a page, nothing else: the index never lists items.
    """
    entries = []
    for section, sitemap_class in SITEMAPS.items():
        location = settings.SITE_URL + reverse("blog:sitemap-section", args=[section])
        pages = sitemap_class().page_count()
        if pages:
            entries += [location] + [f"{location}?p={page}" for page in range(2, pages + 1)]
    location = settings.SITE_URL + reverse("videos:sitemap")
    paginator = video_sitemap_paginator()
    if paginator.count:
        pages = range(2, paginator.num_pages + 1)
        entries += [location] + [f"{location}?p={page}" for page in pages]
    return entries


def video_sitemap_paginator() -> Paginator:
    """Return the published posts that show a video search engines may list, a page at a time.

    A listable video is not flagged and has our own poster (the thumbnail is required); the
    posts carry only the columns an entry reads, never their bodies.
    """
    listable = Video.objects.exclude(health__in=FLAGGED).exclude(poster_file="")
    inline = Post.inline_videos.through.objects.filter(post=OuterRef("pk"), video__in=listable)
    attached = PostVideo.objects.filter(post=OuterRef("pk"), video__in=listable)
    posts = (
        Post.objects.published()
        .filter(Q(Exists(inline)) | Q(Exists(attached)))
        .only("title", "slug", "excerpt")
        .order_by("-published_at", "pk")
    )
    return Paginator(posts, VIDEO_SITEMAP_PAGE_SIZE, allow_empty_first_page=True)


def video_sitemap_entries(page=1) -> list[dict]:
    """Return one entry per post on this page of the video sitemap (Paginator errors pass).

    Only what search engines need to list the videos, and nothing more.
    """
    posts = (
        video_sitemap_paginator()
        .page(page)
        .object_list.prefetch_related(
            Prefetch("inline_videos", queryset=Video.objects.exclude(health__in=FLAGGED)),
            Prefetch(
                "video_attachments",
                queryset=PostVideo.objects.select_related("video").exclude(
                    video__health__in=FLAGGED
                ),
            ),
        )
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
