from dataclasses import replace

from django import template
from django.utils.safestring import mark_safe

from videos.embed import expand_placeholders, render_video

register = template.Library()


@register.simple_tag
def post_body(post, mode="page"):
    """Return the post's stored, sanitized body with its videos expanded."""
    # body_html was sanitized on save; placeholders are expanded from trusted templates.
    return mark_safe(expand_placeholders(post.body_html, post.embedded_videos.all(), mode=mode))


@register.simple_tag
def attached_video(link, mode="page"):
    """Return the facade for a video attached to a post, with its caption."""
    video = link.video
    ref = video.ref
    if link.start_seconds:
        ref = replace(ref, start_seconds=link.start_seconds)
    return mark_safe(render_video(ref, video, caption=link.caption, mode=mode))
