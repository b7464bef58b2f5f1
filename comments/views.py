"""Readers' comment pages: post a comment (with or without JavaScript), and the writer's links.

The form posts without a CSRF token on purpose: a token would set a cookie on the essay page
and make it uncacheable (blog.page_cache). What CSRF protects against here is a third-party
page making a visitor's browser post a comment; the view refuses any request whose Origin (or
Sec-Fetch-Site) says it came from another site, and the signed form token proves the form was
served by us, for this essay, at least a few seconds ago. The writer's delete and mute pages
are ordinary CSRF-protected forms (they are never cached).
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from blog.models import Post
from comments import limits, services, tokens
from comments.forms import CommentForm
from comments.models import Comment, comments_open
from comments.threads import timecode_video
from core.throttle import client_address


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _is_cross_site(request) -> bool:
    if request.headers.get("Sec-Fetch-Site") == "cross-site":
        return True
    origin = request.headers.get("Origin")
    if not origin:
        return False  # old browsers and non-browsers: the form token still has to be right
    if origin == "null":
        return True
    ours = f"{request.scheme}://{request.get_host()}"
    return (
        origin != ours
        and origin not in settings.CSRF_TRUSTED_ORIGINS
        and (urlsplit(origin).netloc != urlsplit(settings.SITE_URL).netloc)
    )


def _refuse(request, post, *, status: int, heading: str, message: str):
    if _wants_json(request):
        return JsonResponse({"status": "refused", "errors": {"__all__": [message]}}, status=status)
    body = request.POST.get("body", "")[: settings.CLOSER_COMMENT_MAX_CHARS * 2]
    context = {"post": post, "heading": heading, "message": message, "body": body}
    return render(request, "comments/closed.html", context, status=status)


@csrf_exempt
@require_POST
@never_cache
def comment_post(request, post_id: int):
    """Take a reader's comment: redirect to it, to the held note, or show the form's errors."""
    post = get_object_or_404(Post.objects.published().for_reading(), pk=post_id)
    if _is_cross_site(request):
        return _refuse(
            request, post, status=403, heading="Comment not sent",
            message="Comments can only be sent from this site's own pages.",
        )  # fmt: skip
    if not comments_open(post):
        return _refuse(
            request, post, status=403, heading="Comments are closed",
            message="Comments on this essay are closed, so yours was not sent.",
        )  # fmt: skip
    form = CommentForm(request.POST, post=post)
    if form.is_valid():
        refused = limits.rate_limit_message(client_address(request))
        if refused:
            form.add_error(None, refused)
            return _form_errors(request, post, form, status=429)
        data = form.cleaned_data
        comment = services.comment_submit(
            post=post,
            name=data["name"],
            email=data["email"],
            website=data["website"],
            body=data["body"],
            parent=data["parent"],
            notify_replies=data["notify_replies"],
            ip_address=client_address(request) or None,
        )
        return _accepted(request, post, comment)
    return _form_errors(request, post, form, status=400)


def _form_errors(request, post, form, *, status: int):
    if _wants_json(request):
        return JsonResponse(
            {"status": "invalid", "errors": form.errors, "token": form.data.get("token", "")},
            status=status,
        )
    return render(request, "comments/form_page.html", {"post": post, "form": form}, status=status)


def _accepted(request, post, comment):
    approved = comment.status == Comment.Status.APPROVED
    if _wants_json(request):
        payload = {"status": comment.status, "id": comment.pk, "parent": comment.parent_id}
        if approved:
            payload["html"] = render_to_string(
                "comments/_comment.html",
                {"comment": comment, "is_reply": bool(comment.parent_id), "is_open": True,
                 "video": timecode_video(post)},
                request=request,
            )  # fmt: skip
        else:
            payload["message"] = (
                "Thank you: your comment is waiting for approval. We emailed you a copy with a "
                "private link to delete it."
            )
        return JsonResponse(payload, status=201)
    if approved:
        return redirect(comment.get_absolute_url())
    return redirect("comments:held", post_id=post.pk)


@require_safe
@never_cache
def comment_held(request, post_id: int):
    post = get_object_or_404(Post.objects.published(), pk=post_id)
    return render(request, "comments/held.html", {"post": post})


@require_safe
@never_cache
def comment_form_token(request, post_id: int):
    """Return a fresh form token: the script asks when the reader starts typing."""
    post = get_object_or_404(Post.objects.published(), pk=post_id)
    return JsonResponse({"token": tokens.form_token(post.pk)})


def _owned_comment(token: str, action: str):
    try:
        comment_id, digest = tokens.owner_comment_id(token, action)
    except tokens.BadToken:
        return None
    comment = Comment.objects.select_related("post").filter(pk=comment_id).first()
    if comment is None or comment.is_removed or not tokens.owner_matches(comment, digest):
        return None
    return comment


def _owner_action(request, token, *, action, heading, button, done, perform):
    """The page behind a private link we emailed a comment's writer: confirm, then act.

    A GET shows the button (mail scanners that follow links must not act); a POST acts.
    """
    comment = _owned_comment(token, action)
    context = {"heading": heading, "button": button, "comment": comment}
    if comment is None:
        return render(request, "comments/owner_action.html", context, status=404)
    if request.method == "POST":
        perform(comment=comment)
        context["done"] = done
    elif request.method not in ("GET", "HEAD"):
        raise Http404
    return render(request, "comments/owner_action.html", context)


@never_cache
def comment_delete(request, token: str):
    """Let a comment's writer delete it through the private link we emailed them."""
    return _owner_action(
        request,
        token,
        action="delete",
        heading="Delete your comment",
        button="Delete my comment",
        done="Your comment is deleted, and your address with it.",
        perform=services.comment_delete_by_writer,
    )


@never_cache
def comment_mute(request, token: str):
    """Let a comment's writer stop reply notices."""
    return _owner_action(
        request,
        token,
        action="mute",
        heading="Stop reply notices",
        button="Stop reply notices",
        done="You will get no more reply notices for this comment.",
        perform=services.comment_mute,
    )
