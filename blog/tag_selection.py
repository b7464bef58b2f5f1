"""A reader's tag filter: posts with all of some tags and none of others, and its addresses.

Shared by the tag pages (blog.views) and their feeds (blog.feeds).
"""

from dataclasses import dataclass, field

from django.db.models import Count
from django.http import Http404
from django.urls import reverse

from blog.models import Post, Tag

# More tags than this in one filter URL is a crawler walking combinations, not a reader.
MAX_FILTER_TAGS = 8


@dataclass
class TagSelection:
    """Posts with all of the `included` tags and none of the `excluded` ones."""

    included: list[Tag]
    excluded: list[Tag] = field(default_factory=list)

    @classmethod
    def from_slugs(cls, slugs: list[str], excluded_slugs: list[str] = ()) -> "TagSelection":
        """Return the selection a URL names; 404 for unknown, repeated or too many tags."""
        wanted = [*slugs, *excluded_slugs]
        if len(set(wanted)) != len(wanted) or len(wanted) > MAX_FILTER_TAGS:
            raise Http404("No such tag filter.")
        # A tag only drafts carry is as unknown to readers as one that does not exist.
        by_slug = {tag.slug: tag for tag in Tag.objects.public_named(wanted)}
        if len(by_slug) != len(wanted):
            raise Http404("No such tag.")
        return cls([by_slug[s] for s in slugs], [by_slug[s] for s in excluded_slugs])

    @property
    def is_single_tag(self) -> bool:
        return len(self.included) == 1 and not self.excluded

    def posts(self):
        """Return the published posts this selection matches."""
        posts = Post.objects.published()
        for tag in self.included:
            posts = posts.filter(tags=tag)
        if self.excluded:
            posts = posts.exclude(tags__in=self.excluded)
        return posts

    def co_occurring(self):
        """Return the other tags of the matching posts, the most shared first, with counts.

        Counted and ordered in SQL: slice it to show the few most useful.
        """
        chosen = [tag.pk for tag in self.included + self.excluded]
        return (
            Tag.objects.filter(tagged_posts__content_object__in=self.posts())
            .exclude(pk__in=chosen)
            .annotate(post_count=Count("tagged_posts"))
            .order_by("-post_count", "name")
        )

    def url(self, *, included=None, excluded=None, suffix: str = "") -> str:
        """Return the address of this selection, or of a variant of it."""
        included = self.included if included is None else included
        excluded = self.excluded if excluded is None else excluded
        if not included:
            return reverse("blog:home")
        slugs = [tag.slug for tag in included]
        if excluded:
            name = f"blog:tag-without{suffix}"
            return reverse(name, args=[slugs, [tag.slug for tag in excluded]])
        return reverse(f"blog:tag{suffix}", args=[slugs])

    def feed_url(self) -> str:
        return self.url(suffix="-feed")

    def atom_url(self) -> str:
        return self.url(suffix="-atom")

    def describe(self) -> str:
        """Return the selection in words, for titles."""
        text = " + ".join(tag.name for tag in self.included)
        if self.excluded:
            text += " without " + ", ".join(tag.name for tag in self.excluded)
        return text
