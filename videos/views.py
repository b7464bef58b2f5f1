from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe
from django.views.generic import DetailView, ListView

from blog.models import Post
from videos.models import Video
from videos.sitemaps import video_sitemap_entries


def _published_posts():
    # A video page lists essays by title and date: no need to load their bodies.
    return Post.objects.published().only("title", "slug", "published_at")


def _with_posts(videos):
    """Prefetch the published posts that show each video, inline or attached."""
    return videos.prefetch_related(
        Prefetch("embedding_posts", queryset=_published_posts(), to_attr="inline_posts"),
        Prefetch("attached_posts", queryset=_published_posts(), to_attr="attaching_posts"),
    )


class VideoListView(ListView):
    """Every video discussed in a published post, with its credits and the posts that show it."""

    paginate_by = 30

    def get_queryset(self):
        discussed = Video.objects.discussed()
        return _with_posts(discussed).order_by("-year", "title", "pk")


class VideoDetailView(DetailView):
    """One video: the player, its credits and chapters, and the essays that show it."""

    def get_object(self, queryset=None):
        discussed = Video.objects.discussed()
        return get_object_or_404(
            _with_posts(discussed).prefetch_related("chapters"),
            provider=self.kwargs["provider"],
            video_id=self.kwargs["video_id"],
        )


@require_safe
def video_sitemap(request):
    """A video sitemap: each published post with the videos it shows."""
    return render(
        request,
        "videos/sitemap.xml",
        {"entries": video_sitemap_entries()},
        content_type="application/xml; charset=utf-8",
    )
