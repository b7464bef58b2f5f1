"""/search/: ranked results with highlighted snippets, on SQLite and on PostgreSQL.

Run on PostgreSQL with DATABASE_URL=postgres://postgres@127.0.0.1:5432/closer.
"""

import pytest
from django.db import connection

from blog.search import clean_query, highlight

pytestmark = pytest.mark.django_db


def results(client, q, **params):
    response = client.get("/search/", {"q": q, **params})
    assert response.status_code == 200
    return response, [post.title for post in response.context.get("post_list", [])]


@pytest.fixture
def corpus(make_post):
    posts = {
        "title": make_post(title="The moving room", body="A set that shifts under the dancer."),
        "excerpt": make_post(
            title="Corridors", excerpt="A hotel corridor and a moving camera.", body="Dread."
        ),
        "body": make_post(title="Tunnels", body="Cars, stunts, and one moving man in a tunnel."),
        "tag": make_post(title="Robots", body="Metal and skin.", tags=["Moving parts"]),
        "nothing": make_post(title="Bears", body="A costume and a forest."),
    }
    video_post = make_post(title="Clip essay", body="https://youtu.be/dQw4w9WgXcQ")
    video = video_post.inline_videos.get()
    video.title = "Everlong giant hand"
    video.save()
    posts["video"] = video_post
    return posts


def test_finds_titles_excerpts_bodies_tags_and_video_titles(client, corpus):
    _, titles = results(client, "moving")
    assert set(titles) == {"The moving room", "Corridors", "Tunnels", "Robots"}
    assert results(client, "everlong")[1] == ["Clip essay"]


def test_title_matches_rank_above_body_matches(client, corpus):
    _, titles = results(client, "moving")
    assert titles[0] == "The moving room"
    assert titles.index("Corridors") < titles.index("Tunnels")  # excerpt above body


def test_every_word_must_match(client, corpus):
    assert results(client, "moving tunnel")[1] == ["Tunnels"]
    assert results(client, "moving bears")[1] == []


def test_snippets_highlight_matches_and_escape_everything_else(client, make_post):
    make_post(
        title="Markup",
        body="Some `<script>alert(1)</script>` text about **practical** effects & more.",
    )
    response, titles = results(client, "practical")
    assert titles == ["Markup"]
    snippet = response.context["post_list"][0].snippet
    assert "<mark>practical</mark>" in snippet
    assert "<script" not in snippet and "&lt;script&gt;" in snippet
    html = response.content.decode()
    assert "<mark>practical</mark>" in html and "<script>alert" not in html


def test_drafts_and_scheduled_posts_never_appear(client, make_post, draft, scheduled):
    make_post(title="Public essay", body="secret ingredient")
    _, titles = results(client, "secret")
    assert titles == ["Public essay"]


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "x" * 10_000,
        "moving " * 1500,
        "\x00\x01\x1b[31m moving \x7f\u200b",
        "'; DROP TABLE blog_post; --",
        '"unbalanced quote',
        "a & b | !c <-> (d",
        "%_%",
        "🙂",
        "-",
    ],
)
def test_absurd_queries_get_a_friendly_page(client, corpus, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert "Search" in response.content.decode()


def test_empty_query_explains_what_to_do(client, db):
    html = client.get("/search/").content.decode()
    assert "Type a word or two" in html and "No essay matches" not in html


def test_long_query_is_shortened_and_says_so(client, corpus):
    response = client.get("/search/", {"q": "moving " * 2000})
    assert response.context["query"].shortened
    assert "only its first words were used" in response.content.decode()
    assert "The moving room" in response.content.decode()


def test_control_characters_are_ignored(client, corpus):
    assert results(client, "\x1bmoving\x00")[1][0] == "The moving room"


def test_no_results_says_so(client, corpus):
    html = client.get("/search/", {"q": "zeppelin"}).content.decode()
    assert "No essay matches “zeppelin”" in html


def test_pagination_keeps_the_query(client, make_post):
    for n in range(12):
        make_post(title=f"Moving essay {n}")
    response, titles = results(client, "moving")
    assert len(titles) == 10 and response.context["result_count"] == 12
    assert 'href="?q=moving&amp;page=2"' in response.content.decode()
    assert len(results(client, "moving", page=2)[1]) == 2


def test_query_count(client, corpus, django_assert_max_num_queries):
    # +1: the approved comment counts of every card, in one query (comments_tags)
    # count, page of posts, their tags (authors joined), the videos that may lend a card its
    # poster (attached, inline); +1 the page cache's version read; +1 on PostgreSQL: the
    # highlighted snippets (ts_headline) for the page
    expected = 9 if connection.vendor == "postgresql" else 8
    with django_assert_max_num_queries(expected):
        results(client, "moving")


class TestHelpers:
    def test_clean_query(self):
        assert clean_query("  a\tb\n\x00c  ").text == "a b c"
        long = clean_query("word " * 100)
        assert long.shortened and len(long.text) <= 200 and long.text.endswith("word")

    def test_highlight_escapes_before_marking(self):
        assert highlight("<b>Glazer</b> & co", ["glazer"]) == (
            "&lt;b&gt;<mark>Glazer</mark>&lt;/b&gt; &amp; co"
        )
        assert highlight("mark</mark>", ["mark"]) == "<mark>mark</mark>&lt;/<mark>mark</mark>&gt;"


@pytest.mark.skipif("connection.vendor != 'postgresql'")
class TestPostgres:
    def test_stemming_finds_other_forms_of_a_word(self, client, make_post):
        make_post(title="Dancers", body="She dances across the floor.")
        assert results(client, "dancing")[1] == ["Dancers"]

    def test_websearch_syntax(self, client, corpus):
        assert "Tunnels" not in results(client, "moving -tunnel")[1]
        assert results(client, '"moving room"')[1] == ["The moving room"]


def test_backend_in_use(db):
    # Both backends are covered: this suite runs on SQLite by default and on PostgreSQL in CI
    # with DATABASE_URL set.
    assert connection.vendor in {"sqlite", "postgresql"}


def test_search_matches_only_what_readers_can_see(client, make_post):
    make_post(
        title="An essay",
        body="Visible words.\n\n<!-- HIDDENNOTE: source is Jane -->\n\n"
        "[a link](https://example.com/PRIVATEPATH) <span onclick=x>clicky</span>",
    )
    for hidden in ["hiddennote", "jane", "privatepath", "onclick"]:
        html = client.get("/search/", {"q": hidden}).content.decode()
        assert "An essay" not in html, hidden
    assert "An essay" in client.get("/search/", {"q": "visible"}).content.decode()
    assert "An essay" in client.get("/search/", {"q": "clicky"}).content.decode()


def test_a_word_in_most_essays_ranks_only_the_newest_matches(client, make_post, draft, monkeypatch):
    """Bounded work for a broad word: the newest RANKED_MATCHES published matches, and "more"."""
    from blog import search

    monkeypatch.setattr(search, "RANKED_MATCHES", 3)
    posts = [make_post(title=f"Essay {n}", body="The camera moves.") for n in range(5)]
    draft.body = "The camera hides."
    draft.save()  # the newest match of all, never counted or shown
    response = client.get("/search/", {"q": "camera"})
    html = response.content.decode()
    assert "More than 3 essays match “camera”: the newest 3 are ranked here" in html
    shown = {post.title for post in response.context["post_list"]}
    assert shown == {post.title for post in posts[2:]}
    assert client.get("/search/", {"q": "camera", "page": "2"}).status_code == 404
    # Fewer matches than the window: counted exactly, as before.
    monkeypatch.setattr(search, "RANKED_MATCHES", 10)
    html = client.get("/search/", {"q": "camera moves"}).content.decode()
    assert "5 essays match “camera moves”." in html and "More than" not in html
