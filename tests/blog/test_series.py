"""Series: an ordered run of essays. Its page, its index, a part's place, feeds, admin, cache.

Only published parts are ever shown or counted: a draft or scheduled part is neither listed
nor numbered, and a series of drafts alone is a 404 everywhere.
"""

import json
import re
from datetime import timedelta

import feedparser
import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape
from test_admin import post_form

from blog import demo, services
from blog.models import Post, Series
from blog.rendering import render_description

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)


def text(response) -> str:
    return response.content.decode()


def titles_in_order(html: str, titles) -> list[str]:
    """Return the given titles in the order the page shows them (each by its first mention)."""
    found = {title: html.find(f">{escape(title)}<") for title in titles}
    return [title for title, at in sorted(found.items(), key=lambda i: i[1]) if at >= 0]


@pytest.fixture
def series(db):
    return Series.objects.create(
        title="Romanek's 90s",
        description="Music videos by *Mark Romanek*, in the order he made them.\n\n"
        "<script>alert(1)</script> [a link](javascript:alert(2))",
    )


@pytest.fixture
def parts(series, make_post):
    """Three published parts (numbered 1, 2, 4: gaps are fine), a draft and a scheduled one."""
    now = timezone.now()
    return {
        "first": make_post(
            title="Closer", series=series, series_part=1, published_at=now - 9 * DAY
        ),
        # Published before the first: the part number, not the date, decides the order.
        "second": make_post(
            title="Scream", series=series, series_part=2, published_at=now - 20 * DAY
        ),
        "draft": make_post(
            title="Secret draft part",
            series=series,
            series_part=3,
            status=Post.Status.DRAFT,
            published_at=None,
        ),
        "third": make_post(title="Hurt", series=series, series_part=4, published_at=now - 2 * DAY),
        "scheduled": make_post(
            title="Secret scheduled part", series=series, series_part=5, published_at=now + DAY
        ),
    }


SECRETS = ("Secret draft part", "Secret scheduled part", "secret-draft-part")


# --- The model ---------------------------------------------------------------------------------


def test_a_series_gets_a_slug_and_its_description_is_sanitized(series):
    assert series.slug == "romaneks-90s"
    assert series.get_absolute_url() == "/series/romaneks-90s/"
    html = series.description_html
    assert "<em>Mark Romanek</em>" in html
    assert "<script" not in html and 'href="javascript' not in html
    assert series.summary.startswith("Music videos by Mark Romanek")


def test_a_second_series_with_the_same_title_gets_its_own_slug(series):
    assert Series.objects.create(title="Romanek's 90s").slug == "romaneks-90s-2"
    assert Series.objects.create(title="🎬").slug == "series"


@pytest.mark.parametrize(
    "written,kept,dropped",
    [
        ("**bold** and <https://example.com>", ['<a href="https://example.com">'], []),
        ("# A heading", ["# A heading"], ["<h1"]),
        ('<img src=x onerror="alert(1)">', [], ["<img", 'onerror="']),
        ("[x](data:text/html,hi)", [], ['href="data']),
        ("a\x00b", ["ab"], ["\x00"]),
    ],
)
def test_descriptions_keep_a_small_safe_language(written, kept, dropped):
    html = render_description(written)
    for fragment in kept:
        assert fragment in html
    for fragment in dropped:
        assert fragment not in html


def test_a_new_part_without_a_number_goes_after_the_last(series, make_post, parts):
    late = make_post(title="Late", series=series)
    assert late.series_part == 6  # after the scheduled part 5: drafts hold their places too


def test_leaving_the_series_forgets_the_number(parts):
    post = parts["first"]
    post.series = None
    post.save()
    post.refresh_from_db()
    assert post.series_part is None


def test_a_part_number_without_a_series_is_refused(make_post):
    post = Post(title="Lonely", author=make_post().author, series_part=2)
    with pytest.raises(Exception) as error:
        post.full_clean()
    assert "series_part" in error.value.message_dict


def test_deleting_a_series_keeps_its_essays(series, parts):
    series.delete()
    parts["first"].refresh_from_db()
    assert parts["first"].series is None and Post.objects.published().count() == 3


# --- The series page ---------------------------------------------------------------------------


def test_the_series_page_lists_published_parts_in_order(client, series, parts):
    response = client.get("/series/romaneks-90s/")
    assert response.status_code == 200
    html = text(response)
    assert titles_in_order(html, ["Closer", "Scream", "Hurt"]) == ["Closer", "Scream", "Hurt"]
    for secret in SECRETS:
        assert secret not in html
    # Numbered among the published parts only: the draft's gap is closed.
    assert "Part 1<" in html and "Part 2<" in html and "Part 3<" in html
    assert "Part 4" not in html
    assert "3 parts" in html
    assert "<em>Mark Romanek</em>" in html and "<script>alert" not in html
    assert 'href="/series/romaneks-90s/feed/"' in html


def test_the_series_page_shows_cards_with_pictures(client, series, make_post, make_image):
    make_post(title="Pictured", series=series, featured_image=make_image(alt_text="A frame"))
    html = text(client.get(series.get_absolute_url()))
    assert 'class="post-card"' in html and "<picture>" in html and 'alt="A frame"' in html


def test_the_series_page_carries_json_ld(client, series, parts):
    html = text(client.get(series.get_absolute_url()))
    data = json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', html).group(1)
    )
    assert data["@type"] == "CreativeWorkSeries" and data["name"] == "Romanek's 90s"
    assert [part["headline"] for part in data["hasPart"]] == ["Closer", "Scream", "Hurt"]
    assert [part["position"] for part in data["hasPart"]] == [1, 2, 3]


def test_the_series_page_is_paginated_and_a_page_past_the_end_is_a_404(
    client, series, make_post, settings
):
    for n in range(settings.POSTS_PER_PAGE + 2):
        make_post(title=f"Part title {n:02d}", series=series)
    first = text(client.get(series.get_absolute_url()))
    second = client.get(series.get_absolute_url() + "?page=2")
    assert second.status_code == 200
    assert "Part title 00" in first and "Part title 10" not in first
    assert "Part title 10" in text(second) and "Part 11<" in text(second)
    assert 'start="11"' in text(second)
    for page in ("3", "0", "-1", "x", "²", "9" * 40):
        assert client.get(series.get_absolute_url() + f"?page={page}").status_code == 404


@pytest.mark.parametrize(
    "slug", ["no-such-series", "romaneks-90s-2", "%00", "x" * 300, "%F0%9F%8E%AC", "'%20OR%201=1"]
)
def test_unknown_or_odd_series_addresses_are_404(client, series, parts, slug):
    for suffix in ("", "feed/", "feed/atom/"):
        assert client.get(f"/series/{slug}/{suffix}").status_code == 404


def test_a_series_of_drafts_and_scheduled_parts_is_a_404_everywhere(client, series, make_post):
    make_post(title="Secret draft part", series=series, status=Post.Status.DRAFT, published_at=None)
    make_post(title="Secret scheduled part", series=series, published_at=timezone.now() + DAY)
    for url in (
        "/series/romaneks-90s/",
        "/series/romaneks-90s/feed/",
        "/series/romaneks-90s/feed/atom/",
    ):
        assert client.get(url).status_code == 404
    index = text(client.get("/series/"))
    assert "Romanek" not in index and "No series yet." in index
    assert "romaneks-90s" not in text(client.get("/sitemap.xml"))
    assert "romaneks-90s" not in text(client.get("/sitemap-series.xml"))


def test_an_empty_series_is_a_404_too(client, series):
    assert client.get(series.get_absolute_url()).status_code == 404


# --- The series index ----------------------------------------------------------------------


def test_the_index_lists_series_with_published_parts_latest_first(client, series, parts, make_post):
    older = Series.objects.create(title="An older series")
    make_post(title="Old part", series=older, published_at=timezone.now() - 100 * DAY)
    Series.objects.create(title="A series with nothing yet")
    html = text(client.get("/series/"))
    assert titles_in_order(html, ["Romanek's 90s", "An older series"]) == [
        "Romanek's 90s",
        "An older series",
    ]
    assert "A series with nothing yet" not in html
    assert "3 parts" in html and "1 part" in html
    assert "Secret" not in html


def test_the_index_is_paginated(client, make_post, settings):
    for n in range(settings.POSTS_PER_PAGE + 1):
        make_post(title=f"Essay {n}", series=Series.objects.create(title=f"Series {n}"))
    assert client.get("/series/?page=2").status_code == 200
    for page in ("3", "x", "²"):
        assert client.get(f"/series/?page={page}").status_code == 404


# --- A part's place in its series ----------------------------------------------------------


def test_a_part_says_part_n_of_m_with_previous_and_next(client, parts):
    html = text(client.get(parts["second"].get_absolute_url()))
    assert "Part 2 of 3 in" in html
    nav = html[html.index('class="series-nav"') :]
    assert titles_in_order(nav, ["Closer", "Scream", "Hurt"]) == ["Closer", "Scream", "Hurt"]
    assert '<span aria-current="page">Scream</span>' in nav
    assert "← Previous in series</span> Closer" in nav
    assert "Next in series →</span> Hurt" in nav
    assert 'href="/series/romaneks-90s/"' in html
    for secret in SECRETS:
        assert secret not in html


def test_the_first_part_has_no_previous_and_the_last_no_next(client, parts):
    first = text(client.get(parts["first"].get_absolute_url()))
    assert "Part 1 of 3" in first
    assert "Previous in series" not in first and "Next in series" in first
    # The last published part: the scheduled part after it is not "next" yet.
    last = text(client.get(parts["third"].get_absolute_url()))
    assert "Part 3 of 3" in last
    assert "Next in series" not in last and "Previous in series</span> Scream" in last


def test_an_essay_in_no_series_shows_no_series_nav(client, make_post):
    html = text(client.get(make_post().get_absolute_url()))
    assert "series-nav" not in html and "Part 1" not in html


def test_a_part_says_it_is_part_of_the_series_in_json_ld(client, parts):
    html = text(client.get(parts["third"].get_absolute_url()))
    data = json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', html).group(1)
    )
    assert data["isPartOf"] == {
        "@type": "CreativeWorkSeries",
        "name": "Romanek's 90s",
        "url": "http://127.0.0.1:8000/series/romaneks-90s/",
    }
    assert data["position"] == 3


def test_the_post_page_costs_one_query_more_in_a_series(client, parts, make_post):
    def cost(post):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(post.get_absolute_url()).status_code == 200
        return len(queries)

    alone = make_post(published_at=parts["second"].published_at)
    assert cost(parts["second"]) == cost(alone) + 1


def test_an_editor_previews_a_draft_part_in_the_place_it_will_take(client, parts, make_user):
    editor = make_user(username="eda", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editor"))
    client.force_login(editor)
    html = text(client.get(parts["draft"].get_absolute_url()))
    assert "Draft preview" in html
    assert "Part 3 of 4" in html  # between Scream (2) and Hurt (4)
    assert "Previous in series</span> Scream" in html and "Next in series →</span> Hurt" in html
    # Readers never see it.
    client.logout()
    assert client.get(parts["draft"].get_absolute_url()).status_code == 404


def test_publishing_the_scheduled_part_counts_it(client, parts):
    services.posts_publish_now(posts=Post.objects.filter(pk=parts["scheduled"].pk))
    html = text(client.get(parts["first"].get_absolute_url()))
    assert "Part 1 of 4" in html and "Secret scheduled part" in html


def test_reordering_parts_shows_at_once_through_the_page_cache(client, parts):
    url = parts["first"].get_absolute_url()
    assert "Part 1 of 3" in text(client.get(url))
    client.get(url)  # now cached
    first = parts["first"]
    first.series_part = 10
    first.save(update_fields=["series_part", "updated_at"])
    assert "Part 3 of 3" in text(client.get(url))


def test_renaming_a_series_shows_at_once_through_the_page_cache(client, series, parts):
    for url in ("/series/", series.get_absolute_url(), parts["first"].get_absolute_url()):
        client.get(url)
        series.title = f"Renamed for {url}"
        series.save()
        assert f"Renamed for {url}" in text(client.get(url))


# --- Feeds and sitemap ---------------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["feed/", "feed/atom/"])
def test_the_series_feed_has_its_published_parts(client, series, parts, suffix):
    response = client.get(series.get_absolute_url() + suffix)
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0
    assert feed.feed.title == "Closer: Romanek's 90s"
    assert "Mark Romanek" in feed.feed.get("subtitle", feed.feed.get("description", ""))
    assert "<script" not in response.content.decode()
    assert [entry.title for entry in feed.entries] == ["Hurt", "Closer", "Scream"]  # newest first
    for secret in SECRETS:
        assert secret not in response.content.decode()


def test_the_series_page_advertises_its_feeds(client, series, parts):
    html = text(client.get(series.get_absolute_url()))
    assert 'type="application/rss+xml" title="Closer: Romanek&#x27;s 90s (RSS)"' in html
    assert 'href="/series/romaneks-90s/feed/atom/"' in html


def test_the_sitemap_lists_series_with_published_parts_and_the_index(client, series, parts):
    Series.objects.create(title="Empty one")
    assert "/sitemap-series.xml" in text(client.get("/sitemap.xml"))
    xml = text(client.get("/sitemap-series.xml"))
    assert "http://127.0.0.1:8000/series/romaneks-90s/" in xml
    assert "http://127.0.0.1:8000/series/</loc>" in xml
    assert "empty-one" not in xml


# --- The admin -----------------------------------------------------------------------------


@pytest.fixture
def editor(make_user):
    user = make_user(username="eda", is_staff=True)
    user.groups.add(Group.objects.get(name="Editor"))
    return user


@pytest.fixture
def writer(make_user):
    user = make_user(username="ana", is_staff=True)
    user.groups.add(Group.objects.get(name="Author"))
    return user


def series_form(series, parts_in_order, **overrides):
    data = {
        "title": series.title,
        "slug": series.slug,
        "description": series.description,
        "picture": "",
        "parts-TOTAL_FORMS": str(len(parts_in_order)),
        "parts-INITIAL_FORMS": str(len(parts_in_order)),
        "parts-MIN_NUM_FORMS": "0",
        "parts-MAX_NUM_FORMS": "1000",
    }
    for n, post in enumerate(parts_in_order):
        data[f"parts-{n}-id"] = str(post.pk)
        data[f"parts-{n}-series"] = str(series.pk)
        data[f"parts-{n}-series_part"] = str(post.series_part or "")
    data.update(overrides)
    return data


def test_an_editor_creates_a_series(client, editor):
    client.force_login(editor)
    assert client.get("/admin/blog/series/add/").status_code == 200
    response = client.post(
        "/admin/blog/series/add/",
        {
            "title": "Glazer's nineties",
            "slug": "",
            "description": "Three videos.",
            "picture": "",
            "parts-TOTAL_FORMS": "0",
            "parts-INITIAL_FORMS": "0",
            "parts-MIN_NUM_FORMS": "0",
            "parts-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Series.objects.get().slug == "glazers-nineties"


def test_an_editor_reorders_and_removes_parts_without_rendering_bodies(
    client, editor, series, parts, monkeypatch
):
    client.force_login(editor)
    ordered = [parts[k] for k in ("first", "second", "draft", "third", "scheduled")]
    page = text(client.get(f"/admin/blog/series/{series.pk}/change/"))
    assert "Secret draft part" in page and "Draft (not shown to readers)" in page
    import blog.models

    def no_render(*args, **kwargs):
        raise AssertionError("a part's body was rendered again")

    monkeypatch.setattr(blog.models, "render", no_render)
    form = series_form(
        series,
        ordered,
        **{"parts-0-series_part": "7", "parts-1-remove": "on"},
    )
    response = client.post(f"/admin/blog/series/{series.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:3000]
    monkeypatch.undo()
    assert list(series.published_parts().values_list("title", flat=True)) == ["Hurt", "Closer"]
    assert Post.objects.get(pk=parts["second"].pk).series is None
    assert Post.objects.filter(pk=parts["second"].pk).exists()  # taken out, not deleted
    html = text(client.get(parts["first"].get_absolute_url()))
    assert "Part 2 of 2" in html


def test_the_series_list_counts_published_and_all_parts(client, editor, series, parts):
    client.force_login(editor)
    html = text(client.get("/admin/blog/series/"))
    assert "Romanek&#x27;s 90s" in html or "Romanek's 90s" in html
    assert '<td class="field-published_parts">3</td>' in html
    assert '<td class="field-all_parts">5</td>' in html


def test_a_series_picture_needs_a_description(client, editor, series, make_image):
    client.force_login(editor)
    decorative = make_image(alt_text="", decorative=True)
    response = client.post(
        f"/admin/blog/series/{series.pk}/change/",
        series_form(series, [], picture=str(decorative.pk)),
    )
    assert response.status_code == 200 and "pick one with a description" in text(response)


def test_an_author_cannot_create_or_change_a_series(client, writer, series):
    client.force_login(writer)
    assert client.get("/admin/blog/series/add/").status_code == 403
    assert client.post("/admin/blog/series/add/", {"title": "Mine"}).status_code == 403
    assert client.get(f"/admin/blog/series/{series.pk}/delete/").status_code == 403
    # A view-only change page: no form to save.
    page = client.get(f"/admin/blog/series/{series.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in text(page)
    assert Series.objects.count() == 1


def test_an_author_puts_their_draft_in_a_series(client, writer, series, parts):
    client.force_login(writer)
    form = text(client.get("/admin/blog/post/add/"))
    assert 'name="series"' in form and 'name="series_part"' in form
    # Authors pick a series; only editors may add one from the form.
    assert 'id="add_id_series"' not in form
    response = client.post(
        "/admin/blog/post/add/",
        post_form(title="My part", series=str(series.pk), series_part=""),
    )
    assert response.status_code == 302, text(response)[:2000]
    post = Post.objects.get(title="My part")
    assert post.series == series and post.series_part == 6 and post.author == writer


def test_a_part_number_without_a_series_is_refused_in_the_form(client, editor):
    client.force_login(editor)
    response = client.post(
        "/admin/blog/post/add/", post_form(author=str(editor.pk), series="", series_part="2")
    )
    assert response.status_code == 200 and "A part number needs a series" in text(response)


@pytest.mark.parametrize("value", ["-1", "x", "9" * 40, "²", "1.5"])
def test_bad_part_numbers_are_refused_not_500(client, editor, series, value):
    client.force_login(editor)
    response = client.post(
        "/admin/blog/post/add/",
        post_form(author=str(editor.pk), series=str(series.pk), series_part=value),
    )
    assert response.status_code == 200 and "errorlist" in text(response)


def test_an_authors_published_part_keeps_its_series_until_an_editor_changes_it(
    client, writer, series, make_post
):
    post = make_post(title="Published part", author=writer, series=series, series_part=1)
    other = Series.objects.create(title="Another series")
    client.force_login(writer)
    client.post(
        f"/admin/blog/post/{post.pk}/change/",
        post_form(title="Published part", slug=post.slug, series=str(other.pk), series_part="9"),
    )
    post.refresh_from_db()
    assert post.series == series and post.series_part == 1


# --- The demo ------------------------------------------------------------------------------


def test_the_demo_has_a_series_of_three_published_parts_and_stays_idempotent(client):
    call_command("load_demo", verbosity=0)
    call_command("load_demo", verbosity=0)
    series = Series.objects.get(slug=demo.SERIES["slug"])
    assert Series.objects.count() == 1
    assert series.picture is not None and series.picture.alt
    assert [p.slug for p in series.published_parts()] == demo.SERIES["parts"][:3]
    assert series.parts.count() == 4  # the scheduled post waits as its fourth part
    essay = text(client.get(f"/posts/{demo.ESSAY['slug']}/"))
    assert "Part 2 of 3 in" in essay
    assert "A Glazer retrospective" not in text(client.get(series.get_absolute_url()))
