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
    assert client.get("/authors/writer/").status_code == 200
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
    migration = importlib.import_module("blog.migrations.0004_fill_empty_tag_slugs")
    migration.fill_empty_tag_slugs(django_apps, None)
    assert Tag.objects.get(name="!!!").slug == "tag"
    assert Tag.objects.get(name="Björk").slug == "bjork"
