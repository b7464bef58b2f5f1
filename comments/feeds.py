"""Comment feeds, RSS and Atom: the whole site, and one essay (published essays only)."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from blog import seo
from blog.feeds import absolutize_links
from blog.models import Post
from comments.models import Comment

FEED_ITEMS = 30


class CommentsFeed(Feed):
    """The newest approved comments on the site's published essays."""

    language = "en"

    def get_object(self, request, *args, **kwargs):
        return None

    def title(self, obj=None):
        return f"{settings.SITE_NAME}: comments"

    def description(self, obj=None):
        return f"The newest readers' comments on {settings.SITE_NAME}."

    def link(self, obj=None):
        return reverse("blog:home")

    def feed_url(self, obj=None):
        return reverse("comments:feed")

    def items(self, obj=None):
        comments = Comment.objects.approved().filter(is_removed=False)
        if obj is not None:
            comments = comments.filter(post=obj)
        return comments.select_related("post").order_by("-created_at", "-id")[:FEED_ITEMS]

    def item_title(self, comment):
        return f"{comment.name} on “{comment.post.title}”"

    def item_description(self, comment):
        return absolutize_links(comment.body_html)

    def item_link(self, comment):
        return comment.get_absolute_url()

    def item_guid(self, comment):
        return seo.absolute_url(comment.get_absolute_url())

    def item_pubdate(self, comment):
        return comment.created_at

    def item_author_name(self, comment):
        return comment.name


class AtomCommentsFeed(CommentsFeed):
    feed_type = Atom1Feed
    subtitle = CommentsFeed.description

    def feed_url(self, obj=None):
        return reverse("comments:feed-atom")


class PostCommentsFeed(CommentsFeed):
    """The approved comments on one published essay."""

    def get_object(self, request, post_id):
        return get_object_or_404(Post.objects.published(), pk=post_id)

    def title(self, post):
        return f"Comments on “{post.title}” — {settings.SITE_NAME}"

    def description(self, post):
        return f"Readers' comments on “{post.title}”."

    def link(self, post):
        return post.get_absolute_url() + "#comments"

    def feed_url(self, post):
        return reverse("comments:post-feed", args=[post.pk])


class AtomPostCommentsFeed(PostCommentsFeed):
    feed_type = Atom1Feed
    subtitle = PostCommentsFeed.description

    def feed_url(self, post):
        return reverse("comments:post-feed-atom", args=[post.pk])
