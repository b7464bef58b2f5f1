"""Odd input never answers 500: page numbers on every list, NUL bytes in paths and queries.

Run on both databases: PostgreSQL refuses NUL in a string literal where SQLite does not.
"""

import pytest

pytestmark = pytest.mark.django_db

ODD_PAGES = ["²", "³", "¹", "abc", "-1", "0", "1.5", "99", "9" * 30, "%00", "1e3"]


@pytest.fixture
def site(make_post, make_user):
    """A published post with a tag and a known year, and an active author."""
    from datetime import datetime

    from django.utils import timezone

    return make_post(tags=["effects"], published_at=timezone.make_aware(datetime(2025, 5, 5)))


LISTS = [
    "/",
    "/tags/effects/",
    "/tags/effects/without/nope-not-here/",  # unknown exclusion: a 404 anyway
    "/2025/",
    "/2025/05/",
    "/authors/wren-writer/",
    "/videos/",
]


@pytest.mark.parametrize("page", ODD_PAGES)
@pytest.mark.parametrize("url", LISTS)
def test_an_odd_or_past_the_end_page_is_a_404_on_every_list(client, site, url, page):
    response = client.get(url, {"page": page if page != "%00" else "\x00"})
    assert response.status_code == 404


@pytest.mark.parametrize("url", LISTS[:2] + LISTS[3:])
def test_the_first_page_of_every_list_answers(client, site, url):
    assert client.get(url, {"page": "1"}).status_code == 200


@pytest.mark.parametrize("page", ["²", "³", "abc", "-1", "0", "99", "9" * 30])
def test_odd_sitemap_pages_are_404(client, site, page):
    assert client.get("/sitemap.xml", {"p": page}).status_code == 404


@pytest.mark.parametrize("page", ["²", "³", "¹", "abc"])
@pytest.mark.parametrize(
    "url",
    [
        "/admin/login/",
        "/tags/",
        "/archive/",
        "/search/?q=x",
        "/posts/missing/",
        "/nope/",
        "/videos/sitemap.xml",
        "/sitemap.xml",
        "/feed/",
        "/robots.txt",
    ],
)
def test_a_page_parameter_where_none_is_expected_is_harmless(client, site, url, page):
    sep = "&" if "?" in url else "?"
    assert client.get(f"{url}{sep}page={page}").status_code in (200, 404)


def test_tag_pages_paginate_and_404_past_the_end(client, make_post, settings):
    for n in range(settings.POSTS_PER_PAGE + 2):
        make_post(tags=["big"], title=f"Essay {n}")
    first = client.get("/tags/big/")
    assert len(first.context["post_list"]) == settings.POSTS_PER_PAGE
    assert 'href="?page=2" rel="next"' in first.content.decode()
    assert len(client.get("/tags/big/?page=2").context["post_list"]) == 2
    assert client.get("/tags/big/?page=3").status_code == 404


# --- NUL bytes -------------------------------------------------------------------------------

NUL_READER_PATHS = [
    "/authors/%00/",
    "/authors/a%00b/",
    "/posts/%00/",
    "/tags/%00/",
    "/videos/youtube/%00/",
    "/videos/%00/%00/",
]


@pytest.mark.parametrize("url", NUL_READER_PATHS)
def test_a_nul_byte_in_a_reader_path_is_a_404(client, site, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "url, status",
    [
        ("/?page=%00", 404),
        ("/2025/?page=%00", 404),
        ("/tags/effects/?page=%00", 404),
        ("/sitemap.xml?p=%00", 404),
        ("/search/?q=%00", 200),
        ("/search/?q=a%00b", 200),
        ("/feed/?x=%00", 200),
        ("/?x%00=1", 200),
    ],
)
def test_a_nul_byte_in_a_reader_query_is_a_404_or_an_empty_result(client, site, url, status):
    response = client.get(url)
    assert response.status_code == status
    if url.startswith("/search/"):
        assert site.title not in response.content.decode()


NUL_ADMIN_URLS = [
    ("/admin/blog/post/tag-suggestions/?q=%00", 200),
    ("/admin/blog/post/tag-suggestions/?q=a%00", 200),
    ("/admin/blog/post/image-picker/?q=%00", 200),
    ("/admin/blog/post/?q=%00", 200),
    ("/admin/blog/post/?author__id__exact=%00", 302),  # the admin's "invalid filter" redirect
    ("/admin/blog/tag/?q=%00", 200),
    ("/admin/blog/image/?q=%00", 200),
    ("/admin/videos/video/?q=%00", 200),
    ("/admin/blog/post/%00/change/", 404),
    ("/admin/login/?next=%00", 302),  # already logged in: off to the admin
]


@pytest.mark.parametrize("url, status", NUL_ADMIN_URLS)
def test_a_nul_byte_in_an_admin_url_is_a_404_or_an_empty_result(admin_client, site, url, status):
    response = admin_client.get(url)
    assert response.status_code == status
    if response["Content-Type"].startswith("application/json"):
        assert response.json() in ({"tags": []}, {"images": []})
    elif status == 200 and url.startswith(("/admin/blog/post/", "/admin/blog/tag/")):
        assert "0 results" in response.content.decode()  # the changelist's search found none


def test_the_same_admin_urls_without_nul_answer(admin_client, site):
    for url, _ in NUL_ADMIN_URLS:
        clean = url.replace("%00", "1")
        assert admin_client.get(clean).status_code in (200, 302), clean


def test_a_session_cookie_with_a_nul_byte_is_no_session(client, site, admin_client):
    client.cookies["sessionid"] = "abcdefgh\x00ijkl"
    assert client.get("/").status_code == 200
    assert client.get("/admin/").status_code == 302  # to the login page


def test_a_nul_byte_in_the_login_form_is_refused_cleanly(client, db):
    response = client.post("/admin/login/", {"username": "a\x00b", "password": "x\x00"})
    assert response.status_code == 200


@pytest.mark.parametrize("page", ["²", "abc", "-1", "9" * 30])
def test_odd_admin_changelist_pages_answer(admin_client, site, page):
    for url in ("/admin/blog/post/", "/admin/blog/tag/", "/admin/videos/video/"):
        assert admin_client.get(url, {"p": page}).status_code in (200, 302, 404), url


@pytest.mark.parametrize(
    "field", ["title", "slug", "body", "excerpt", "tags", "video_attachments-0-url", "featured_image_alt"]
)
def test_a_nul_byte_in_an_admin_post_form_is_a_form_error(admin_client, site, field):
    from test_admin import post_form

    from blog.models import Post

    data = post_form(author=site.author.pk, **{field: "Odd\x00value"})
    response = admin_client.post("/admin/blog/post/add/", data)
    assert response.status_code == 200  # the form again, with the error on the field
    assert Post.objects.count() == 1


@pytest.mark.parametrize("q", ["\x00", "a\x00b"])
def test_a_nul_byte_posted_to_the_preview_renders(admin_client, q):
    response = admin_client.post("/admin/blog/post/preview/", {"body": q, "body_format": "html"})
    assert response.status_code == 200 and "\x00" not in response.json()["html"]
