"""RSS 2.0 and Atom feeds: the whole site, any tag filter (one tag, several, exclusions), a series.

Items carry the full, sanitized body with videos as linked posters (never a player), ids
minted once from the post's pk and creation date (RFC 4151 tag: URIs), and absolute links.
"""

import re

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape

from blog import seo
from blog.models import Post, Series
from blog.tag_selection import TagSelection

FEED_ITEMS = 20
# Feed readers resolve relative URLs unreliably: make our own site-relative links absolute.
_RELATIVE_URL = re.compile(r'(\s(?:href|src)=")(/(?!/)[^"]*)"')


def absolutize_links(fragment: str) -> str:
    """Return an HTML fragment with site-relative href/src values made absolute."""
    return _RELATIVE_URL.sub(lambda m: f'{m.group(1)}{seo.absolute_url(m.group(2))}"', fragment)


class ContentRssFeed(Rss201rev2Feed):
    """RSS 2.0 with the full body in <content:encoded> and the summary in <description>."""

    def rss_attributes(self):
        return {
            **super().rss_attributes(),
            "xmlns:content": "http://purl.org/rss/1.0/modules/content/",
        }

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        handler.addQuickElement("content:encoded", item["content"])


class ContentAtomFeed(Atom1Feed):
    """Atom with the full body in <content type="html"> next to the <summary>."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        handler.addQuickElement("content", item["content"], {"type": "html"})


class PostFeed(Feed):
    """The newest published posts of the whole site."""

    feed_type = ContentRssFeed
    language = "en"

    def title(self, obj=None):
        return settings.SITE_NAME

    def description(self, obj=None):
        return settings.SITE_TAGLINE

    subtitle = description

    def link(self, obj=None):
        return seo.absolute_url(reverse("blog:home"))

    def feed_url(self, obj=None):
        return seo.absolute_url(reverse("blog:feed"))

    def posts(self, obj):
        return Post.objects.published()

    def items(self, obj=None):
        posts = self.posts(obj).for_reading().order_by("-published_at", "-pk")[:FEED_ITEMS]
        return Post.objects.with_body_images(posts)

    def item_title(self, post):
        return post.title

    def item_description(self, post):
        # <description> and Atom's <summary type="html"> hold HTML; the summary is plain text.
        return escape(post.summary)

    def item_link(self, post):
        return seo.absolute_url(post.get_absolute_url())

    def item_guid(self, post):
        return seo.post_tag_uri(post)

    item_guid_is_permalink = False

    def item_pubdate(self, post):
        return post.published_at

    def item_updateddate(self, post):
        return post.updated_at

    def item_author_name(self, post):
        return seo.author_name(post.author)

    def item_author_link(self, post):
        return seo.author_url(post.author)

    def item_categories(self, post):
        return [tag.name for tag in post.tags.all()]

    def item_extra_kwargs(self, post):
        html = render_to_string("blog/_feed_content.html", {"post": post})
        return {"content": absolutize_links(html)}


class AtomPostFeed(PostFeed):
    feed_type = ContentAtomFeed

    def feed_url(self, obj=None):
        return seo.absolute_url(reverse("blog:feed-atom"))


class TagFilterFeed(PostFeed):
    """The posts of a tag filter: /tags/a+b/feed/, /tags/a/without/c/feed/."""

    def get_object(self, request, slugs, excluded=()):
        return TagSelection.from_slugs(slugs, excluded)

    def posts(self, selection):
        return selection.posts()

    def title(self, selection):
        return f"{settings.SITE_NAME}: {selection.describe()}"

    def subtitle(self, selection):
        """Atom's <subtitle> is plain text: the tag's description as written."""
        if selection.is_single_tag and selection.included[0].description:
            return selection.included[0].description
        return f"Essays tagged {selection.describe()}"

    def description(self, selection):
        # RSS readers render a channel's <description> as HTML; a tag's description is plain
        # text (escaped on the tag page too), so escape it, as item summaries are.
        return escape(self.subtitle(selection))

    def link(self, selection):
        return seo.absolute_url(selection.url())

    def feed_url(self, selection):
        return seo.absolute_url(selection.feed_url())


class AtomTagFilterFeed(TagFilterFeed):
    feed_type = ContentAtomFeed

    def feed_url(self, selection):
        return seo.absolute_url(selection.atom_url())


class SeriesFeed(PostFeed):
    """The published parts of a series, newest first: /series/<slug>/feed/."""

    def get_object(self, request, slug):
        series = get_object_or_404(Series, slug=slug)
        if not series.published_parts().exists():
            raise Http404("No published part in this series yet.")
        return series

    def posts(self, series):
        return Post.objects.published().filter(series=series)

    def title(self, series):
        return f"{settings.SITE_NAME}: {series.title}"

    def subtitle(self, series):
        """Atom's <subtitle> is plain text: the description without its markup."""
        return series.summary or f"The essays of the series “{series.title}”"

    def description(self, series):
        return escape(self.subtitle(series))

    def link(self, series):
        return seo.absolute_url(series.get_absolute_url())

    def feed_url(self, series):
        return seo.absolute_url(series.get_feed_url())


class AtomSeriesFeed(SeriesFeed):
    feed_type = ContentAtomFeed

    def feed_url(self, series):
        return seo.absolute_url(series.get_atom_url())
