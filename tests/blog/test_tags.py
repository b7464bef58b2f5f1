"""Every tag can be linked: a valid, unique slug whatever its name (audit, issue 11 item 1)."""

import importlib
import re

import pytest
from django.apps import apps as django_apps

from blog.converters import TagSlugsConverter
from blog.models import Tag

pytestmark = pytest.mark.django_db

LINKABLE = re.compile(rf"^(?:{TagSlugsConverter.regex})$")
SLUGLESS_NAMES = ["!!!", "🎬", "#", "+", "…"]


@pytest.mark.parametrize("name", SLUGLESS_NAMES)
def test_a_tag_without_slug_characters_gets_a_fallback_slug(make_post, name):
    make_post(tags=[name])
    tag = Tag.objects.get(name=name)
    assert LINKABLE.match(tag.slug) and "+" not in tag.slug
    assert tag.slug.startswith("tag")


def test_every_page_linking_a_slugless_tag_answers(client, make_post):
    post = make_post(tags=["!!!", "🎬", "#", "Björk"])
    for url in ["/", "/tags/", post.get_absolute_url(), "/sitemap.xml", "/archive/", "/feed/"]:
        assert client.get(url).status_code == 200, url
    for tag in Tag.objects.all():
        assert client.get(tag.get_absolute_url()).status_code == 200, tag.name
    assert client.get("/authors/wren-writer/").status_code == 200
    assert client.get("/search/", {"q": "Body"}).status_code == 200


def test_fallback_slugs_stay_unique(make_post):
    make_post(tags=["!!!", "🎬", "#"])
    slugs = list(Tag.objects.values_list("slug", flat=True))
    assert len(set(slugs)) == 3 and all(slugs)


def test_names_transliterate_to_ascii_slugs(make_post):
    make_post(tags=["Björk", "Café Society", "Agnès Varda"])
    assert sorted(Tag.objects.values_list("slug", flat=True)) == [
        "agnes-varda",
        "bjork",
        "cafe-society",
    ]


def test_letters_without_ascii_form_keep_a_unicode_slug(make_post):
    make_post(tags=["映画"])
    assert Tag.objects.get().slug == "映画"


def test_a_tag_created_directly_gets_a_slug(db):
    assert Tag.objects.create(name="???").slug == "tag"
    assert Tag.objects.create(name="!!").slug == "tag-2"


def test_tag_admin_fills_an_empty_slug(client, make_user):
    client.force_login(make_user(is_staff=True, is_superuser=True))
    response = client.post("/admin/blog/tag/add/", {"name": "🎬", "slug": "", "description": ""})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Tag.objects.get(name="🎬").slug == "tag"


def test_migration_repairs_existing_empty_slugs(make_post):
    make_post(tags=["!!!", "Björk"])
    Tag.objects.filter(name="!!!").update(slug="")
    migration = importlib.import_module("blog.migrations.0005_tag_slugs_and_pending_changes")
    migration.fill_empty_tag_slugs(django_apps, None)
    assert Tag.objects.get(name="!!!").slug == "tag"
    assert Tag.objects.get(name="Björk").slug == "bjork"


# --- Names that survive a round trip through the comma-separated field (item 9) -------------

from tests.blog.test_admin import post_form  # noqa: E402


@pytest.fixture
def boss(make_user):
    return make_user(username="boss", is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(client, boss):
    client.force_login(boss)
    return client


def form_errors(response) -> str:
    assert response.status_code == 200, "the form was accepted"
    return str(response.context["adminform"].form.errors)


@pytest.mark.parametrize("tags", ['The "Matrix"', 'film, The "Matrix"', '5" floppy', 'a"b'])
def test_post_form_refuses_straight_double_quotes_in_a_name(admin_client, tags):
    errors = form_errors(admin_client.post("/admin/blog/post/add/", post_form(tags=tags)))
    assert "double quotes" in errors
    assert not Tag.objects.exists()


def test_post_form_accepts_quoted_names_and_curly_quotes(admin_client, boss):
    tags = '"Jonathan Glazer", 1990s, The “Matrix”, "a, b"'
    response = admin_client.post("/admin/blog/post/add/", post_form(tags=tags, author=boss.pk))
    assert response.status_code == 302
    assert sorted(Tag.objects.values_list("name", flat=True)) == [
        "1990s",
        "Jonathan Glazer",
        "The “Matrix”",
        "a, b",
    ]


def test_saving_a_post_unchanged_keeps_its_tags(admin_client, make_post):
    post = make_post(tags=["The “Matrix”", "Jonathan Glazer", "a, b"])
    page = admin_client.get(f"/admin/blog/post/{post.pk}/change/")
    shown = page.context["adminform"].form["tags"].value()
    from taggit.utils import edit_string_for_tags

    data = post_form(
        title=post.title,
        slug=post.slug,
        body=post.body,
        tags=edit_string_for_tags(shown) if not isinstance(shown, str) else shown,
        status="published",
        published_at_0=post.published_at.strftime("%Y-%m-%d"),
        published_at_1=post.published_at.strftime("%H:%M:%S"),
        author=post.author.pk,
    )
    assert admin_client.post(f"/admin/blog/post/{post.pk}/change/", data).status_code == 302
    assert sorted(post.tags.names()) == ["Jonathan Glazer", "The “Matrix”", "a, b"]
    assert Tag.objects.count() == 3


def test_post_form_refuses_a_name_longer_than_the_column(admin_client, boss):
    errors = form_errors(admin_client.post("/admin/blog/post/add/", post_form(tags="x" * 150)))
    assert "at most 100 characters" in errors and "150" in errors
    assert not Tag.objects.exists()
    ok = admin_client.post("/admin/blog/post/add/", post_form(tags="y" * 100, author=boss.pk))
    assert ok.status_code == 302 and Tag.objects.get().name == "y" * 100


@pytest.mark.parametrize(
    ("name", "message"), [('The "Matrix"', "double quotes"), ("z" * 101, "at most 100")]
)
def test_tag_admin_refuses_names_that_do_not_round_trip(admin_client, name, message):
    response = admin_client.post(
        "/admin/blog/tag/add/", {"name": name, "slug": "", "description": ""}
    )
    assert response.status_code == 200 and message in str(response.context["adminform"].form.errors)
    assert not Tag.objects.exists()


def test_tag_rename_refuses_double_quotes(admin_client, make_post):
    make_post(tags=["Matrix"])
    tag = Tag.objects.get()
    response = admin_client.post(
        "/admin/blog/tag/",
        {"action": "rename", "_selected_action": [tag.pk], "apply": "Rename", "name": 'The "M"'},
    )
    assert response.status_code == 200 and "double quotes" in response.content.decode()
    tag.refresh_from_db()
    assert tag.name == "Matrix"


def test_migration_turns_straight_quotes_in_existing_names_curly(make_post):
    make_post(tags=["Matrix"])
    Tag.objects.filter(name="Matrix").update(name='The "Matrix"')
    migration = importlib.import_module("blog.migrations.0005_tag_slugs_and_pending_changes")
    migration.curl_quotes_in_tag_names(django_apps, None)
    assert Tag.objects.get().name == "The “Matrix”"


@pytest.mark.django_db
def test_the_public_tags_a_url_names_are_those_a_published_essay_carries(make_post):
    from datetime import timedelta

    from django.utils import timezone

    from blog.models import Post

    make_post(tags=["shown", "shared"])
    make_post(tags=["shared", "drafted"], status=Post.Status.DRAFT, published_at=None)
    make_post(tags=["later"], published_at=timezone.now() + timedelta(days=3))
    named = ["shown", "shared", "drafted", "later", "nowhere"]
    found = sorted(tag.slug for tag in Tag.objects.public_named(named))
    assert found == ["shared", "shown"]
    # The same answer as the question asked of every tag at once.
    assert found == sorted(
        Tag.objects.public().filter(slug__in=named).values_list("slug", flat=True)
    )
