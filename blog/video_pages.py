"""The pages about the videos our essays discuss: /videos/, one page per video, a video sitemap.

They belong to the essays, not to ``videos``: a video has a page here only while a published
post shows it, and the page lists those posts. ``videos`` knows nothing about posts.
"""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe
from django.views.generic import DetailView, ListView

from blog.models import CitedMoment, Post
from blog.sitemaps import video_sitemap_entries
from videos.embed import timecode_link


def _with_essays(videos):
    """Prefetch the published posts that show each video, inline or attached."""
    # A video page lists essays by title and date: no need to load their bodies.
    essays = Post.objects.published().only("title", "slug", "published_at")
    return videos.prefetch_related(
        Prefetch("inline_posts", queryset=essays, to_attr="published_inline_posts"),
        Prefetch("attached_posts", queryset=essays, to_attr="published_attached_posts"),
    )


def _list_essays(video):
    """Set video.discussed_in: the prefetched essays showing it, each once, newest first."""
    posts = {post.pk: post for post in video.published_inline_posts + video.published_attached_posts}
    video.discussed_in = sorted(posts.values(), key=lambda post: post.published_at, reverse=True)
    return video


class VideoListView(ListView):
    """Every video discussed in a published post, with its credits and the posts that show it."""

    paginate_by = 30
    template_name = "blog/video_list.html"
    context_object_name = "video_list"

    def get_queryset(self):
        discussed = Post.objects.published().shown_videos()
        return _with_essays(discussed).order_by("-year", "title", "pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["video_list"] = context["object_list"] = [
            _list_essays(video) for video in context["object_list"]
        ]
        return context


class VideoDetailView(DetailView):
    """One video: the player, its credits and chapters, and the essays that show it."""

    template_name = "blog/video_detail.html"
    context_object_name = "video"

    def get_object(self, queryset=None):
        discussed = Post.objects.published().shown_videos()
        video = get_object_or_404(
            _with_essays(discussed).prefetch_related("chapters"),
            provider=self.kwargs["provider"],
            video_id=self.kwargs["video_id"],
        )
        return _list_essays(video)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["cited_moments"] = cited_moments_of(self.object)
        return context


def cited_moments_of(video) -> list[dict]:
    """Return every moment of video that a published essay cites, in time order.

    One entry per distinct moment (start and end), with a timecode link that seeks this page's
    player and the essays citing it.
    """
    rows = (
        CitedMoment.objects.filter(video=video, post__in=Post.objects.published())
        .select_related("post")
        .only("start_seconds", "end_seconds", "excerpt", "anchor", "post__title", "post__slug")
        .order_by("start_seconds", "end_seconds", "post__title", "position")
    )
    moments: dict[tuple, dict] = {}
    for row in rows:
        key = (row.start_seconds, row.end_seconds)
        if key not in moments:
            link = timecode_link(video.ref, row.start_seconds, end=row.end_seconds)
            moments[key] = {"link": link, "citations": []}
        moments[key]["citations"].append(row)
    return list(moments.values())


@require_safe
def video_sitemap(request):
    """A video sitemap: each published post with the videos it shows."""
    return render(
        request,
        "blog/video_sitemap.xml",
        {"entries": video_sitemap_entries()},
        content_type="application/xml; charset=utf-8",
    )
