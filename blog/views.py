from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.generic import DetailView, ListView

from blog.models import Post, PostVideo, Tag


class PostListView(ListView):
    """The home page: published posts, newest first."""

    queryset = Post.objects.published().for_listing()
    paginate_by = settings.POSTS_PER_PAGE


class PostDetailView(DetailView):
    """A post page; staff also see drafts and scheduled posts, marked as a preview."""

    def get_queryset(self):
        posts = Post.objects.all() if self.request.user.is_staff else Post.objects.published()
        return posts.select_related("author").prefetch_related(
            "tags",
            "embedded_videos",
            Prefetch("post_videos", queryset=PostVideo.objects.select_related("video")),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["is_preview"] = not self.object.is_published
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if context["is_preview"]:
            add_never_cache_headers(response)
        return response


def tag_filter(request, slugs: list[str]):
    """Posts that carry every one of the tags in the URL, with a way to drop each."""
    tags = list(Tag.objects.filter(slug__in=slugs))
    if len(tags) != len(slugs):
        raise Http404("No such tag.")
    tags.sort(key=lambda tag: slugs.index(tag.slug))
    posts = Post.objects.published()
    for tag in tags:
        posts = posts.filter(tags=tag)
    page = Paginator(posts.for_listing().distinct(), settings.POSTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    removals = [
        {
            "tag": tag,
            "url": reverse("blog:tag", args=["+".join(t.slug for t in tags if t != tag)])
            if len(tags) > 1
            else reverse("blog:home"),
        }
        for tag in tags
    ]
    return render(
        request,
        "blog/tag_filter.html",
        {
            "tags": tags,
            "removals": removals,
            "page_obj": page,
            "post_list": page.object_list,
            "is_paginated": page.has_other_pages(),
        },
    )
