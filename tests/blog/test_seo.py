"""What search engines and link previews read: Open Graph, Twitter cards, JSON-LD."""

import json
import re

import pytest

from blog import seo
from blog.models import PostVideo
from videos.models import Video
from videos.services import video_get_or_create_from_url

pytestmark = pytest.mark.django_db


def meta(html: str, key: str) -> list[str]:
    return re.findall(rf'<meta (?:property|name)="{re.escape(key)}" content="([^"]*)">', html)


def json_ld(html: str) -> dict:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(blocks) == 1
    return json.loads(blocks[0])


@pytest.fixture
def essay(make_post):
    post = make_post(
        title="Walls that move",
        excerpt="How the room turns.",
        body="Intro.\n\nhttps://www.youtube.com/watch?v=dQw4w9WgXcQ\n\nEnd.",
        tags=["Jonathan Glazer", "1990s"],
    )
    inline = post.inline_videos.get()
    inline.title, inline.duration_seconds, inline.description = "Virtual Insanity", 3 * 60 + 50, ""
    inline.save()
    attached, _ = video_get_or_create_from_url(url="https://vimeo.com/76979871")
    attached.title = "Behind the scenes"
    attached.save()
    PostVideo.objects.create(post=post, video=attached)
    return post


def test_open_graph_and_twitter_tags(client, essay, settings):
    settings.SITE_URL = "https://closer.example"
    html = client.get(essay.get_absolute_url()).content.decode()
    url = "https://closer.example/posts/walls-that-move/"
    assert meta(html, "og:type") == ["article"]
    assert meta(html, "og:title") == ["Walls that move"]
    assert meta(html, "og:description") == ["How the room turns."]
    assert meta(html, "og:url") == [url]
    assert meta(html, "og:site_name") == ["Closer"]
    assert meta(html, "article:tag") == ["Jonathan Glazer", "1990s"]
    assert meta(html, "og:video") == ["https://www.youtube.com/watch?v=dQw4w9WgXcQ"]
    assert meta(html, "twitter:card") == ["summary"]  # no image yet
    assert f'<link rel="canonical" href="{url}">' in html
    assert meta(html, "og:image") == []


def test_featured_image_is_absolute_in_every_card(client, essay, settings, make_image):
    settings.SITE_URL = "https://closer.example"
    essay.featured_image = make_image(size=(1200, 630), alt_text="A grey room with a sofa")
    essay.save()
    html = client.get(essay.get_absolute_url()).content.decode()
    [image] = meta(html, "og:image")
    assert image.startswith("https://closer.example/media/") and image.endswith(".png")
    assert meta(html, "og:image:alt") == ["A grey room with a sofa"]
    assert meta(html, "og:image:width") == ["1200"] and meta(html, "og:image:height") == ["630"]
    assert meta(html, "twitter:card") == ["summary_large_image"]
    assert meta(html, "twitter:image") == [image]
    assert json_ld(html)["image"] == image


def test_json_ld_blog_posting_with_video_objects(client, essay):
    data = json_ld(client.get(essay.get_absolute_url()).content.decode())
    assert data["@context"] == "https://schema.org" and data["@type"] == "BlogPosting"
    assert data["headline"] == "Walls that move"
    assert data["url"] == "http://127.0.0.1:8000/posts/walls-that-move/"
    assert data["author"] == {
        "@type": "Person",
        "name": "Wren Writer",
        "url": "http://127.0.0.1:8000/authors/wren-writer/",
    }
    assert data["datePublished"] == essay.published_at.isoformat()
    assert data["keywords"] == ["Jonathan Glazer", "1990s"]
    inline, attached = data["video"]
    assert inline["@type"] == "VideoObject" and inline["name"] == "Virtual Insanity"
    assert inline["description"] == "Virtual Insanity"  # required by Google: falls back to name
    assert inline["embedUrl"].startswith("https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ")
    assert inline["duration"] == "PT3M50S"
    assert inline["uploadDate"] == essay.published_at.date().isoformat()
    assert attached["name"] == "Behind the scenes"
    assert attached["embedUrl"].startswith("https://player.vimeo.com/video/76979871")


def test_json_ld_cannot_be_broken_out_of(client, make_post):
    post = make_post(title="</script><script>alert(1)</script> & <!--")
    html = client.get(post.get_absolute_url()).content.decode()
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    assert "<" not in block and ">" not in block and "&" not in block.replace("\\u0026", "")
    assert json.loads(block)["headline"] == "</script><script>alert(1)</script> & <!--"


def test_other_pages_have_no_article_markup(client, essay):
    html = client.get("/").content.decode()
    assert "application/ld+json" not in html and meta(html, "og:type") == []


def test_helpers():
    assert Video(duration_seconds=3723).duration_iso8601 == "PT1H2M3S"
    assert Video(duration_seconds=59).duration_iso8601 == "PT59S"
    assert seo.absolute_url("/x/").endswith("/x/") and seo.absolute_url("/x/").startswith("http")
    assert seo.absolute_url("https://cdn.example/a.png") == "https://cdn.example/a.png"
