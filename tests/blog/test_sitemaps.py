"""/sitemap.xml, checked against the sitemaps.org 0.9 schema."""

from datetime import datetime
from pathlib import Path

import pytest
from django.utils import timezone
from lxml import etree

pytestmark = pytest.mark.django_db

SCHEMA = etree.XMLSchema(etree.parse(str(Path(__file__).parents[1] / "quality" / "sitemap.xsd")))
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def sitemap(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    document = etree.fromstring(response.content)
    SCHEMA.assertValid(document)
    return {
        url.findtext("s:loc", namespaces=NS): url.findtext("s:lastmod", namespaces=NS)
        for url in document.findall("s:url", NS)
    }


def test_lists_posts_with_lastmod_tags_archives_and_authors(client, make_post, draft, scheduled):
    post = make_post(tags=["glazer"], published_at=timezone.make_aware(datetime(2025, 11, 3)))
    draft.tags.set(["secret-tag"])
    urls = sitemap(client)
    site = "http://127.0.0.1:8000"
    assert urls[site + post.get_absolute_url()] == f"{post.updated_at:%Y-%m-%d}"
    for path in ["/", "/tags/", "/archive/", "/tags/glazer/", "/2025/", "/2025/11/"]:
        assert site + path in urls, path
    assert site + "/authors/wren-writer/" in urls
    assert not any(draft.slug in u or scheduled.slug in u or "secret-tag" in u for u in urls)


def test_addresses_use_the_public_site_url(client, make_post, settings):
    settings.SITE_URL = "https://closer.example"
    post = make_post()
    assert "https://closer.example" + post.get_absolute_url() in sitemap(client)


def test_empty_site_is_still_valid(client, db):
    assert set(sitemap(client)) == {
        "http://127.0.0.1:8000/",
        "http://127.0.0.1:8000/tags/",
        "http://127.0.0.1:8000/archive/",
    }


def test_schema_rejects_what_crawlers_would(client, db):
    """The vendored schema is not a rubber stamp."""
    bad = (
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url>'
        b"<lastmod>2025-01-01</lastmod><loc>http://example.com/</loc></url></urlset>"
    )
    assert not SCHEMA.validate(etree.fromstring(bad))
    bad_freq = bad.replace(
        b"<lastmod>2025-01-01</lastmod><loc>http://example.com/</loc>",
        b"<loc>http://example.com/</loc><changefreq>sometimes</changefreq>",
    )
    assert not SCHEMA.validate(etree.fromstring(bad_freq))


def test_query_count(client, make_post, django_assert_max_num_queries):
    for n in range(5):
        make_post(tags=[f"t{n}"])
    # +1: the content version read by blog.page_cache for every anonymous reader page
    # +1: the series with published parts
    with django_assert_max_num_queries(10):
        sitemap(client)
