"""Write the whole site as a WordPress export (WXR 1.2) that WordPress itself can import.

Bodies go out as the HTML readers see (already sanitized), with each video as its URL alone on
a line — WordPress embeds those by itself — and library images as ``<img>`` with absolute URLs.
Featured images become attachments (``_thumbnail_id``), tags ``post_tag`` terms, authors
``wp:author`` entries, readers' approved comments ``wp:comment`` (from the comments app, which
answers ``wordpress_export_comments``). ``blog.importers.wordpress`` reads the file back (the
round-trip test).
"""

import html
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Max
from django.dispatch import Signal

from blog.models import Image, Post, Tag

WXR_VERSION = "1.2"
WP = "http://wordpress.org/export/1.2/"
VIDEO_PLACEHOLDER = re.compile(r'<closer-video data-key="[^"]*" data-url="([^"]*)"></closer-video>')
IMAGE_PLACEHOLDER = re.compile(r'<closer-image data-id="(\d+)"></closer-image>')
SITE_PATH_ATTRIBUTE = re.compile(r'(\s(?:src|href)=")(/(?!/)[^"]*)"')
# Characters XML 1.0 cannot carry at all (a stray control character would make the file unreadable).
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass
class ExportedComment:
    """A reader's comment as WordPress keeps one."""

    comment_id: int
    parent_id: int  # 0 for a comment on the post
    author: str
    email: str
    url: str
    date: datetime
    content: str  # sanitized HTML


# Sent once per export with ``posts``; an app that keeps comments returns
# {post id: [ExportedComment, …]} for the comments readers see.
wordpress_export_comments = Signal()


def cdata(text: str) -> str:
    text = NOT_XML.sub("", str(text or ""))
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _text(text: str) -> str:
    return html.escape(NOT_XML.sub("", str(text or "")), quote=False)


def _absolute(url: str) -> str:
    return url if "://" in url else settings.SITE_URL + url


def _wp_date(value) -> str:
    if value is None:
        return "0000-00-00 00:00:00"
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def _status(post: Post) -> str:
    if post.status != Post.Status.PUBLISHED:
        return "draft"
    return "future" if post.is_scheduled else "publish"


def post_export_html(post: Post, images: dict[int, Image]) -> str:
    """Return a post's body as WordPress content: its HTML, each video a URL on its own line."""
    body = VIDEO_PLACEHOLDER.sub(
        lambda m: "\n\n" + html.unescape(m.group(1)) + "\n\n", post.body_html
    )

    def image_tag(match):
        image = images.get(int(match.group(1)))
        if image is None:
            return ""
        caption = f"<figcaption>{_text(image.caption)}</figcaption>" if image.caption else ""
        tag = f'<img src="{html.escape(_absolute(image.file.url))}" alt="{html.escape(image.alt)}">'
        return f"<figure>{tag}{caption}</figure>" if caption else tag

    body = IMAGE_PLACEHOLDER.sub(image_tag, body)
    body = SITE_PATH_ATTRIBUTE.sub(lambda m: f'{m.group(1)}{_absolute(m.group(2))}"', body)
    attached = [link.video.url for link in post.video_attachments.all()]
    if attached:
        body += "\n\n" + "\n\n".join(attached)
    return body.strip()


def wordpress_export(*, out) -> dict[str, int]:
    """Write the site to ``out`` (a text file) as WXR 1.2; return what was written, counted."""
    posts = list(
        Post.objects.select_related("author", "featured_image")
        .prefetch_related("tags", "video_attachments__video")
        .order_by("pk")
    )
    image_ids = {int(i) for p in posts for i in IMAGE_PLACEHOLDER.findall(p.body_html)}
    image_ids |= {p.featured_image_id for p in posts if p.featured_image_id}
    images = Image.objects.in_bulk(image_ids)
    # WordPress keeps posts and attachments in one table: attachments get ids after the posts'.
    attachment_base = (Post.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
    authors = get_user_model().objects.filter(pk__in={p.author_id for p in posts}).order_by("pk")
    tags = Tag.objects.filter(tagged_posts__isnull=False).distinct().order_by("name")
    comments: dict[int, list[ExportedComment]] = {}
    for _, found in wordpress_export_comments.send(sender=wordpress_export, posts=posts):
        for post_id, entries in (found or {}).items():
            comments.setdefault(post_id, []).extend(entries)
    write = out.write
    write('<?xml version="1.0" encoding="UTF-8" ?>\n')
    write(
        '<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"'
        ' xmlns:content="http://purl.org/rss/1.0/modules/content/"'
        ' xmlns:wfw="http://wellformedweb.org/CommentAPI/"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/"'
        f' xmlns:wp="{WP}">\n<channel>\n'
    )
    write(f"<title>{_text(settings.SITE_NAME)}</title>\n<link>{_text(settings.SITE_URL)}</link>\n")
    write(f"<description>{_text(settings.SITE_TAGLINE)}</description>\n")
    write("<language>en</language>\n")
    write(f"<wp:wxr_version>{WXR_VERSION}</wp:wxr_version>\n")
    write(f"<wp:base_site_url>{_text(settings.SITE_URL)}</wp:base_site_url>\n")
    write(f"<wp:base_blog_url>{_text(settings.SITE_URL)}</wp:base_blog_url>\n")
    for user in authors:
        write(
            f"<wp:author><wp:author_id>{user.pk}</wp:author_id>"
            f"<wp:author_login>{cdata(user.get_username())}</wp:author_login>"
            f"<wp:author_email>{cdata(user.email)}</wp:author_email>"
            f"<wp:author_display_name>{cdata(user.get_full_name() or user.get_username())}"
            "</wp:author_display_name>"
            f"<wp:author_first_name>{cdata(user.first_name)}</wp:author_first_name>"
            f"<wp:author_last_name>{cdata(user.last_name)}</wp:author_last_name></wp:author>\n"
        )
    for tag in tags:
        write(
            f"<wp:tag><wp:term_id>{tag.pk}</wp:term_id>"
            f"<wp:tag_slug>{cdata(quote(tag.slug, safe=''))}</wp:tag_slug>"
            f"<wp:tag_name>{cdata(tag.name)}</wp:tag_name>"
            f"<wp:tag_description>{cdata(tag.description)}</wp:tag_description></wp:tag>\n"
        )
    for post in posts:
        write(_post_item(post, images, attachment_base, comments.get(post.pk, [])))
    for post in posts:
        if post.featured_image_id and post.featured_image_id in images:
            write(_attachment_item(images[post.featured_image_id], post, attachment_base))
    write("</channel>\n</rss>\n")
    return {
        "posts": len(posts),
        "authors": len(authors),
        "tags": len(tags),
        "images": len(images),
        "comments": sum(len(entries) for entries in comments.values()),
    }


def _post_item(post: Post, images, attachment_base: int, comments) -> str:
    url = _absolute(post.get_absolute_url())
    date = _wp_date(post.published_at)
    parts = [
        "<item>",
        f"<title>{_text(post.title)}</title>",
        f"<link>{_text(url)}</link>",
        f"<dc:creator>{cdata(post.author.get_username())}</dc:creator>",
        f'<guid isPermaLink="false">{_text(url)}</guid>',
        "<description></description>",
        f"<content:encoded>{cdata(post_export_html(post, images))}</content:encoded>",
        f"<excerpt:encoded>{cdata(post.excerpt)}</excerpt:encoded>",
        f"<wp:post_id>{post.pk}</wp:post_id>",
        f"<wp:post_date>{cdata(date)}</wp:post_date>",
        f"<wp:post_date_gmt>{cdata(date)}</wp:post_date_gmt>",
        "<wp:comment_status>closed</wp:comment_status>",
        f"<wp:post_name>{cdata(quote(post.slug, safe='').lower())}</wp:post_name>",
        f"<wp:status>{cdata(_status(post))}</wp:status>",
        "<wp:post_parent>0</wp:post_parent>",
        "<wp:post_type>post</wp:post_type>",
        "<wp:post_password></wp:post_password>",
        "<wp:is_sticky>0</wp:is_sticky>",
    ]
    for tag in post.tags.all():
        parts.append(
            f'<category domain="post_tag" nicename="{html.escape(quote(tag.slug, safe=""))}">'
            f"{cdata(tag.name)}</category>"
        )
    if post.featured_image_id and post.featured_image_id in images:
        parts.append(_meta("_thumbnail_id", str(attachment_base + post.featured_image_id)))
    parts += [_comment(comment) for comment in comments]
    parts.append("</item>\n")
    return "\n".join(parts)


def _attachment_item(image: Image, post: Post, attachment_base: int) -> str:
    url = _absolute(image.file.url)
    return "\n".join(
        [
            "<item>",
            f"<title>{_text(image.alt_text or image.file.name)}</title>",
            f'<guid isPermaLink="false">{_text(url)}</guid>',
            f"<dc:creator>{cdata(post.author.get_username())}</dc:creator>",
            f"<wp:post_id>{attachment_base + image.pk}</wp:post_id>",
            f"<wp:post_date>{cdata(_wp_date(image.created_at))}</wp:post_date>",
            f"<wp:post_date_gmt>{cdata(_wp_date(image.created_at))}</wp:post_date_gmt>",
            f"<wp:post_name>{cdata('image-' + str(image.pk))}</wp:post_name>",
            "<wp:status>inherit</wp:status>",
            f"<wp:post_parent>{post.pk}</wp:post_parent>",
            "<wp:post_type>attachment</wp:post_type>",
            f"<wp:attachment_url>{cdata(url)}</wp:attachment_url>",
            _meta("_wp_attached_file", image.file.name),
            _meta("_wp_attachment_image_alt", image.alt),
            "</item>\n",
        ]
    )


def _comment(comment: ExportedComment) -> str:
    date = _wp_date(comment.date)
    return (
        f"<wp:comment><wp:comment_id>{comment.comment_id}</wp:comment_id>"
        f"<wp:comment_author>{cdata(comment.author)}</wp:comment_author>"
        f"<wp:comment_author_email>{cdata(comment.email)}</wp:comment_author_email>"
        f"<wp:comment_author_url>{cdata(comment.url)}</wp:comment_author_url>"
        f"<wp:comment_date>{cdata(date)}</wp:comment_date>"
        f"<wp:comment_date_gmt>{cdata(date)}</wp:comment_date_gmt>"
        f"<wp:comment_content>{cdata(comment.content)}</wp:comment_content>"
        "<wp:comment_approved>1</wp:comment_approved><wp:comment_type></wp:comment_type>"
        f"<wp:comment_parent>{comment.parent_id}</wp:comment_parent></wp:comment>"
    )


def _meta(key: str, value: str) -> str:
    return (
        f"<wp:postmeta><wp:meta_key>{cdata(key)}</wp:meta_key>"
        f"<wp:meta_value>{cdata(value)}</wp:meta_value></wp:postmeta>"
    )
