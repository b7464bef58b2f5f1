"""The messages the newsletter sends: a confirmation request and an essay.

An essay's HTML part is the feed rendering of the essay (videos as their poster, images as
plain <img>, never an iframe or a script), with every link and image made absolute on
SITE_URL, each poster linked to the essay on our site, any image that is not ours dropped, and
the stylesheet inlined into style attributes (css-inline), since many mail clients ignore
<style>. Every essay message carries RFC 8058 one-click unsubscribe headers and a visible link.
"""

import html
import re
from urllib.parse import urlsplit

import css_inline
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import strip_tags

from blog import seo
from blog.feeds import absolutize_links
from blog.models import Post
from newsletter.models import Delivery, Subscriber

_POSTER_LINK = re.compile(r'<a href="[^"]*">(\s*<img\s[^>]*>\s*)</a>')
_IMG = re.compile(r"<img\s[^>]*>")
_SRC = re.compile(r'\ssrc="([^"]*)"')
_INLINER = css_inline.CSSInliner(load_remote_stylesheets=False, keep_style_tags=False)


def own_origins() -> list[str]:
    """Return the URL prefixes images in an email may come from: our site and our media."""
    origins = [settings.SITE_URL + "/"]
    if urlsplit(settings.MEDIA_URL).scheme:
        origins.append(settings.MEDIA_URL)
    return origins


def essay_body_html(post: Post) -> str:
    """Return the essay's body as email HTML (absolute, ours only), full or excerpt per setting."""
    essay_url = seo.absolute_url(post.get_absolute_url())
    if settings.CLOSER_NEWSLETTER_CONTENT == "excerpt":
        fragment = render_to_string("newsletter/email/_excerpt.html", {"post": post})
    else:
        fragment = render_to_string("blog/_feed_content.html", {"post": post})
    fragment = absolutize_links(fragment)
    fragment = _POSTER_LINK.sub(
        lambda m: f'<a href="{html.escape(essay_url)}">{m.group(1)}</a>', fragment
    )
    origins = own_origins()

    def keep_own(match):
        src = _SRC.search(match.group(0))
        url = html.unescape(src.group(1)) if src else ""
        return match.group(0) if any(url.startswith(o) for o in origins) else ""

    return _IMG.sub(keep_own, fragment)


def essay_message(*, post: Post, subscriber: Subscriber, delivery: Delivery | None = None):
    """Return the email for one subscriber (or an editor's test, delivery=None)."""
    unsubscribe = seo.absolute_url(subscriber.unsubscribe_url())
    context = {
        "post": post,
        "essay_url": seo.absolute_url(post.get_absolute_url()),
        "body_html": essay_body_html(post),
        "unsubscribe_url": unsubscribe,
        "subscribe_url": seo.absolute_url(reverse("newsletter:subscribe")),
        "site_url": settings.SITE_URL,
        "full": settings.CLOSER_NEWSLETTER_CONTENT == "full",
        "SITE_NAME": settings.SITE_NAME,
    }
    html_part = _INLINER.inline(render_to_string("newsletter/email/essay.html", context))
    text_part = render_to_string(
        "newsletter/email/essay.txt", {**context, "body_text": _text(context["body_html"])}
    )
    headers = {
        "List-Unsubscribe": f"<{unsubscribe}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "List-Id": f"{settings.SITE_NAME} <newsletter.{urlsplit(settings.SITE_URL).hostname}>",
    }
    if delivery is not None:
        headers["Message-ID"] = delivery.message_id
    message = EmailMultiAlternatives(
        subject=post.title, body=text_part, to=[subscriber.email], headers=headers
    )
    message.attach_alternative(html_part, "text/html")
    return message


def confirmation_message(*, subscriber: Subscriber, confirm_url: str):
    """Return the double opt-in request: one link, nothing else sent until it is followed."""
    context = {
        "confirm_url": confirm_url,
        "subscriber": subscriber,
        "site_url": settings.SITE_URL,
        "SITE_NAME": settings.SITE_NAME,
    }
    message = EmailMultiAlternatives(
        subject=f"Confirm your subscription to {settings.SITE_NAME}",
        body=render_to_string("newsletter/email/confirm.txt", context),
        to=[subscriber.email],
    )
    html_part = _INLINER.inline(render_to_string("newsletter/email/confirm.html", context))
    message.attach_alternative(html_part, "text/html")
    return message


def _text(fragment: str) -> str:
    """Return readable plain text for an HTML fragment: paragraphs kept, links spelled out."""
    fragment = re.sub(r'<a\s[^>]*href="([^"]*)"[^>]*>(.*?)</a>', r"\2 (\1)", fragment, flags=re.S)
    fragment = re.sub(r"</(p|h\d|li|figure|blockquote|pre)>|<br\s*/?>", "\n\n", fragment)
    text = html.unescape(strip_tags(fragment))
    return re.sub(r"\n\s*\n+", "\n\n", re.sub(r"[ \t]+", " ", text)).strip()
