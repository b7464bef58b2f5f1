import hashlib
from dataclasses import replace

from django import template
from django.db.models import QuerySet, prefetch_related_objects
from django.template.loader import get_template
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from blog import body_cache, images, page_cache, rendering
from videos.embed import render_video

register = template.Library()

# How wide a featured image is drawn, per place it appears: (sizes, loading).
FEATURED_VARIANTS = {
    # At the top of a post page: above the fold, so fetched eagerly.
    "hero": ("(min-width: 46rem) 42rem, calc(100vw - 2rem)", "eager"),
    # In a listing card: usually further down the page.
    "card": ("(min-width: 46rem) 14rem, calc(100vw - 2rem)", "lazy"),
}


@register.simple_tag
def post_body(post, mode="page"):
    """Return the post's stored, sanitized body with its videos and images expanded."""
    return mark_safe(body_cache.body_expand(post=post, mode=mode))


@register.simple_tag
def attached_video(link, mode="page"):
    """Return the facade for a video attached to a post, with its caption."""
    video = link.video
    ref = video.ref
    if link.start_seconds:
        ref = replace(ref, start_seconds=link.start_seconds)
    return mark_safe(render_video(ref, video, caption=link.caption, mode=mode))


@register.simple_tag
def responsive_image(image, sizes=images.BODY_SIZES, loading="lazy", css_class=""):
    """Return a library image as <picture> with srcset, width/height and lazy loading."""
    return images.image_picture_html(image, sizes=sizes, loading=loading, css_class=css_class)


@register.simple_tag
def featured_image(post, variant="hero", css_class="featured-image"):
    """Return a post's featured image sized for where it is shown ("hero" or "card")."""
    sizes, loading = FEATURED_VARIANTS.get(variant, FEATURED_VARIANTS["hero"])
    return images.image_picture_html(
        post.featured_image, sizes=sizes, loading=loading, css_class=css_class
    )


@register.simple_tag(takes_context=True)
def post_cards(context, posts, hide_author=False):
    """Return the cards of a listing's essays, each rendered once per content version.

    Rendering the cards (picture, byline, summary, tags, comment count) was most of a listing
    page's time. Every card already rendered at this content generation comes from one cache
    read, and its essay needs none of the listing's prefetches (tags, videos): they run, in
    the same number of queries as before, only for the cards still to render. The first card
    draws its picture eagerly (above the fold), so it is kept apart from the others.
    """
    posts, lookups = _without_prefetches(posts)
    language = get_language() or ""
    named = {}
    for position, post in enumerate(posts, start=1):
        snippet = getattr(post, "snippet", "")  # search results: the words around the match
        digest = hashlib.sha256(snippet.encode()).hexdigest()[:12] if snippet else ""
        first = "first" if position == 1 else "later"
        name = f"{post.pk}:{first}:{int(bool(hide_author))}:{language}:{digest}"
        named[name] = (post, position)

    def render(missing):
        todo = [named[name][0] for name in missing]
        if lookups:
            prefetch_related_objects(todo, *lookups)
        card = get_template("blog/_post_card.html")
        shared = {
            "hide_author": hide_author,
            "post_list": todo,  # comment_count: one query for all of them
            "request": context.get("request"),
        }
        rendered = {}
        for name in missing:
            post, position = named[name]
            rendered[name] = card.render({**shared, "post": post, "position": position})
        return rendered

    cards = page_cache.remembered_many(list(named), render, prefix="closer-card")
    return mark_safe("".join(cards[name] for name in named))


@register.tag("remember")
def do_remember(parser, token):
    """{% remember "name" value... %}...{% endremember %}: the block, rendered once per content
    version for each combination of the values (and language), like Django's {% cache %}
    but never stale: any change a reader could see moves the version on. Staff requests and
    previews render it every time. Only for blocks that depend on nothing but their values
    and published content: never a reader's input, never a CSRF token.
    """
    bits = token.split_contents()[1:]
    if not bits:
        raise template.TemplateSyntaxError("{% remember %} needs a name")
    nodelist = parser.parse(("endremember",))
    parser.delete_first_token()
    return RememberNode(nodelist, [parser.compile_filter(bit) for bit in bits])


class RememberNode(template.Node):
    def __init__(self, nodelist, vary_on):
        self.nodelist, self.vary_on = nodelist, vary_on

    def render(self, context):
        if context.get("is_preview"):
            return self.nodelist.render(context)
        values = [str(value.resolve(context)) for value in self.vary_on]
        digest = hashlib.sha256("\x1f".join([*values, get_language() or ""]).encode())
        name = f"block:{values[0]}:{digest.hexdigest()[:24]}"
        return page_cache.remembered(name, lambda: self.nodelist.render(context))


def _without_prefetches(posts):
    """Return the essays as a list, and the prefetches their queryset would have run."""
    if isinstance(posts, QuerySet) and posts._result_cache is None:
        return list(posts.prefetch_related(None)), posts._prefetch_related_lookups
    return list(posts), ()


@register.inclusion_tag("blog/_card_picture.html")
def card_picture(post, position=0, sizes=FEATURED_VARIANTS["card"][0]):
    """Draw a card's picture: the featured image, else a video's poster, else the fallback.

    The first card of a page is usually above the fold (fetched eagerly), the rest lazily.
    """
    loading = "eager" if position == 1 else "lazy"
    video = None if post.featured_image else post.cover_video
    return {
        "post": post,
        "featured": images.image_picture_html(
            post.featured_image, sizes=sizes, loading=loading, css_class="post-card-image"
        ),
        "poster": video.poster if video else None,
        "loading": loading,
        "sizes": sizes,
    }


@register.inclusion_tag("blog/_toc.html")
def post_toc(post):
    """Draw the essay's table of contents: its h2 sections and their h3s, from three headings."""
    headings = rendering.headings_in(post.body_html)
    if len(headings) < rendering.TOC_MIN_HEADINGS:
        return {"sections": []}
    sections = []
    for heading in headings:
        if heading.level == 3 and sections:
            sections[-1]["children"].append(heading)
        else:  # an h2, or an h3 before any h2
            sections.append({"heading": heading, "children": []})
    return {"sections": sections, "count": len(headings)}
