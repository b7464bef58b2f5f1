"""A post's body as readers get it (facades, timecode links, figures), kept between requests.

Expanding the stored body's placeholders is regex and template work over the whole text
(31 % of a feed of 20 bodies). What it produces depends only on the body and on the rows the
page cache already watches (the videos and their chapters, the library images), so it is
stored under the content generation of the anonymous request that asked for it: any change a
reader could see moves the generation on, and the old entries are never asked for again.
Staff requests and previews have no generation and are always expanded afresh.
"""

from django.db.models import prefetch_related_objects

from blog import images, page_cache, stills
from blog.models import Image, Still, body_video_prefetches
from videos.embed import expand_placeholders


def body_expand(*, post, mode: str = "page") -> str:
    """Return post's stored, sanitized body with its videos and images expanded."""
    return page_cache.remembered(
        f"{post.pk}:{mode}", lambda: _expanded(post, mode), prefix="closer-body"
    )


def _expanded(post, mode: str) -> str:
    # body_html was sanitized on save; placeholders are expanded from trusted templates.
    # The videos and their chapters, unless fetched already (a post page fetches its row alone).
    prefetch_related_objects([post], *body_video_prefetches())
    attached = post.video_attachments.all()
    html = expand_placeholders(
        post.body_html,
        post.inline_videos.all(),
        mode=mode,
        fallback=attached[0].video if attached else None,
    )
    # A listing of full bodies (feeds) fetched every body's images at once: body_images.
    library = getattr(post, "body_images", None)
    if library is None:
        library = Image.objects.all()
    html = images.expand_placeholders(html, library, mode=mode)
    return stills.expand_placeholders(html, getattr(post, "body_stills", Still.objects), mode=mode)
