from django.contrib.sitemaps import views as sitemap_views
from django.urls import path, register_converter

from blog import feeds, views
from blog.converters import MonthConverter, PostSlugConverter, TagSlugsConverter, YearConverter
from blog.sitemaps import SITEMAPS

register_converter(TagSlugsConverter, "tagslugs")
register_converter(YearConverter, "year")
register_converter(MonthConverter, "month")
register_converter(PostSlugConverter, "postslug")

app_name = "blog"

# A tag filter and its feeds: /tags/a+b/, /tags/a+b/feed/, /tags/a+b/without/c+d/feed/atom/.
TAG = "tags/<tagslugs:slugs>/"
TAG_WITHOUT = "tags/<tagslugs:slugs>/without/<tagslugs:excluded>/"

urlpatterns = [
    path("", views.PostListView.as_view(), name="home"),
    path("posts/<postslug:slug>/", views.PostDetailView.as_view(), name="post"),
    path("tags/", views.tag_index, name="tag-index"),
    path(TAG, views.tag_filter, name="tag"),
    path(TAG + "feed/", feeds.TagFilterFeed(), name="tag-feed"),
    path(TAG + "feed/atom/", feeds.AtomTagFilterFeed(), name="tag-atom"),
    path(TAG_WITHOUT, views.tag_filter, name="tag-without"),
    path(TAG_WITHOUT + "feed/", feeds.TagFilterFeed(), name="tag-without-feed"),
    path(TAG_WITHOUT + "feed/atom/", feeds.AtomTagFilterFeed(), name="tag-without-atom"),
    path("series/", views.SeriesIndexView.as_view(), name="series-index"),
    path("series/<postslug:slug>/", views.SeriesView.as_view(), name="series"),
    path("series/<postslug:slug>/feed/", feeds.SeriesFeed(), name="series-feed"),
    path("series/<postslug:slug>/feed/atom/", feeds.AtomSeriesFeed(), name="series-atom"),
    path("archive/", views.archive_index, name="archive"),
    path("<year:year>/", views.PostYearArchiveView.as_view(), name="archive-year"),
    path("<year:year>/<month:month>/", views.PostMonthArchiveView.as_view(), name="archive-month"),
    path("authors/<str:slug>/", views.AuthorView.as_view(), name="author"),
    path("search/", views.search, name="search"),
    path("feed/", feeds.PostFeed(), name="feed"),
    path("feed/atom/", feeds.AtomPostFeed(), name="feed-atom"),
    # The index of every sitemap page; the sections are split into pages (?p=2).
    path("sitemap.xml", views.sitemap_index, name="sitemap"),
    path(
        "sitemap-<slug:section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS},
        name="sitemap-section",
    ),
    path("robots.txt", views.robots_txt, name="robots"),
]
