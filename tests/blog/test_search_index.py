"""The search index stays in step with every write readers could search for, on both databases.

Run on PostgreSQL with DATABASE_URL=postgres://postgres@127.0.0.1:5432/closer.
"""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from blog import page_cache, services
from blog.models import Post, PostVideo, SearchDocument, Tag
from blog.search import MAX_TERMS, parse_query
from tests.blog.test_admin import ADD_URL, post_form
from videos.models import Video

pytestmark = pytest.mark.django_db


def found(client, q) -> list[str]:
    response = client.get("/search/", {"q": q})
    assert response.status_code == 200
    return [post.title for post in response.context.get("post_list", [])]


def indexed_rows() -> int:
    """Return how many rows the database's own index holds."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT count(*) FROM blog_search_fts_docsize")
        else:
            cursor.execute("SELECT count(*) FROM blog_searchdocument WHERE vector IS NOT NULL")
        return cursor.fetchone()[0]


@pytest.fixture
def youtube_video(db):
    return Video.objects.create(
        provider="youtube", video_id="dQw4w9WgXcQ", title="Everlong giant hand"
    )


class TestSync:
    def test_every_post_has_a_document_drafts_included(self, make_post, draft):
        make_post(title="Public")
        assert SearchDocument.objects.count() == 2 == indexed_rows()

    def test_post_edit(self, client, make_post):
        post = make_post(title="Cardboard castles", body="Glue and string.")
        assert found(client, "cardboard") == ["Cardboard castles"]
        post.title, post.body = "Paper palaces", "Scissors and tape."
        post.save()
        assert found(client, "cardboard") == [] and found(client, "glue") == []
        assert found(client, "palaces") == ["Paper palaces"] == found(client, "scissors")

    def test_tag_added_and_removed(self, client, make_post):
        post = make_post(title="Essay")
        post.tags.add("Zoetrope")
        assert found(client, "zoetrope") == ["Essay"]
        post.tags.remove("Zoetrope")
        assert found(client, "zoetrope") == []

    def test_tag_rename(self, client, make_post):
        make_post(title="Essay", tags=["Stopmotion"])
        services.tag_rename(tag=Tag.objects.get(name="Stopmotion"), name="Claymation")
        assert found(client, "stopmotion") == []
        assert found(client, "claymation") == ["Essay"]

    def test_tag_deleted(self, client, make_post):
        make_post(title="Essay", tags=["Stopmotion", "Kept"])
        Tag.objects.get(name="Stopmotion").delete()
        assert found(client, "stopmotion") == []
        assert found(client, "kept") == ["Essay"]

    def test_tag_merge(self, client, make_post):
        make_post(title="One", tags=["Sci-fi"])
        make_post(title="Two", tags=["Science fiction"])
        into = Tag.objects.get(name="Science fiction")
        services.tags_merge(into=into, tags=list(Tag.objects.all()))
        assert set(found(client, "science")) == {"One", "Two"}
        assert found(client, "sci-fi") == []  # "sci" alone is found in no name any more

    def test_embedded_video_title_change(self, client, make_post):
        post = make_post(title="Clip essay", body="https://youtu.be/dQw4w9WgXcQ")
        video = post.inline_videos.get()
        video.title = "Everlong giant hand"
        video.save()
        assert found(client, "everlong") == ["Clip essay"]
        video.title = "Sabotage"
        video.save(update_fields=["title"])
        assert found(client, "everlong") == []
        assert found(client, "sabotage") == ["Clip essay"]

    def test_attached_video_linked_retitled_and_unlinked(self, client, make_post, youtube_video):
        post = make_post(title="Essay")
        link = PostVideo.objects.create(post=post, video=youtube_video)
        assert found(client, "everlong") == ["Essay"]
        youtube_video.title = "Sabotage"
        youtube_video.save()
        assert found(client, "sabotage") == ["Essay"]
        link.delete()
        assert found(client, "sabotage") == []

    def test_video_removed_from_the_body(self, client, make_post):
        post = make_post(title="Clip essay", body="https://youtu.be/dQw4w9WgXcQ")
        Video.objects.filter(pk=post.inline_videos.get().pk).update(title="Everlong")
        post.save()  # re-rendering links the same video again and reads its title
        assert found(client, "everlong") == ["Clip essay"]
        post.body = "No video any more."
        post.save()
        assert found(client, "everlong") == []

    def test_unpublish_and_publish_again(self, client, make_post):
        post = make_post(title="Comeback")
        services.posts_unpublish(posts=Post.objects.filter(pk=post.pk))
        assert found(client, "comeback") == []
        services.posts_publish_now(posts=Post.objects.filter(pk=post.pk))
        assert found(client, "comeback") == ["Comeback"]

    def test_deleted_post_leaves_the_index(self, client, make_post):
        post = make_post(title="Vanishing act", tags=["Magic"])
        make_post(title="Other")
        post.delete()
        assert found(client, "vanishing") == [] and found(client, "magic") == []
        assert SearchDocument.objects.count() == 1 == indexed_rows()

    def test_scheduled_post_is_found_once_its_time_comes_without_a_write(self, client, make_post):
        post = make_post(title="Future essay", published_at=timezone.now() + timedelta(hours=1))
        assert found(client, "future") == []
        # The clock passing the publish time, with no save (update() sends no signal).
        Post.objects.filter(pk=post.pk).update(published_at=timezone.now() - timedelta(seconds=1))
        # The page cache learns of writes that skip the models only when told (see page_cache);
        # the search index is not rewritten.
        page_cache.content_version_bump()
        assert found(client, "future") == ["Future essay"]

    def test_drafts_are_indexed_but_never_found(self, client, make_post):
        make_post(title="Hidden draft", status=Post.Status.DRAFT, published_at=None)
        assert SearchDocument.objects.filter(title="Hidden draft").exists()
        assert found(client, "hidden") == []

    def test_admin_save_indexes_tags_saved_after_the_post(self, client, make_user):
        boss = make_user(username="boss", is_staff=True, is_superuser=True)
        client.force_login(boss)
        response = client.post(
            ADD_URL,
            post_form(
                author=boss.pk,
                status="published",
                tags="Wes Anderson",
                published_at_0="2020-01-01",
                published_at_1="10:00",
            ),
        )
        assert response.status_code == 302
        client.logout()
        assert found(client, "anderson") == ["An essay on Sabotage"]

    def test_rollback_leaves_the_index_as_it_was(self, client, make_post):
        post = make_post(title="Original title")
        with pytest.raises(RuntimeError), transaction.atomic():
            post.title = "Changed title"
            post.save()
            raise RuntimeError
        assert found(client, "original") == ["Original title"]
        assert found(client, "changed") == []


class TestReindex:
    def test_command_rebuilds_a_lost_or_stale_index(self, client, make_post):
        make_post(title="Sturdy essay", tags=["Bricks"])
        SearchDocument.objects.all().delete()
        assert found(client, "sturdy") == []
        call_command("reindex_search", verbosity=0)
        assert found(client, "sturdy") == ["Sturdy essay"] == found(client, "bricks")
        assert indexed_rows() == 1

    def test_command_drops_documents_of_missing_posts(self, make_post):
        make_post()
        call_command("reindex_search", verbosity=0)
        assert SearchDocument.objects.count() == 1


class TestPaging:
    @pytest.fixture
    def twelve(self, make_post):
        for n in range(12):
            make_post(title=f"Moving essay {n}")

    @pytest.mark.parametrize("page", ["3", "0", "-1", "²", "³", "¹", "abc", "1.5", "9" * 30])
    def test_pages_that_do_not_exist_are_404s(self, client, twelve, page):
        assert client.get("/search/", {"q": "moving", "page": page}).status_code == 404

    def test_pages_that_exist(self, client, twelve):
        first = client.get("/search/", {"q": "moving", "page": "1"}).context["post_list"]
        second = client.get("/search/", {"q": "moving", "page": "2"}).context["post_list"]
        assert len(first) == 10 and len(second) == 2
        assert not {p.pk for p in first} & {p.pk for p in second}

    def test_no_match_is_one_empty_page(self, client, twelve):
        response = client.get("/search/", {"q": "zeppelin", "page": "1"})
        assert response.status_code == 200 and response.context["result_count"] == 0
        assert client.get("/search/", {"q": "zeppelin", "page": "2"}).status_code == 404

    def test_page_query_count_is_fixed(self, client, twelve, django_assert_num_queries):
        # count, ranked page (ids and, on SQLite, snippets), its posts and authors, their tags;
        # PostgreSQL's headlines for the page (SQLite's came with the ids).
        # Plus the page cache's content-version read, the cards' videos (attached, inline) and
        # their comment counts.
        with django_assert_num_queries(8):
            found(client, "moving")


class TestOddQueries:
    @pytest.mark.parametrize(
        "query",
        [
            "-" * 60,
            "a-" * 60,
            "-a " * 60,
            "a - " * 60,
            "a-b-c-d-e-f-g-h-i-j-k-l-m-n-o-p-q-r-s-t-u-v-w-x-y-z-a-b-c-d-e-f-g-h-i-j-k-l-m-n",
            '"' + "-word " * 40 + '"',
            "!(" * 60,
            "a <-> b & c | d:* ! ( ) ' \\",
            'NEAR(a b) OR "x" AND title:moving * ^ {}',
            "\x00moving\x00",
            "_ __ ___",
            "the and of",  # stop words only
            "-moving",  # exclusions only
        ],
    )
    def test_never_an_error(self, client, make_post, query):
        make_post(title="Moving a-b-c word")
        response = client.get("/search/", {"q": query})
        assert response.status_code == 200
        assert "Search" in response.content.decode()

    def test_terms_are_bounded(self):
        assert sum(len(c.words) for c in parse_query("a-" * 60)) == MAX_TERMS
        assert sum(len(c.words) for c in parse_query("w " * 500)) == 1  # distinct only
        assert sum(len(c.words) for c in parse_query(" ".join(f"w{n}" for n in range(50)))) == 8


class TestLanguage:
    def test_stemming_on_both_databases(self, client, make_post):
        make_post(title="Dancers", body="She dances across the floor.")
        assert found(client, "dancing") == ["Dancers"]

    def test_phrases_and_exclusions(self, client, make_post):
        make_post(title="The moving room")
        make_post(title="Tunnels", body="One moving man in a tunnel; the room was dark.")
        assert found(client, '"moving room"') == ["The moving room"]
        assert found(client, "moving -tunnel") == ["The moving room"]
        assert found(client, 'room -"moving man"') == ["The moving room"]

    @pytest.mark.skipif("connection.vendor != 'sqlite'", reason="PostgreSQL has no unaccent here")
    def test_accents_are_folded(self, client, make_post):
        make_post(title="Café society")
        assert found(client, "cafe") == ["Café society"]
