"""What search engines and social sites read: absolute URLs, Open Graph, JSON-LD."""

import json
from urllib.parse import urlsplit

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from blog.models import author_profile_for

# The same escapes as django.utils.html.json_script: no "</script>" or "<!--" can close the
# element early, whatever an author typed into a title.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def absolute_url(url: str) -> str:
    """Return url on the site's public address (settings.SITE_URL) unless it is absolute."""
    if not url or urlsplit(url).scheme:
        return url
    if url.startswith("//"):
        return f"{urlsplit(settings.SITE_URL).scheme}:{url}"
    return settings.SITE_URL + ("" if url.startswith("/") else "/") + url


def tag_uri_authority() -> str:
    """Return the host name that feed ids are minted under (FEED_ID_DOMAIN, else SITE_URL's)."""
    pinned = settings.FEED_ID_DOMAIN
    return pinned or urlsplit(settings.SITE_URL).hostname or "localhost"


def post_tag_uri(post) -> str:
    """Return an id for post that survives edits, slug changes and retitling (RFC 4151)."""
    return f"tag:{tag_uri_authority()},{post.created_at:%Y-%m-%d}:post:{post.pk}"


def author_name(user) -> str:
    """Return the name readers see for user: their profile's display name, never the login."""
    return author_profile_for(user).display_name


def author_url(user) -> str:
    return absolute_url(author_profile_for(user).get_absolute_url())


def featured_image_url(post) -> str:
    """Return the featured image's cleaned original as an absolute URL, or ""."""
    image = post.featured_image
    return absolute_url(image.file.url) if image and image.file else ""


def video_poster_url(video) -> str:
    """Return our own copy of the poster, else the provider's (crawlers fetch it, not readers)."""
    return video.poster_absolute_url or video.remote_poster_url or video.ref.poster_url or ""


def video_object(video, fallback_date=None) -> dict:
    """Return a schema.org VideoObject for a video."""
    data = {
        "@type": "VideoObject",
        "name": video.display_title,
        "description": video.description or video.display_title,
        "url": video.ref.watch_url(),
    }
    if video.embed_url:  # none yet for a Bandcamp track whose player id is not fetched
        data["embedUrl"] = video.embed_url
    if thumbnail := video_poster_url(video):
        data["thumbnailUrl"] = thumbnail
    upload_date = video.upload_date or fallback_date
    if upload_date:
        data["uploadDate"] = upload_date.isoformat()
    if video.duration_seconds:
        data["duration"] = video.duration_iso8601
    if video.width and video.height:
        data["width"], data["height"] = video.width, video.height
    if video.source_url:
        data["contentUrl"] = video.source_url
    if video.author_name:
        data["author"] = {"@type": "Person", "name": video.author_name}
    return data


# Search engines want an end for each key moment; a bare timecode gets this much.
MOMENT_DEFAULT_LENGTH = 30


def video_clips(video, moments) -> list[dict]:
    """Return schema.org Clips ("key moments") for the moments an essay cites in video."""
    duration = video.duration_seconds
    clips, seen = [], set()
    for moment in moments:
        start = moment.start_seconds
        end = moment.end_seconds or start + MOMENT_DEFAULT_LENGTH
        if duration:
            if start >= duration:
                continue
            end = min(end, duration)
        if (start, end) in seen:
            continue
        seen.add((start, end))
        clips.append(
            {
                "@type": "Clip",
                "name": moment.excerpt or f"At {moment.label}",
                "startOffset": start,
                "endOffset": end,
                "url": video.ref.watch_url(start=start),
            }
        )
    return clips


def series_reference(series) -> dict:
    """Return a schema.org CreativeWorkSeries naming a series (a part's ``isPartOf``)."""
    return {
        "@type": "CreativeWorkSeries",
        "name": series.title,
        "url": absolute_url(series.get_absolute_url()),
    }


def series_json_ld(series, page) -> dict:
    """Return a schema.org CreativeWorkSeries for a series page, with the parts it lists."""
    data = {"@context": "https://schema.org", **series_reference(series)}
    if series.summary:
        data["description"] = series.summary
    if series.picture and series.picture.file:
        data["image"] = absolute_url(series.picture.file.url)
    data["hasPart"] = [
        {
            "@type": "BlogPosting",
            "headline": post.title,
            "url": absolute_url(post.get_absolute_url()),
            "position": page.start_index() + n,
        }
        for n, post in enumerate(page.object_list)
    ]
    return data


def post_json_ld(post, series_nav=None) -> dict:
    """Return a schema.org BlogPosting for a post, with a VideoObject per video.

    A part of a series says so (``isPartOf``, and its ``position`` among the published parts).
    """
    url = absolute_url(post.get_absolute_url())
    data = {
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "headline": post.title,
        "description": post.summary,
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "author": {
            "@type": "Person",
            "name": author_name(post.author),
            "url": author_url(post.author),
        },
        "publisher": {
            "@type": "Organization",
            "name": settings.SITE_NAME,
            "url": settings.SITE_URL,
        },
        "dateModified": post.updated_at.isoformat(),
        "keywords": [tag.name for tag in post.tags.all()],
    }
    if post.published_at:
        data["datePublished"] = post.published_at.isoformat()
    if series_nav is not None:
        data["isPartOf"] = series_reference(series_nav.series)
        data["position"] = series_nav.number
    if post.featured_image:
        data["image"] = featured_image_url(post)
    videos = post.shown_videos()
    if videos:
        published = post.published_at.date() if post.published_at else None
        moments = post.shot_list()
        data["video"] = []
        for video in videos:
            entry = video_object(video, published)
            if clips := video_clips(video, [m for m in moments if m.video_id == video.pk]):
                entry["hasPart"] = clips
            data["video"].append(entry)
    return data


def json_ld_script(data: dict) -> SafeString:
    """Return data as a <script type="application/ld+json"> element, safely escaped."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(text.translate(_JSON_SCRIPT_ESCAPES)),
    )


def post_social(post) -> dict:
    """Return what the Open Graph and Twitter card tags of a post page say."""
    videos = post.shown_videos()
    return {
        "type": "article",
        "title": post.title,
        "description": post.summary,
        "url": absolute_url(post.get_absolute_url()),
        "image": featured_image_url(post),
        "image_alt": post.featured_image.alt if post.featured_image else "",
        "image_width": post.featured_image.width if post.featured_image else "",
        "image_height": post.featured_image.height if post.featured_image else "",
        "published": post.published_at.isoformat() if post.published_at else "",
        "modified": post.updated_at.isoformat(),
        "author": author_name(post.author),
        "tags": [tag.name for tag in post.tags.all()],
        # The watch page, not the player: a link preview loads nothing from us either way.
        "video": videos[0].ref.watch_url() if videos else "",
    }
