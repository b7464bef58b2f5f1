from django import template
from django.utils.safestring import mark_safe

from videos.embed import render_video

register = template.Library()


@register.simple_tag
def video_facade(video):
    """Return the click-to-load facade for a stored video."""
    return mark_safe(render_video(video.ref, video))
