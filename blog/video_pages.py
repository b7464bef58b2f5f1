"""The pages about the videos our essays discuss: /videos/, one page per video, a video sitemap.

They belong to the essays, not to ``videos``: a video has a page here only while a published
post shows it, and the page lists those posts. ``videos`` knows nothing about posts.
"""

from django.core.paginator import InvalidPage
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_safe
from django.views.generic import DetailView, ListView

from blog import page_cache
from blog.models import CitedMoment, Post, PostVideo
from blog.sitemaps import video_sitemap_entries
from videos.embed import timecode_link
from videos.models import LISTING_DEFERRED_FIELDS


def _list_essays(videos) -> list:
    """Set discussed_in on each video: the published essays showing it, inline or attached,
    each once, newest first; two queries for any number of videos.

    The video-post pairs come straight off the two link tables' video indexes, then the essays
    by primary key. A prefetch through each relation joined posts to links filtered by the
    published index instead: on SQLite each of the two walked every published essay, about
    28 ms each at 10,000 essays, against well under 1 ms for both this way.
    """
    videos = list(videos)
    ids = [video.pk for video in videos]
    inline = Post.inline_videos.through.objects.filter(video_id__in=ids).order_by()
    attached = PostVideo.objects.filter(video_id__in=ids).order_by()  # no Meta ordering
    pairs = list(
        inline.values_list("video_id", "post_id").union(attached.values_list("video_id", "post_id"))
    )
    # A video page lists essays by title and date: no need to load their bodies.
    essays = (
        Post.objects.published()
        .filter(pk__in={post_id for _, post_id in pairs})
        .only("title", "slug", "published_at")
        .in_bulk()
        if pairs
        else {}
    )
    shown_in: dict[int, set] = {}
    for video_id, post_id in pairs:
        if post_id in essays:
            shown_in.setdefault(video_id, set()).add(post_id)
    for video in videos:
        video.discussed_in = sorted(
            (essays[post_id] for post_id in shown_in.get(video.pk, ())),
            key=lambda post: (post.published_at, post.pk),
            reverse=True,
        )
    return videos


class VideoListView(ListView):
    """Every video discussed in a published post, with its credits and the posts that show it."""

    paginate_by = 30
    template_name = "blog/video_list.html"
    context_object_name = "video_list"

    def get_queryset(self):
        discussed = Post.objects.published().shown_videos()
        return discussed.defer(*LISTING_DEFERRED_FIELDS).order_by("-year", "title", "pk")

    def get_paginator(self, queryset, *args, **kwargs):
        paginator = super().get_paginator(queryset, *args, **kwargs)
        # Which videos a published essay shows walks every essay's links (20 ms at 10,000
        # essays), for the count as for each page: the count is kept per content version, and
        # a page's list is worked out only when the template's {% remember %} lacks it.
        paginator.count = page_cache.remembered("videos-count", queryset.count)
        return paginator

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = context["object_list"]
        context["video_list"] = context["object_list"] = SimpleLazyObject(
            lambda: _list_essays(page)
        )
        return context


class VideoDetailView(DetailView):
    """One video: the player, its credits and chapters, and the essays that show it."""

    template_name = "blog/video_detail.html"
    context_object_name = "video"

    def get_object(self, queryset=None):
        discussed = Post.objects.published().shown_videos()
        video = get_object_or_404(
            discussed.prefetch_related("chapters"),
            provider=self.kwargs["provider"],
            video_id=self.kwargs["video_id"],
        )
        return _list_essays([video])[0]

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
    """A video sitemap, a page at a time (?p=2): each published post with the videos it shows."""
    try:
        entries = video_sitemap_entries(request.GET.get("p") or 1)
    except InvalidPage as error:
        raise Http404(str(error)) from error
    return render(
        request,
        "blog/video_sitemap.xml",
        {"entries": entries},
        content_type="application/xml; charset=utf-8",
    )
