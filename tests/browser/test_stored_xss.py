"""Stored XSS: hostile text in every author-controlled field, opened in chromium on every page,
feed and admin view that shows it. A dialog, an element with an injected handler or a request
to the attacker's host fails the test (RequestLog blocks and records every non-local request).

Named cases of peer CMSs' advisories:
- Wagtail CVE-2020-11001: revision diff and preview escaping (the revisions page, preview).
- Wagtail CVE-2020-15118: help texts and captions (image and video captions, tag descriptions).
- Wagtail CVE-2021-29434: link schemes checked server-side (`javascript:` links in the body).
- Wagtail CVE-2023-28836: hostile titles in admin changelists and messages.
- Django CVE-2019-12308: `javascript:` in the admin URL widget (the video URL field included).
"""

import re
from html.parser import HTMLParser
from xml.etree import ElementTree

import pytest
from django.test import Client

from blog import services
from blog.models import PendingChange, Post, PostVideo, Tag
from videos.models import Video, VideoChapter

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ATTACKER = "attacker.example"


class DangerousMarkup(HTMLParser):
    """What a reader's HTML would run: script-like elements, handlers, script-scheme links."""

    def __init__(self, fragment):
        super().__init__()
        self.found = []
        self.feed(fragment)

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "svg", "iframe", "object", "embed", "math"):
            self.found.append(tag)
        for name, value in attrs:
            scheme = (value or "").strip().lower()
            if name.startswith("on") or (
                name in ("href", "src", "data", "action", "formaction")
                and scheme.startswith(("javascript:", "vbscript:", "data:"))
            ):
                self.found.append(f"{tag} {name}={value}")


PAYLOADS = [
    f"<img src=//{ATTACKER}/i.png onerror=alert(1)>",
    f'"><svg onload=alert(2)><img src="//{ATTACKER}/q.png">',
    "'><script>alert(3)</script>",
    '" autofocus onfocus=alert(4) x="',
]
HOSTILE = " ".join(PAYLOADS)
HOSTILE_SHORT = PAYLOADS[0][:90]
BODY_MARKDOWN = (
    f"{HOSTILE}\n\n[click](javascript:alert(5)) [data](data:text/html,<script>alert(6)</script>)"
    f'\n\n<a href="javascript:alert(7)">raw</a>\n\n## {PAYLOADS[1]}\n\nhttps://youtu.be/dQw4w9WgXcQ\n'
)
BODY_HTML = (
    f'<p>{PAYLOADS[0]}</p><a href="jAvAsCrIpT:alert(8)">x</a><a href="&#106;avascript:alert(9)">y</a>'
    f'<iframe src="//{ATTACKER}/f"></iframe><object data="//{ATTACKER}/o"></object>'
    '<p style="background:url(javascript:alert(10))">s</p><math><mi xlink:href="javascript:alert(11)">m</mi></math>'
)


@pytest.fixture
def hostile_site(admin_user, make_post, make_image):
    image = make_image(alt_text=HOSTILE_SHORT, caption=HOSTILE[:480], credit=HOSTILE_SHORT)
    markdown = make_post(
        title=HOSTILE[:190],
        excerpt=HOSTILE,
        body=BODY_MARKDOWN,
        featured_image=image,
        author=admin_user,
        tags=[],
    )
    html = make_post(
        title=f"HTML {HOSTILE_SHORT}", body=BODY_HTML, body_format="html", author=admin_user
    )
    tag = Tag.objects.create(name="Hostile onerror tag", description=HOSTILE)
    markdown.tags.add(tag, "plain")
    html.tags.add(tag)
    video = Video.objects.get(video_id="dQw4w9WgXcQ")
    Video.objects.filter(pk=video.pk).update(
        title=HOSTILE[:290], author_name=HOSTILE_SHORT, artist=HOSTILE_SHORT,
        director=HOSTILE_SHORT, description=HOSTILE,
    )  # fmt: skip
    VideoChapter.objects.create(video=video, start_seconds=10, title=HOSTILE[:190])
    attached = Video.objects.create(
        url="javascript:alert(12)//https://vimeo.com/1", provider="vimeo", video_id="123456",
        title=HOSTILE_SHORT,
    )  # fmt: skip
    PostVideo.objects.create(post=markdown, video=attached, caption=HOSTILE[:480])
    PendingChange.objects.create(
        post=markdown, title=f"Pending {HOSTILE_SHORT}", slug=markdown.slug, excerpt=HOSTILE,
        body=BODY_MARKDOWN + "\n\nMore " + PAYLOADS[2], body_format="markdown",
        created_by=admin_user, tag_names=[HOSTILE_SHORT[:50]],
    )  # fmt: skip
    draft = make_post(
        title=f"Draft {HOSTILE_SHORT}", body=BODY_MARKDOWN, status=Post.Status.DRAFT,
        published_at=None, author=admin_user,
    )  # fmt: skip
    markdown.title = f"Edited {HOSTILE[:150]}"
    services.post_save(post=markdown, user=admin_user)  # a second revision to diff
    return {"markdown": markdown, "html": html, "tag": tag, "video": video, "image": image,
            "attached": attached, "draft": draft}  # fmt: skip


class Attack:
    def __init__(self, page):
        self.page = page
        self.dialogs = []
        page.on("dialog", self._dialog)

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def visit(self, url):
        response = self.page.goto(url)
        assert response is not None and response.status < 500, url
        self.page.wait_for_timeout(150)
        injected = self.page.evaluate(
            "() => [...document.querySelectorAll('[onerror],[onload],[onfocus],script:not([src]):not([type=\"application/ld+json\"])')]"
            ".filter(e => e.tagName !== 'SCRIPT' || /alert\\(/.test(e.textContent))"
            ".map(e => e.outerHTML.slice(0, 120))"
        )
        assert not injected, (url, injected)
        links = self.page.evaluate(
            "() => [...document.querySelectorAll('a[href],iframe[src],object[data]')]"
            ".map(e => e.getAttribute('href') || e.getAttribute('src') || e.getAttribute('data'))"
            ".filter(h => /^\\s*(javascript|data|vbscript):/i.test(h))"
        )
        assert not links, (url, links)
        assert not self.dialogs, (url, self.dialogs)
        attacker = [u for u in self.page.requests.third_party if ATTACKER in u]
        assert not attacker, (url, attacker)


def _log_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value,
          "url": live_server.url}]
    )  # fmt: skip


def test_reader_pages_and_feeds_escape_every_author_field(page, live_server, hostile_site, client):
    attack = Attack(page)
    site = hostile_site
    urls = [
        "/", "/tags/", f"/tags/{site['tag'].slug}/", f"/tags/{site['tag'].slug}+plain/",
        site["markdown"].get_absolute_url(), site["html"].get_absolute_url(), "/archive/",
        f"/{site['markdown'].published_at:%Y}/", "/authors/admin/", "/videos/",
        site["video"].get_absolute_url(), f"/search/?q={HOSTILE_SHORT}", "/search/?q=onerror",
    ]  # fmt: skip
    for url in urls:
        attack.visit(live_server.url + url)
    # Feeds (view-source is enough): what a feed reader renders as HTML (RSS description, Atom
    # summary and content) holds no markup of the attacker's; sitemaps stay well-formed XML.
    for url in ["/feed/", "/feed/atom/", f"/tags/{site['tag'].slug}/feed/"]:
        root = ElementTree.fromstring(client.get(url).content)
        fragments = [
            element.text or ""
            for element in root.iter()
            if element.tag.rsplit("}", 1)[-1] in ("description", "summary", "content")
        ]
        assert fragments, url
        for fragment in fragments:
            assert not DangerousMarkup(fragment).found, (url, DangerousMarkup(fragment).found)
    for url in ["/sitemap.xml", "/videos/sitemap.xml"]:
        ElementTree.fromstring(client.get(url).content)


def test_admin_views_escape_every_author_field(page, live_server, hostile_site, admin_user):
    """CVE-2023-28836 (changelists, messages), CVE-2020-11001 (revisions, preview),
    CVE-2020-15118 (help texts, captions), CVE-2019-12308 (URL widget)."""
    attack = Attack(page)
    _log_in(page, live_server, admin_user)
    site = hostile_site
    post = site["markdown"]
    urls = [
        "/admin/", "/admin/blog/post/", f"/admin/blog/post/?q={HOSTILE_SHORT}",
        f"/admin/blog/post/{post.pk}/change/", f"/admin/blog/post/{post.pk}/revisions/",
        f"/admin/blog/post/{post.pk}/review/", f"/admin/blog/post/{site['html'].pk}/change/",
        f"/admin/blog/post/{post.pk}/history/", f"/admin/blog/post/{post.pk}/delete/",
        "/admin/blog/tag/", f"/admin/blog/tag/{site['tag'].pk}/change/",
        "/admin/blog/image/", f"/admin/blog/image/{site['image'].pk}/change/",
        "/admin/videos/video/", f"/admin/videos/video/{site['video'].pk}/change/",
        f"/admin/videos/video/{site['attached'].pk}/change/",
        "/admin/blog/post/image-picker/?q=onerror", "/admin/blog/post/tag-suggestions/?q=Hostile",
        site["draft"].get_absolute_url(),  # the staff preview of a draft
    ]  # fmt: skip
    for url in urls:
        attack.visit(live_server.url + url)

    # Messages: saving a post with a hostile title shows it in the success message.
    attack.visit(live_server.url + f"/admin/blog/post/{site['html'].pk}/change/")
    page.fill("#id_title", f"Saved {PAYLOADS[1]}")
    page.click("button[name=_publish]")  # the desk's Publish / Update
    page.wait_for_load_state()
    attack.visit(page.url)
    assert "Saved" in page.content()

    # Preview (CVE-2020-11001): the body rendered by the preview endpoint in the form.
    html = page.evaluate(
        """async () => {
            const token = document.querySelector('[name=csrfmiddlewaretoken]').value;
            const data = new FormData();
            data.append('body', document.querySelector('#id_body').value);
            data.append('body_format', 'html');
            const r = await fetch('/admin/blog/post/preview/', {method: 'POST', body: data,
                headers: {'X-CSRFToken': token}});
            return (await r.json()).html;
        }"""
    )
    assert "onerror" not in html and "javascript:" not in html.lower()

    # CVE-2019-12308 / CVE-2021-29434: the URL widget links only http(s); the server refuses
    # a javascript: video URL outright.
    attack.visit(live_server.url + f"/admin/videos/video/{site['attached'].pk}/change/")
    hrefs = page.evaluate("() => [...document.querySelectorAll('a')].map(a => a.href)")
    assert not [h for h in hrefs if h.lower().startswith("javascript:")]
    assert not re.search(r'href="\s*javascript:', page.content(), re.I)
