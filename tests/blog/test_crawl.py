"""Crawl every public URL the site can produce; nothing of a hidden essay may show, nothing 5xx.

Hidden: a draft, a scheduled post and an unpublished (once published) post, each with its own
title word, slug, tag, embedded video (with a title and a chapter), attached video caption and
featured image (alt text, caption, file name). Published essays share tags with them so every
listing, tag combination, feed and sitemap has something to show. The crawl starts from the
home page, the sitemaps, feeds, robots.txt and every listing, follows every same-origin link it
finds (bounded), and adds every pair of tags it sees (a+b and a/without/b). Run on both
databases (`make test` runs the suite on SQLite and PostgreSQL).
"""

import re
from collections import deque
from datetime import timedelta
from html import unescape
from urllib.parse import urljoin, urlsplit

import pytest
from django.conf import settings
from django.utils import timezone

from blog import services
from blog.models import Post, PostVideo, Series
from videos.models import Video, VideoChapter

pytestmark = pytest.mark.django_db

MAX_URLS = 1500
LINK = re.compile(
    r"""\b(href|src|srcset|content|action)\s*=\s*["']([^"']+)["']|<(?:loc|link|id)>([^<]+)<"""
)
TAG_LINK = re.compile(r"/tags/([^/?#]+)/")

# Each hidden post's unique marks: any of them in any answer is a leak.
HIDDEN = {
    "draft": {"word": "Zorblax", "video": "zorblax0001", "tag": "zorblaxtag"},
    "scheduled": {"word": "Quuxian", "video": "quuxian0002", "tag": "quuxiantag"},
    "unpublished": {"word": "Vexilloid", "video": "vexilloid03", "tag": "vexilloidtag"},
}


def _hidden_post(make_post, make_image, kind, marks, shared_tag):
    word = marks["word"]
    image = make_image(
        name=f"{word.lower()}-cover",
        alt_text=f"{word} alt",
        caption=f"{word} caption",
        color="navy",
    )
    fields = {
        "title": f"The {word} essay",
        "slug": f"{word.lower()}-essay",
        "excerpt": f"{word} excerpt.",
        "body": f"{word} body.\n\nhttps://youtu.be/{marks['video']}\n",
        "featured_image": image,
        "tags": [marks["tag"], shared_tag],
    }
    if kind == "draft":
        fields.update(status=Post.Status.DRAFT, published_at=None)
    elif kind == "scheduled":
        fields.update(published_at=timezone.now() + timedelta(days=3))
    post = make_post(**fields)
    if kind == "unpublished":
        services.posts_unpublish(posts=Post.objects.filter(pk=post.pk))
    video = Video.objects.get(video_id=marks["video"])
    Video.objects.filter(pk=video.pk).update(title=f"{word} video", author_name=f"{word} channel")
    VideoChapter.objects.create(video=video, start_seconds=30, title=f"{word} chapter")
    attached, _ = Video.objects.get_or_create(
        provider="vimeo",
        video_id=str(sum(map(ord, word)) * 1000003),
        defaults={"url": "https://vimeo.com/1", "title": f"{word} attached"},
    )
    PostVideo.objects.create(post=post, video=attached, caption=f"{word} attached caption")
    return post


@pytest.fixture
def site(make_post, make_image, make_user):
    other = make_user(username="second", first_name="Sam")
    published = []
    for n, tags in enumerate([["shared", "effects"], ["shared", "music"], ["effects"]]):
        extra = {"author": other} if n == 2 else {}
        post = make_post(
            title=f"Public essay {n}",
            body=f"Public body {n}.\n\nhttps://youtu.be/public{n:04d}x\n",
            tags=tags,
            featured_image=make_image(name=f"public-{n}", alt_text=f"Public picture {n}"),
            **extra,
        )
        published.append(post)
    Video.objects.filter(video_id__startswith="public").update(title="Public video")
    hidden = {
        kind: _hidden_post(
            make_post, make_image, kind, marks, "shared" if kind != "draft" else "music"
        )
        for kind, marks in HIDDEN.items()
    }
    # A series with public and hidden parts, and one whose only part is the draft.
    shared = Series.objects.create(title="Public series", slug="public-series")
    for number, post in enumerate([published[0], *hidden.values(), published[1]], start=1):
        Post.objects.filter(pk=post.pk).update(series=shared, series_part=number)
    secret = Series.objects.create(title="Zorblax series", slug="zorblax-series")
    Post.objects.filter(pk=hidden["draft"].pk).update(series=secret, series_part=1)
    return {"published": published, "hidden": hidden, "series": shared}


def _secrets(site):
    secrets = set()
    for kind, post in site["hidden"].items():
        marks = HIDDEN[kind]
        secrets |= {marks["word"], marks["word"].lower(), marks["video"], marks["tag"], post.slug}
        secrets.add(post.featured_image.file.name.rsplit("/", 1)[-1].rsplit(".", 1)[0])
        secrets.add(post.video_attachments.get().video.video_id)
    return secrets


def _same_origin(url):
    parts = urlsplit(url)
    if parts.scheme and parts.scheme not in ("http", "https"):
        return None
    if parts.netloc and parts.netloc not in {"testserver", urlsplit(settings.SITE_URL).netloc}:
        return None
    path = parts.path or "/"
    if path.startswith(("/admin/", "/static/")):
        return None
    return path + (f"?{parts.query}" if parts.query else "")


def _links(base, text):
    for match in LINK.finditer(text):
        attribute, value = match.group(1), unescape(match.group(2) or match.group(3) or "")
        for candidate in value.split(","):  # srcset: "url 480w, url 960w"
            candidate = candidate.strip().split(" ")[0]
            # A meta tag's content is a URL only when it looks like one; an href always is.
            looks_like_url = candidate.startswith(("/", "http://", "https://", "?"))
            if not candidate or (attribute in ("content", None) and not looks_like_url):
                continue
            local = _same_origin(urljoin(base, candidate))
            if local:
                yield local


def _crawl(client, start):
    seen, queue, answers, tags = set(), deque(start), {}, set()
    while queue and len(seen) < MAX_URLS:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code in (301, 302):
            queue.append(_same_origin(urljoin(url, response["Location"])) or "/")
        if response.get("Content-Type", "").startswith("image/") or url.startswith("/media/"):
            answers[url] = (response.status_code, "")
            continue
        text = (
            b"".join(response.streaming_content).decode(errors="replace")
            if getattr(response, "streaming", False)
            else response.content.decode(errors="replace")
        )
        answers[url] = (response.status_code, text)
        for link in _links(url, text):
            if link not in seen:
                queue.append(link)
            for match in TAG_LINK.finditer(link):
                tags.update(match.group(1).split("+"))
        # Every pair of tags seen so far: a+b, a without b, and their feeds.
        if not queue:
            for a in sorted(tags):
                for b in sorted(tags):
                    if a < b:
                        for combo in (
                            f"/tags/{a}+{b}/",
                            f"/tags/{a}/without/{b}/",
                            f"/tags/{a}+{b}/feed/",
                            f"/tags/{a}/without/{b}/feed/atom/",
                        ):
                            if combo not in seen:
                                queue.append(combo)
    return answers


def test_no_trace_of_hidden_posts_on_any_public_url(client, site):
    secrets = _secrets(site)
    start = [
        "/",
        "/sitemap.xml",
        "/videos/sitemap.xml",
        "/robots.txt",
        "/feed/",
        "/feed/atom/",
        "/tags/",
        "/archive/",
        "/videos/",
        "/series/",
        "/series/zorblax-series/",
        "/series/zorblax-series/feed/",
        "/authors/writer/",
        "/authors/second/",
    ]
    start += [f"/search/?q={secret}" for secret in sorted(secrets)]
    start += [f"/tags/shared/?page={n}" for n in (1, 2)]
    answers = _crawl(client, start)

    assert len(answers) > 100, len(answers)  # the crawl really went places
    errors = {url: status for url, (status, _) in answers.items() if status >= 500}
    assert not errors
    leaks = {}
    for url, (_, text) in answers.items():
        if url.startswith("/search/"):
            # The search page shows what was asked for; anything else of a hidden post is a leak.
            text = text.replace(url.partition("q=")[2], "")
        if found := sorted(s for s in secrets if s in text):
            leaks[url] = found
    assert not leaks
    # Every published post, tag and video page was found and answered.
    for post in site["published"]:
        assert answers.get(post.get_absolute_url(), (0,))[0] == 200
    assert answers["/tags/effects+shared/"][0] == 200
    for url in ("/series/public-series/", "/series/public-series/feed/atom/"):
        assert answers.get(url, (0,))[0] == 200, url
    assert "Part 2 of 2" in answers[published_url(site, 1)][1]
    assert answers["/series/zorblax-series/"][0] == 404
    assert any(url.startswith("/videos/youtube/public") for url in answers)


def published_url(site, n):
    return site["published"][n].get_absolute_url()


@pytest.mark.parametrize("kind", sorted(HIDDEN))
def test_hidden_posts_own_urls_answer_404_without_a_trace(client, site, kind):
    post, marks = site["hidden"][kind], HIDDEN[kind]
    secrets = _secrets(site)
    for url in [
        f"/posts/{post.slug}/",
        f"/tags/{marks['tag']}/",
        f"/tags/{marks['tag']}/feed/",
        f"/tags/shared+{marks['tag']}/",
        f"/videos/youtube/{marks['video']}/",
        f"/videos/vimeo/{post.video_attachments.get().video.video_id}/",
    ]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert not [s for s in secrets if s in response.content.decode()], url
