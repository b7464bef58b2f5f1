from django import template
from django.template.loader import get_template
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from blog import page_cache
from comments.forms import CommentForm
from comments.models import (
    Comment,
    comments_closing_at,
    comments_open,
    comments_past_closing,
)
from comments.threads import count_of, threads_for, timecode_video
from videos.embed import expand_placeholders

register = template.Library()


@register.simple_tag
def comment_body(comment, video=None):
    """Return a comment's sanitized HTML with its timecodes linked to the essay's video."""
    # body_html was sanitized on save (blog.rendering.render_comment).
    return mark_safe(expand_placeholders(comment.body_html, [], fallback=video, anchors=False))


def _replying_to(request, threads):
    """Return the thread head named by ?reply= (the no-script reply link), if it is one."""
    wanted = request.GET.get("reply", "") if request is not None else ""
    if not wanted.isdigit():
        return None
    return next((t.comment for t in threads if t.comment.pk == int(wanted)), None)


@register.simple_tag(takes_context=True)
def comments_section(context, post, form=None):
    """Return the comments of a published essay and, while they are open, the form.

    Kept whole under the content version (any comment or comment setting moves it on): the
    threads, their rendering and the form's widgets were a fifth of a post page rendered
    afresh. A form with a reader's input and the no-script reply page (?reply=) are drawn
    for their request.
    """
    request = context.get("request")
    section = get_template("comments/_section.html")

    def render():
        return section.render(_section_context(request, post, form))

    if form is not None or (request is not None and request.GET.get("reply")):
        return mark_safe(render())
    # Comments close by themselves some days after publication, which moves no content
    # version: which side of that day it is now is part of the key, and the whole page is
    # kept no later than that day.
    late = "late" if comments_past_closing(post) else "open"
    if late == "open" and (closing := comments_closing_at(post)) is not None:
        page_cache.page_changes_at(request, closing)
    name = f"comments:{post.pk}:{get_language() or ''}:{late}"
    return mark_safe(page_cache.remembered(name, render))


def _section_context(request, post, form) -> dict:
    if not post.is_published:
        return {"shown": False}
    post.load_reading_prefetches()  # the video a comment's timecodes point at
    threads = threads_for(post)
    is_open = comments_open(post)
    replying_to = _replying_to(request, threads)
    if form is None and is_open:
        form = CommentForm(post=post, initial={"parent": replying_to.pk if replying_to else None})
    return {
        "shown": True,
        "post": post,
        "threads": threads,
        "count": count_of(threads),
        "is_open": is_open,
        "form": form,
        "replying_to": replying_to,
        "video": timecode_video(post),
    }


@register.simple_tag(takes_context=True)
def comment_count(context, post):
    """Return the essay's approved comment count; one query for every card on the page."""
    request = context.get("request")
    counts = getattr(request, "_closer_comment_counts", None)
    if counts is None or post.pk not in counts:
        listed = list(context.get("post_list") or [])
        ids = {p.pk for p in listed if hasattr(p, "pk")} | {post.pk}
        counts = Comment.objects.approved().counts_for(ids)
        counts.update({pk: counts.get(pk, 0) for pk in ids})
        if request is not None:
            request._closer_comment_counts = {
                **(getattr(request, "_closer_comment_counts", None) or {}),
                **counts,
            }
    return counts.get(post.pk, 0)
