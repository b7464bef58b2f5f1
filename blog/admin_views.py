"""Admin pages and endpoints behind the post editor, wired in through PostAdmin.get_urls.

Every view here runs inside ``admin_site.admin_view`` (staff only, never cached) and checks the
post admin's own permissions, so an Author reaches only what the admin already lets them edit.
"""

import logging
import time

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import strip_tags
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST, require_safe

from blog import diffs, images, review, services, shares, stills
from blog.body_checks import body_warnings
from blog.forms import ShareDraftForm
from blog.models import WORDS_PER_MINUTE, DraftShare, Image, Post, Still
from blog.rendering import BodyTooComplex, check_size, render
from blog.tag_names import tag_match_key
from videos.embed import expand_placeholders, keys_in
from videos.models import Video
from videos.tasks import videos_enqueue_metadata

logger = logging.getLogger(__name__)

# Previews per user per minute: typing with the editor's 400 ms pause stays well under it.
PREVIEW_WINDOW_SECONDS = 60
SUGGESTIONS = 10
PICKER_IMAGES = 24
SHOWN_REVISIONS = 50


def _may_write(model_admin, request) -> bool:
    return model_admin.has_add_permission(request) or model_admin.has_change_permission(request)


def reading_stats(words: int) -> dict:
    minutes = max(1, round(words / WORDS_PER_MINUTE)) if words else 0
    label = ngettext("%(words)s word", "%(words)s words", words) % {"words": f"{words:,}"}
    if minutes:
        label += f" · {minutes} min read"
    return {"words": words, "minutes": minutes, "label": label}


def _preview_allowed(user) -> bool:
    """Count one preview for user; False past CLOSER_PREVIEW_RATE in the current minute."""
    rate = settings.CLOSER_PREVIEW_RATE
    window = int(time.time() // PREVIEW_WINDOW_SECONDS)
    key = f"closer:preview-rate:{user.pk}:{window}"
    try:
        cache.add(key, 0, timeout=PREVIEW_WINDOW_SECONDS * 2)
        return cache.incr(key) <= rate
    except Exception:  # a cache outage must not stop writing: fail open, and say so
        logger.warning("preview rate limit skipped: the cache is unavailable", exc_info=True)
        return True


@require_POST
def preview(request, model_admin):
    """Return the body as the post page will show it, rendered by the site's own pipeline."""
    if not _may_write(model_admin, request):
        raise PermissionDenied
    if not _preview_allowed(request.user):
        response = JsonResponse(
            {
                "error": "Previewing paused for a moment (many previews in a row); it resumes by itself."
            },
            status=429,
        )
        response["Retry-After"] = str(PREVIEW_WINDOW_SECONDS)
        return response
    body = request.POST.get("body", "")
    body_format = request.POST.get("body_format", Post.BodyFormat.MARKDOWN)
    if body_format not in Post.BodyFormat.values:
        body_format = Post.BodyFormat.MARKDOWN
    try:
        rendered = render(body, body_format)
    except BodyTooComplex as error:
        return JsonResponse({"error": str(error)}, status=400)
    # Known videos show their title and poster; new URLs show a neutral facade until saved.
    videos = Video.objects.by_keys(keys_in(rendered.html))
    html = expand_placeholders(rendered.html, videos, mode="page")
    html = images.expand_placeholders(html, Image.objects.all(), mode="page")
    html = stills.expand_placeholders(html, Still.objects.all(), mode="page")
    stats = reading_stats(len(strip_tags(rendered.html).split()))
    warnings = body_warnings(body) if body_format == Post.BodyFormat.MARKDOWN else []
    return JsonResponse({"html": html, "warnings": warnings, **stats})


@require_GET
def tag_suggestions(request, model_admin):
    """Return existing tag names like what was typed, best matches first.

    Matched as near-duplicates are (``blog.tag_names``): "Music Videos" finds "music video",
    "Bjork" finds "Björk". ``existing``, when present, names the tag the typed text already is, but for case,
    accents, plural or spacing, so the field can offer it instead of a new one.
    """
    if not _may_write(model_admin, request):
        raise PermissionDenied
    query = " ".join(request.GET.get("q", "").split())[:100]
    tags = review.tags_visible_to(request.user)
    key = tag_match_key(query) if query else ""
    if query:
        tags = tags.filter(Q(match_key__contains=key) | Q(name__icontains=query))
    found = list(tags.order_by("name").values_list("name", "match_key")[:200])
    lowered = query.casefold()
    found.sort(
        key=lambda row: (
            row[1] != key,
            not row[1].startswith(key),
            not row[0].casefold().startswith(lowered),
            row[0].casefold(),
        )
    )
    names = [name for name, _ in found[:SUGGESTIONS]]
    existing = next((name for name, match in found if query and match == key), None)
    return JsonResponse({"tags": names, **({"existing": existing} if existing else {})})


@require_GET
def image_picker(request, model_admin):
    """Return recent library images (or those matching q) with their shortcodes."""
    if not _may_write(model_admin, request):
        raise PermissionDenied
    query = request.GET.get("q", "").strip()[:100]
    found = Image.objects.all()
    if query:
        found = found.filter(
            Q(alt_text__icontains=query) | Q(caption__icontains=query) | Q(credit__icontains=query)
        )
    return JsonResponse(
        {
            "images": [
                {
                    "id": image.pk,
                    "shortcode": image.shortcode,
                    "label": str(image),
                    "thumbnail": images.image_thumbnail_url(image),
                }
                for image in found[:PICKER_IMAGES]
            ]
        }
    )


def _post_for_writer(request, model_admin, object_id) -> Post:
    post = model_admin.get_object(request, object_id)
    if post is None:
        raise Http404("No such post.")
    if not model_admin.has_change_permission(request, post):
        raise PermissionDenied
    return post


@require_safe
def revisions(request, model_admin, object_id):
    """Show a post's revisions, newest first, each with what it changed."""
    post = _post_for_writer(request, model_admin, object_id)
    saved = post.revisions.filter(is_autosave=False)  # an autosave is offered in the editor
    shown = list(saved.select_related("created_by")[: SHOWN_REVISIONS + 1])
    budget = diffs.DiffBudget()  # shared: the page stays fast however long and many the texts
    entries = [
        {
            "revision": revision,
            "diffs": diffs.revision_diff(older, revision, budget=budget),
            "is_current": index == 0,
        }
        for index, (revision, older) in enumerate(zip(shown, [*shown[1:], None], strict=True))
    ][:SHOWN_REVISIONS]
    context = {
        **model_admin.admin_site.each_context(request),
        "title": f"Revisions of “{post.title}”",
        "opts": model_admin.model._meta,
        "original": post,
        "entries": entries,
        "more": len(shown) > SHOWN_REVISIONS,
    }
    return TemplateResponse(request, "admin/blog/post/revisions.html", context)


@require_POST
def restore_revision(request, model_admin, object_id, revision_id):
    """Put an old revision's text back into the post, then return to the editor."""
    post = _post_for_writer(request, model_admin, object_id)
    revision = get_object_or_404(post.revisions, pk=revision_id)
    if review.post_needs_review(user=request.user, post=post):
        post.title, post.body, post.excerpt = revision.title, revision.body, revision.excerpt
        review.post_change_hold(post=post, user=request.user, tag_names=list(post.tags.names()))
        messages.success(
            request,
            f"The text from {revision} is kept for review: an editor approves it before "
            "readers see it.",
        )
        return redirect(reverse("admin:blog_post_change", args=[post.pk]))
    services.post_restore_revision(revision=revision, user=request.user)
    messages.success(
        request, f"Restored the text from {revision}. The previous text is kept as a revision."
    )
    return redirect(reverse("admin:blog_post_change", args=[post.pk]))


def review_pending(request, model_admin, object_id):
    """Show an Author's held change to a published post; an Editor approves or discards it."""
    post = model_admin.get_object(request, object_id)
    if post is None or not model_admin.has_view_permission(request, post):
        raise Http404("No such post.")
    change = review.pending_change_for(post)
    may_decide = review.may_publish(request.user)
    if request.method == "POST":
        decision = request.POST.get("decision")
        if change is None or decision not in ("approve", "discard"):
            return redirect(reverse("admin:blog_post_change", args=[post.pk]))
        # An Author may withdraw their own change; only an Editor puts one live.
        if not may_decide and not (
            decision == "discard" and change.created_by_id == request.user.pk
        ):
            raise PermissionDenied
        if decision == "discard":
            review.pending_change_discard(change=change)
            messages.success(request, "Discarded the changes; the post stays as published.")
            return redirect(reverse("admin:blog_post_change", args=[post.pk]))
        try:
            review.pending_change_approve(change=change, user=request.user)
        except review.ReviewConflict as conflict:
            messages.error(request, str(conflict))
            return redirect(reverse("admin:blog_post_review", args=[post.pk]))
        messages.success(request, "Approved: readers now see the changes.")
        return redirect(reverse("admin:blog_post_change", args=[post.pk]))
    context = {
        **model_admin.admin_site.each_context(request),
        "title": f"Changes to “{post.title}” awaiting review",
        "opts": model_admin.model._meta,
        "original": post,
        "change": change,
        "diffs": review.pending_change_diff(change) if change else [],
        "may_decide": may_decide,
        "may_withdraw": change is not None and change.created_by_id == request.user.pk,
        "post_moved_on": change is not None
        and change.post_updated_at is not None
        and post.updated_at > change.post_updated_at,
    }
    return TemplateResponse(request, "admin/blog/post/review.html", context)


def provider_note(post) -> dict:
    """Return the one calm line about a post's video details for its form, or nothing.

    Written for an author: which provider, what is missing, what happens next; the technical
    reason stays in the video's own admin page and in the log.
    """
    if post is None:
        return {}
    videos = {*post.inline_videos.all(), *post.attached_videos.all()}
    failed = sorted({video.provider_label for video in videos if video.fetch_failed})
    if failed:
        names = " and ".join(failed)
        return {
            "provider_note": f"Couldn’t reach {names} for the title and poster — we’ll retry "
            "in the background.",
            "provider_note_retry": True,
        }
    waiting = [video for video in videos if video.metadata_pending]
    if waiting:
        note = ngettext(
            "The title and poster of %(count)d video are being fetched in the background; "
            "readers see a neutral poster until they arrive.",
            "The titles and posters of %(count)d videos are being fetched in the background; "
            "readers see neutral posters until they arrive.",
            len(waiting),
        ) % {"count": len(waiting)}
        return {"provider_note": note, "provider_note_retry": False}
    return {}


@require_POST
def retry_videos(request, model_admin, object_id):
    """Ask the providers again for a post's videos, in the background."""
    post = _post_for_writer(request, model_admin, object_id)
    videos = {*post.inline_videos.all(), *post.attached_videos.all()}
    queued = videos_enqueue_metadata(videos=videos, again=True)
    if queued:
        messages.info(request, "Trying again in the background.")
    return redirect("admin:blog_post_change", post.pk)


# --- Autosave and images dropped into the body ----------------------------------------------

AUTOSAVE_TITLE_CHARS = Post._meta.get_field("title").max_length
AUTOSAVE_KEPT_LOCALLY = "Your text is kept in this browser; saving the form keeps it for good."


def _autosave_refusal(message: str, status: int) -> JsonResponse:
    return JsonResponse(
        {"error": f"Not autosaved: {message} {AUTOSAVE_KEPT_LOCALLY}"}, status=status
    )


def _autosave_json(revision) -> dict:
    local = timezone.localtime(revision.created_at)
    return {
        "title": revision.title,
        "body": revision.body,
        "excerpt": revision.excerpt,
        "saved_at": revision.created_at.isoformat(),
        "saved_label": date_format(local, "j M Y, H:i"),
    }


def autosave(request, model_admin, object_id):
    """Keep the writer's unsaved text as their autosave revision of the post, or return it.

    POST title/body/excerpt stores it (the post, live or draft, is not changed: the writer
    restores it into the form and saves as usual); POST discard=1 forgets it; GET returns it
    with ``newer``: whether it was kept after the post's last save.
    """
    post = _post_for_writer(request, model_admin, object_id)
    if request.method == "GET":
        revision = services.post_autosave_for(post=post, user=request.user)
        if revision is None:
            return JsonResponse({"autosave": None})
        return JsonResponse(
            {
                "autosave": {
                    **_autosave_json(revision),
                    "newer": revision.created_at > post.updated_at,
                }
            }
        )
    if request.method != "POST":
        return JsonResponse({"error": "Use GET or POST."}, status=405)
    if request.POST.get("discard"):
        services.post_autosave_discard(post=post, user=request.user)
        return JsonResponse({"discarded": True})
    text, refusal = _autosave_text(request)
    return refusal or _autosave_store(request, post, text)


def _autosave_text(request):
    """Return (the posted title/body/excerpt, None), or (None, a refusal saying why)."""
    if "body" not in request.POST:
        return None, _autosave_refusal("nothing was sent.", 400)
    text = {
        "title": request.POST.get("title", ""),
        "body": request.POST["body"],
        "excerpt": request.POST.get("excerpt", ""),
    }
    if any("\x00" in value for value in text.values()):
        return None, _autosave_refusal("the text holds a NUL character.", 400)
    if len(text["title"]) > AUTOSAVE_TITLE_CHARS:
        length = len(text["title"])
        return None, _autosave_refusal(
            f"the title is {length} characters; it can hold {AUTOSAVE_TITLE_CHARS}.", 400
        )
    try:
        check_size(text["body"])
        check_size(text["excerpt"])
    except BodyTooComplex as error:
        return None, _autosave_refusal(str(error), 413)
    return text, None


def _autosave_store(request, post, text, **extra) -> JsonResponse:
    revision = services.post_autosave(post=post, user=request.user, **text)
    local = timezone.localtime(revision.created_at)
    return JsonResponse(
        {
            "saved_at": revision.created_at.isoformat(),
            "label": f"Autosaved at {local:%H:%M}",
            **extra,
        }
    )


@require_POST
def autosave_new(request, model_admin):
    """A new essay's first autosave: make it a draft, its text that draft's autosave revision.

    The draft holds only the title until the writer saves the form (the editor then posts the
    form to the draft's own change page), so a crash before the first save loses nothing.
    """
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    text, refusal = _autosave_text(request)
    if refusal:
        return refusal
    post = services.post_draft_for_autosave(user=request.user, title=text["title"])
    return _autosave_store(
        request,
        post,
        text,
        post_id=post.pk,
        change_url=reverse("admin:blog_post_change", args=[post.pk]),
    )


@require_POST
def image_upload(request, model_admin):
    """Add an image pasted or dropped into the body to the library, as the Images admin would.

    The form is the Images admin's own (its checks, its formfield overrides); answers the new
    image's shortcode, or the checks' messages with a 400.
    """
    image_admin = model_admin.admin_site._registry[Image]
    if not _may_write(model_admin, request) or not image_admin.has_add_permission(request):
        raise PermissionDenied
    form_class = image_admin.get_form(request)
    form = form_class(request.POST, request.FILES)
    if not form.is_valid():
        errors = {name: [str(m) for m in messages_] for name, messages_ in form.errors.items()}
        first = next(iter(errors.values()), ["The image was refused."])[0]
        return JsonResponse({"error": first, "errors": errors}, status=400)
    image = form.save(commit=False)
    image.uploaded_by = request.user
    try:
        image.save()
    except OSError as error:
        logger.exception("Storage refused an image pasted into a post")
        reason = error.strerror or str(error)
        return JsonResponse(
            {"error": f"The image could not be stored ({reason}). Try again in a moment."},
            status=503,
        )
    return JsonResponse(
        {
            "id": image.pk,
            "shortcode": image.shortcode,
            "label": str(image),
            "thumbnail": images.image_thumbnail_url(image),
        },
        status=201,
    )


# The link just made, kept in the session for the one page that shows it (never stored).
_NEW_SHARE_SESSION_KEY = "closer_new_draft_share"


def share_draft(request, model_admin, object_id):
    """List a post's live shared-draft links, make a new one, or revoke one.

    Whoever may edit the post may share it (an Author: only their own essays). The new link is
    shown once, on the page after it is made: only its digest is stored.
    """
    post = _post_for_writer(request, model_admin, object_id)
    if request.method == "POST":
        if "revoke" in request.POST:
            revoke = request.POST["revoke"]
            share = None
            if revoke.isdigit() and len(revoke) < 19:  # anything else names no link: no 500
                share = DraftShare.objects.filter(post=post, pk=int(revoke)).first()
            if share is not None:
                shares.share_revoke(share=share)
                messages.success(request, "Revoked: the link opens nothing any more.")
            return redirect("admin:blog_post_share", post.pk)
        form = ShareDraftForm(request.POST)
        if form.is_valid():
            share, token = shares.share_create(
                post=post,
                user=request.user,
                days=form.cleaned_data["days"],
                label=form.cleaned_data["label"],
            )
            request.session[_NEW_SHARE_SESSION_KEY] = {"post": post.pk, "token": token}
            return redirect("admin:blog_post_share", post.pk)
    else:
        form = ShareDraftForm()
    new = request.session.pop(_NEW_SHARE_SESSION_KEY, None)
    new_url = (
        request.build_absolute_uri(shares.share_url(new["token"]))
        if new and new.get("post") == post.pk
        else None
    )
    links = post.draft_shares.select_related("created_by")
    context = {
        **model_admin.admin_site.each_context(request),
        "title": f"Share “{post.title}”",
        "opts": model_admin.model._meta,
        "original": post,
        "form": form,
        "new_url": new_url,
        "active": list(links.active()),
        "inactive_count": links.count() - len(links.active()),
        "max_days": shares.MAX_DAYS,
    }
    return TemplateResponse(request, "admin/blog/post/share.html", context)
