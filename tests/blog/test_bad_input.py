"""Bad input on every reader URL and admin form or JSON endpoint: never a 5xx.

Each value goes into every path segment, query parameter (`page`, `q`, tag lists, admin
filters) and form field a reader, an Editor or an Author can send. The test client raises the
view's exception instead of answering 500, so a crash fails the test with its traceback. Run on
both databases: PostgreSQL refuses NUL and long values where SQLite takes them.
"""

from urllib.parse import quote

import pytest
from django.contrib.auth.models import Group
from test_admin import post_form

from blog.models import Post, Tag

# Hundreds of requests (a minute of CPU): in `make test`, left out of `make test-fast`.
pytestmark = [pytest.mark.django_db, pytest.mark.slow]

BAD = {
    "oversized": "x" * 20_000,
    "nul": "a\x00b",
    "rtl_override": "\u202eevil\u202c",
    "zero_width": "a\u200b\u200c\u200d\ufeffb",
    "emoji": "🎬🔥👩‍👩‍👧",
    "superscript": "²",
    "negative": "-1",
    "huge_number": "9" * 40,
    "hyphens": "-" * 60,
    "quotes_and_sql": '\' OR "1"="1" --',
    "percent_and_plus": "%+%25+",
    "tsquery": "a & !b | (c <-> d):*",
    "html": "<script>alert(1)</script>",
}
# A path segment cannot be 20,000 characters on a real server either; keep the URL plausible.
PATH_BAD = {**BAD, "oversized": "x" * 2_000}

READER_URLS = [
    "/?page={v}",
    "/?q={v}",
    "/search/?q={v}",
    "/search/?q=essay&page={v}",
    "/search/?q={v}&q={v}",
    "/tags/?page={v}",
    "/tags/{p}/",
    "/tags/effects+{p}/",
    "/tags/effects/without/{p}/",
    "/tags/effects/feed/?page={v}",
    "/tags/{p}/feed/atom/",
    "/posts/{p}/",
    "/posts/{p}/?page={v}",
    "/series/?page={v}",
    "/series/{p}/",
    "/series/{p}/feed/",
    "/series/{p}/feed/atom/",
    "/series/the-series/?page={v}",
    "/series/the-series/feed/?page={v}",
    "/authors/{p}/",
    "/authors/writer/?page={v}",
    "/2025/?page={v}",
    "/2025/05/?page={v}",
    "/archive/?page={v}",
    "/videos/?page={v}",
    "/videos/youtube/{p}/",
    "/videos/{p}/{p}/",
    "/feed/?page={v}",
    "/feed/atom/?q={v}",
    "/sitemap.xml?p={v}",
    "/sitemap.xml?section={v}",
    "/videos/sitemap.xml?p={v}",
    "/robots.txt?{v}",
    "/healthz?{v}",
    "/{p}/",
    "/admin/login/?next={v}",
    "/admin/login/?page={v}",
]


@pytest.fixture
def site(make_post):
    from datetime import datetime

    from django.utils import timezone

    from blog.models import Series

    return make_post(
        tags=["effects"],
        body="An essay.\n\nhttps://youtu.be/dQw4w9WgXcQ\n",
        published_at=timezone.make_aware(datetime(2025, 5, 5)),
        series=Series.objects.create(title="The series", slug="the-series"),
    )


def _url(template, value):
    return template.format(v=quote(value, safe=""), p=quote(PATH_BAD[_name(value)], safe=""))


def _name(value):
    return next(name for name, bad in BAD.items() if bad == value)


@pytest.mark.parametrize("template", READER_URLS)
def test_reader_urls_never_answer_5xx(client, site, template):
    # Every bad value in one test: the site is built once per URL, not once per value.
    for name, value in BAD.items():
        response = client.get(_url(template, value))
        assert response.status_code < 500, name


@pytest.mark.parametrize("name", ["nul", "oversized", "emoji", "superscript"])
def test_the_login_form_takes_bad_input(client, db, name):
    value = BAD[name]
    response = client.post("/admin/login/", {"username": value, "password": value, "next": value})
    assert response.status_code in (200, 302, 400, 429)


# --- The admin, as an Editor and as an Author ------------------------------------------------


@pytest.fixture(params=["Editor", "Author"])
def staff(request, make_user, client, site):
    user = make_user(username=f"staff-{request.param.lower()}", is_staff=True)
    user.groups.add(Group.objects.get(name=request.param))
    client.force_login(user)
    return user


ADMIN_GETS = [
    "/admin/?q={v}",
    "/admin/blog/post/?q={v}",
    "/admin/blog/post/?p={v}",
    "/admin/blog/post/?o={v}",
    "/admin/blog/post/?status__exact={v}",
    "/admin/blog/post/?tags__id__exact={v}",
    "/admin/blog/post/?author__id__exact={v}",
    "/admin/blog/post/?published_at__year={v}&published_at__month={v}",
    "/admin/blog/post/?published_at__gte={v}",
    "/admin/blog/post/?published_at__year=9999&published_at__month=12&x={v}",
    "/admin/blog/post/?published_at__year=9999&published_at__month=12&published_at__day=31",
    "/admin/blog/post/{p}/change/",
    "/admin/blog/post/{p}/revisions/",
    "/admin/blog/post/{p}/review/",
    "/admin/blog/post/{p}/revisions/1/restore/",
    "/admin/blog/post/{pk}/revisions/?a={v}&b={v}",
    "/admin/blog/post/{pk}/change/?_changelist_filters={v}",
    "/admin/blog/post/tag-suggestions/?q={v}",
    "/admin/blog/post/image-picker/?q={v}",
    "/admin/blog/post/image-picker/?q=a&page={v}",
    "/admin/blog/tag/?q={v}",
    "/admin/blog/tag/{p}/change/",
    "/admin/blog/series/?q={v}",
    "/admin/blog/series/?o={v}",
    "/admin/blog/series/{p}/change/",
    "/admin/blog/post/?series__id__exact={v}",
    "/admin/blog/image/?q={v}",
    "/admin/blog/image/?decorative__exact={v}",
    "/admin/blog/image/{p}/change/",
    "/admin/videos/video/?q={v}",
    "/admin/videos/video/?attention={v}",
    "/admin/videos/video/?health__exact={v}&provider__exact={v}&year={v}",
    "/admin/videos/video/{p}/change/",
    "/admin/videos/video/add/?url={v}",
    "/admin/autocomplete/?term={v}&app_label=blog&model_name=post&field_name=featured_image",
    "/admin/jsi18n/?{v}",
]


@pytest.mark.parametrize("template", ADMIN_GETS)
def test_admin_pages_never_answer_5xx(client, staff, site, template):
    for value in BAD.values():
        url = template.replace("{pk}", str(site.pk))
        response = client.get(_url(url, value))
        assert response.status_code < 500, (url, _name(value))


POST_FIELDS = [
    "title",
    "slug",
    "excerpt",
    "body",
    "body_format",
    "tags",
    "status",
    "published_at_0",
    "published_at_1",
    "featured_image",
    "featured_image_alt",
    "video_attachments-0-url",
    "video_attachments-0-caption",
    "video_attachments-0-position",
    "video_attachments-0-start_seconds",
    "video_attachments-TOTAL_FORMS",
    "series",
    "series_part",
]


@pytest.mark.parametrize("field", POST_FIELDS)
def test_the_post_form_refuses_bad_input_clearly(client, staff, site, field):
    before = Post.objects.count()
    for value in [*BAD.values(), ["a", "b"]]:
        response = client.post("/admin/blog/post/add/", post_form(**{field: value}))
        assert response.status_code < 500, (
            field,
            value if isinstance(value, list) else _name(value),
        )
    # Whatever was refused left nothing half-made behind.
    assert Post.objects.count() - before <= len(BAD) + 1


@pytest.mark.parametrize("field", ["title", "body", "excerpt", "tags", "slug"])
def test_editing_a_published_post_with_bad_input_never_5xx(client, staff, site, field):
    if staff.groups.filter(name="Author").exists():
        Post.objects.filter(pk=site.pk).update(author=staff)
    form = post_form(title=site.title, slug=site.slug, body=site.body, tags="effects")
    form.update(status="published", published_at_0="2025-05-05", published_at_1="00:00:00")
    for value in BAD.values():
        response = client.post(f"/admin/blog/post/{site.pk}/change/", {**form, field: value})
        assert response.status_code < 500, (field, _name(value))


@pytest.mark.parametrize("field", ["body", "body_format"])
def test_preview_refuses_bad_input_as_json(client, staff, site, field, settings):
    settings.CLOSER_PREVIEW_RATE = 1000
    for value in [*BAD.values(), ["a", "b"]]:
        data = {"body": "Hello", "body_format": "markdown", field: value}
        response = client.post("/admin/blog/post/preview/", data)
        assert response.status_code < 500
        assert response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize(
    "url, fields",
    [
        ("/admin/blog/tag/add/", {"name": "ok", "description": ""}),
        (
            "/admin/blog/series/add/",
            {
                "title": "ok",
                "slug": "",
                "description": "",
                "picture": "",
                "parts-TOTAL_FORMS": "0",
                "parts-INITIAL_FORMS": "0",
            },
        ),
        ("/admin/videos/video/add/", {"url": "https://youtu.be/aaaaaaaaaaa"}),
    ],
)
def test_other_admin_forms_refuse_bad_input(client, staff, url, fields):
    for field in fields:
        for value in [*BAD.values(), ["a", "b"]]:
            response = client.post(url, {**fields, field: value})
            assert response.status_code < 500, (url, field)
    assert not Tag.objects.filter(slug="").exists()
