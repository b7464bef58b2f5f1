from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView

from blog.models import Post
from videos.models import Video


def _published_posts():
    return Post.objects.published().only("title", "slug", "published_at")


class VideoListView(ListView):
    """Every video discussed in a published post, with the posts that show it."""

    paginate_by = 30

    def get_queryset(self):
        posts = _published_posts()
        return (
            Video.objects.filter(pk__in=Video.objects.discussed())
            .prefetch_related(
                Prefetch("embedding_posts", queryset=posts, to_attr="inline_posts"),
                Prefetch("attached_posts", queryset=posts, to_attr="attaching_posts"),
            )
            .order_by("-year", "title", "pk")
        )


class VideoDetailView(DetailView):
    def get_object(self, queryset=None):
        return get_object_or_404(
            Video.objects.filter(pk__in=Video.objects.discussed()).prefetch_related(
                Prefetch("embedding_posts", queryset=_published_posts(), to_attr="inline_posts"),
                Prefetch("attached_posts", queryset=_published_posts(), to_attr="attaching_posts"),
            ),
            provider=self.kwargs["provider"],
            video_id=self.kwargs["video_id"],
        )
