"""/sitemap.xml (an index) and its sitemap pages, checked against the sitemaps.org 0.9 schemas."""

from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from lxml import etree

from blog import sitemaps
from blog.models import PostVideo
from videos.models import Video

pytestmark = pytest.mark.django_db

QUALITY = Path(__file__).parents[1] / "quality"
SCHEMA = etree.XMLSchema(etree.parse(str(QUALITY / "sitemap.xsd")))
INDEX_SCHEMA = etree.XMLSchema(etree.parse(str(QUALITY / "siteindex.xsd")))
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def xml(client, address, schema):
    response = client.get(address)
    assert response.status_code == 200, address
    assert response["Content-Type"].startswith("application/xml")
    document = etree.fromstring(response.content)
    schema.assertValid(document)
    return document


def index(client) -> list[str]:
    """Return the addresses (path and query) the sitemap index names, in order."""
    document = xml(client, "/sitemap.xml", INDEX_SCHEMA)
    locations = [urlsplit(loc.text) for loc in document.findall("s:sitemap/s:loc", NS)]
    assert {f"{loc.scheme}://{loc.netloc}" for loc in locations} <= {settings.SITE_URL}
    return [loc.path + (f"?{loc.query}" if loc.query else "") for loc in locations]


def sitemap(client):
    """Return every address listed by every page the index names, with its lastmod."""
    urls = {}
    for address in index(client):
        document = xml(client, address, SCHEMA)
        for url in document.findall("s:url", NS):
            loc = url.findtext("s:loc", namespaces=NS)
            assert loc not in urls, f"{loc} listed twice"
            urls[loc] = url.findtext("s:lastmod", namespaces=NS)
    return urls


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


def test_the_index_is_valid_and_names_each_section_once_while_small(client, make_post):
    make_post(tags=["glazer"])
    assert index(client) == [
        "/sitemap-pages.xml",
        "/sitemap-posts.xml",
        "/sitemap-tags.xml",
        "/sitemap-archives.xml",
        "/sitemap-authors.xml",
    ]


def test_index_schema_rejects_what_crawlers_would(db):
    """The vendored index schema is not a rubber stamp either."""
    ns = b'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
    good = (
        b"<sitemapindex "
        + ns
        + b"><sitemap><loc>http://example.com/s.xml</loc></sitemap></sitemapindex>"
    )
    assert INDEX_SCHEMA.validate(etree.fromstring(good))
    for bad in (
        b"<sitemapindex " + ns + b"></sitemapindex>",
        b"<sitemapindex "
        + ns
        + b"><sitemap><lastmod>2025-01-01</lastmod></sitemap></sitemapindex>",
        b"<sitemapindex " + ns + b"><url><loc>http://example.com/s.xml</loc></url></sitemapindex>",
        b"<sitemapindex " + ns + b"><sitemap><loc>http://example.com/s.xml</loc>"
        b"<lastmod>yesterday</lastmod></sitemap></sitemapindex>",
    ):
        assert not INDEX_SCHEMA.validate(etree.fromstring(bad)), bad
    # A page of addresses is not an index.
    urlset = b"<urlset " + ns + b"><url><loc>http://example.com/</loc></url></urlset>"
    assert not INDEX_SCHEMA.validate(etree.fromstring(urlset))


@pytest.fixture
def small_pages(monkeypatch):
    """Pages of 2 addresses (and 2 essays a page of the video sitemap)."""
    monkeypatch.setattr(sitemaps.SiteSitemap, "limit", 2)
    monkeypatch.setattr(sitemaps, "VIDEO_SITEMAP_PAGE_SIZE", 2)


def test_a_big_section_is_split_into_pages_the_index_names(
    client, make_post, draft, scheduled, small_pages
):
    posts = [make_post(title=f"Essay {n}", tags=[f"t{n}"]) for n in range(5)]
    addresses = index(client)
    for section in ("posts", "tags"):
        assert [a for a in addresses if a.startswith(f"/sitemap-{section}.xml")] == [
            f"/sitemap-{section}.xml",
            f"/sitemap-{section}.xml?p=2",
            f"/sitemap-{section}.xml?p=3",
        ]
    urls = sitemap(client)  # every page valid, no address twice
    for post in posts:
        assert "http://127.0.0.1:8000" + post.get_absolute_url() in urls
    assert not any(draft.slug in u or scheduled.slug in u for u in urls)
    # Paginator rules: past the end or not a number is a 404, as on every list.
    for odd in ("4", "0", "x", "-1", "2.5"):
        assert client.get("/sitemap-posts.xml", {"p": odd}).status_code == 404
    assert client.get("/sitemap-nothing.xml").status_code == 404


def test_the_video_sitemap_is_paged_and_named_by_the_index(client, make_post, draft, small_pages):
    posts = []
    for n in range(3):
        post = make_post(title=f"Essay {n}", body=f"https://youtu.be/inl{n:08d}")
        Video.objects.filter(video_id=f"inl{n:08d}").update(title=f"Video {n}", poster_file="p.jpg")
        posts.append(post)
    draft.body = "https://youtu.be/secret00000"
    draft.save()
    Video.objects.filter(video_id="secret00000").update(poster_file="p.jpg")
    make_post(title="No poster", body="https://youtu.be/noposter000")
    cache.clear()
    addresses = index(client)
    assert addresses[-2:] == ["/videos/sitemap.xml", "/videos/sitemap.xml?p=2"]
    listed = []
    for address in addresses[-2:]:
        document = xml(client, address, SCHEMA)
        listed += [loc.text for loc in document.findall("s:url/s:loc", NS)]
    # Newest first, only essays with a video that has a poster, never a draft.
    assert listed == ["http://127.0.0.1:8000" + post.get_absolute_url() for post in posts[::-1]]
    assert client.get("/videos/sitemap.xml", {"p": "3"}).status_code == 404
    assert client.get("/videos/sitemap.xml", {"p": "x"}).status_code == 404


def test_an_empty_section_is_left_out_of_the_index(client, db):
    # An empty <urlset> is invalid: an empty site's index names the fixed pages alone.
    assert index(client) == ["/sitemap-pages.xml"]


# Each page's queries, exact and the same whatever the number of essays: the index counts the
# sections that can outgrow a page and reads nothing else; a page reads its own items alone.
# Every count starts with the page cache's content-version read.
SITEMAP_PAGES = {
    # version, posts count, tags count, series, whether archives and authors have an essay
    # (the same question, asked twice), the video sitemap's count
    "/sitemap.xml": 7,
    "/sitemap-pages.xml": 1,
    # version, count, the page (slug and updated_at only)
    "/sitemap-posts.xml": 3,
    "/sitemap-posts.xml?p=2": 3,
    "/sitemap-tags.xml": 3,
    # version, the series with published parts
    "/sitemap-series.xml": 2,
    # version, years, months
    "/sitemap-archives.xml": 3,
    # version, count, the authors with a published essay (profiles joined)
    "/sitemap-authors.xml": 3,
    # version, count, the page of essays (title, slug, excerpt), their inline and attached videos
    "/videos/sitemap.xml": 5,
    "/videos/sitemap.xml?p=2": 5,
}


@pytest.mark.parametrize("size", [5, 12])
def test_query_count_of_every_sitemap_page(
    client, make_post, small_pages, size, django_assert_num_queries
):
    for n in range(size):
        post = make_post(
            title=f"Essay {n}", tags=[f"t{n}", "common"], body=f"https://youtu.be/inl{n:08d}"
        )
        attached = Video.objects.create(
            url=f"https://youtu.be/att{n:08d}",
            provider="youtube",
            video_id=f"att{n:08d}",
            poster_file="a.jpg",
        )
        PostVideo.objects.create(post=post, video=attached)
    Video.objects.update(poster_file="p.jpg")
    for address, expected in SITEMAP_PAGES.items():
        cache.clear()
        with django_assert_num_queries(expected, info=address):
            response = client.get(address)
        assert response.status_code == 200, address
