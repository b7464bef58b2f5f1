"""The page a shared-draft link opens (blog.shares): the essay as readers will see it."""

from django.http import Http404
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_safe

from blog import shares
from blog.models import Post


@require_safe
def shared_draft(request, token):
    """Show the draft a live link points at; any other token is the site's plain 404."""
    share = shares.share_for_token(token)
    if share is None:
        raise Http404("No such page.")
    post = shares.shared_post(share)
    if request.method == "GET":
        shares.share_opened(share=share)
    context = {
        "post": post,
        "share": share,
        "is_preview": True,  # no newsletter box, no comments: nothing here is public yet
        "related_posts": Post.objects.published().exclude(pk=post.pk).related_to(post, limit=3),
    }
    response = render(request, "blog/shared_draft.html", context)
    add_never_cache_headers(response)  # Cache-Control: no-cache, no-store, private, max-age=0
    response["X-Robots-Tag"] = "noindex, nofollow"
    # The token is in the address: a link followed from the draft must not carry it along.
    response["Referrer-Policy"] = "no-referrer"
    return response
