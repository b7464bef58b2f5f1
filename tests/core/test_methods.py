"""HTTP methods: HEAD works wherever GET does, TRACE is refused everywhere, and an admin login
with an unsafe next= lands on the admin index."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

pytestmark = pytest.mark.django_db

# Function views of ours: each declares its methods itself.
FUNCTION_VIEW_URLS = [
    "/tags/",
    "/archive/",
    "/search/?q=room",
    "/robots.txt",
    "/healthz",
    "/videos/sitemap.xml",
    "/media/{media}",
]
# Class-based views, feeds, sitemaps and the admin.
OTHER_URLS = [
    "/",
    "/posts/{post}/",
    "/tags/{tag}/",
    "/tags/{tag}/without/other/",
    "/authors/wren-writer/",
    "/{year}/",
    "/tags/{tag}/feed/",
    "/tags/{tag}/feed/atom/",
    "/feed/",
    "/feed/atom/",
    "/sitemap.xml",
    "/videos/",
    "/admin/login/",
]


@pytest.fixture
def urls(make_post):
    post = make_post(title="The room", tags=["Glazer", "Other"])
    media = default_storage.save("notes/hello.txt", ContentFile(b"hello"))
    values = {
        "post": post.slug,
        "tag": post.tags.get(name="Glazer").slug,
        "year": post.published_at.year,
        "media": media,
    }
    return lambda template: template.format(**values)


@pytest.mark.parametrize("template", FUNCTION_VIEW_URLS + OTHER_URLS)
def test_get_answers_and_trace_is_refused(client, urls, template):
    url = urls(template)
    assert client.get(url).status_code == 200
    response = client.generic("TRACE", url)
    assert response.status_code == 405
    assert "GET" in response["Allow"]


@pytest.mark.parametrize("template", FUNCTION_VIEW_URLS)
def test_function_views_refuse_trace_by_themselves(client, urls, template, settings):
    settings.MIDDLEWARE = [
        m for m in settings.MIDDLEWARE if m != "core.methods.RefuseTraceMiddleware"
    ]
    response = client.generic("TRACE", urls(template))
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"


@pytest.mark.parametrize("url", ["/robots.txt", "/healthz"])
def test_head_answers_200_without_a_body(client, url):
    response = client.head(url)
    assert response.status_code == 200
    assert response.content == b""


@pytest.mark.parametrize(
    "unsafe_next", ["https://evil.example/", "//evil.example/admin/", "javascript:alert(1)"]
)
def test_admin_login_with_an_unsafe_next_lands_on_the_admin_index(client, make_user, unsafe_next):
    make_user(username="editor", password="the-right-password-1", is_staff=True)
    response = client.post(
        f"/admin/login/?next={unsafe_next}",
        {"username": "editor", "password": "the-right-password-1", "next": unsafe_next},
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get(response["Location"]).status_code == 200
