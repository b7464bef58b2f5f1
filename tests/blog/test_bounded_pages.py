"""Pages whose size does not grow with the site: tag pages paginate, the "narrow down" table
shows the few most shared tags, feeds carry the latest 20; visibility lives on the queryset."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.utils import timezone

from blog.models import Post
from blog.tag_selection import TagSelection
from blog.views import NARROWING_TAGS

pytestmark = pytest.mark.django_db


@pytest.fixture
def crowded_tag(make_post, settings):
    """A tag on more posts than one page holds, sharing them with many other tags.

    Tag "t00" is on every post, "t01" on all but one, ... so the most shared come first.
    """
    posts = []
    for n in range(settings.POSTS_PER_PAGE + 5):
        others = [f"t{k:02d}" for k in range(20 - n % 20)]
        posts.append(make_post(title=f"Crowded {n}", tags=["crowd", *others]))
    return posts


def test_narrowing_shows_only_the_most_shared_tags(client, crowded_tag):
    response = client.get("/tags/crowd/")
    shown = [option["tag"].slug for option in response.context["narrowing"]]
    assert len(shown) == NARROWING_TAGS
    selection = TagSelection.from_slugs(["crowd"])
    expected = [tag.slug for tag in selection.co_occurring()[:NARROWING_TAGS]]
    assert shown == expected
    counts = [option["with_count"] for option in response.context["narrowing"]]
    assert counts == sorted(counts, reverse=True)
    assert "t19" in [tag.slug for tag in selection.co_occurring()]  # exists, but not shown
    html = response.content.decode()
    assert f"The {NARROWING_TAGS} tags most often found on these 15 essays" in html
    assert 'href="/tags/crowd+t19/"' not in html


def test_a_short_narrowing_table_says_it_is_complete(client, make_post):
    make_post(tags=["a", "b"])
    html = client.get("/tags/a/").content.decode()
    assert "Other tags on this essay:" in html and "these 1" not in html  # ngettext


@pytest.mark.parametrize("url", ["/tags/crowd/", "/tags/crowd+t00/without/t18/"])
def test_tag_page_query_count_is_fixed(client, crowded_tag, django_assert_num_queries, url):
    # tags named in the URL, the count, the page of posts (with authors), their tags, the
    # +1: the approved comment counts of every card, in one query (comments_tags)
    # co-occurring tags: the same however many posts and tags there are. +1: the content
    # version read by blog.page_cache; +2: the videos that may lend a card its poster.
    with django_assert_num_queries(9):
        assert client.get(url).status_code == 200
    # The next page shares the selection's count and co-occurring tags, kept under the
    # content version by the first: -2.
    with django_assert_num_queries(7):
        assert client.get(url + "?page=2").status_code == 200


@pytest.mark.parametrize("url", ["/feed/", "/feed/atom/", "/tags/many/feed/"])
def test_feeds_carry_the_latest_twenty(client, make_post, url):
    now = timezone.now()
    for n in range(23):
        make_post(title=f"Feed essay {n:02d}", tags=["many"], published_at=now - timedelta(n + 1))
    body = client.get(url).content.decode()
    assert body.count("Feed essay") == 20 * body.count("Feed essay 00")
    assert "Feed essay 19" in body and "Feed essay 20" not in body


class TestVisibleTo:
    @pytest.fixture
    def posts(self, make_post, make_user):
        writer = make_user(username="author-role", is_staff=True)
        writer.groups.add(Group.objects.get(name="Author"))
        later = timezone.now() + timedelta(days=2)
        return {
            "writer": writer,
            "published": make_post(),
            "own_draft": make_post(author=writer, status="draft", published_at=None),
            "own_scheduled": make_post(author=writer, published_at=later),
            "other_draft": make_post(status="draft", published_at=None),
            "other_scheduled": make_post(published_at=later),
        }

    def visible(self, user, posts):
        ids = set(Post.objects.visible_to(user).values_list("pk", flat=True))
        return {name for name, post in posts.items() if name != "writer" and post.pk in ids}

    def test_readers_see_published_posts_only(self, posts, make_user):
        assert self.visible(AnonymousUser(), posts) == {"published"}
        assert self.visible(make_user(), posts) == {"published"}
        # staff rights without the staff flag open nothing
        assert self.visible(make_user(is_superuser=True), posts) == {"published"}

    def test_authors_also_see_their_own_drafts_and_scheduled_posts(self, posts):
        assert self.visible(posts["writer"], posts) == {
            "published",
            "own_draft",
            "own_scheduled",
        }

    def test_editors_see_everything(self, posts, make_user):
        editor = make_user(is_staff=True)
        editor.groups.add(Group.objects.get(name="Editor"))
        assert self.visible(editor, posts) == set(posts) - {"writer"}


class TestPostPageQueries:
    """The post page reads visibility from the queryset, in the same queries for everyone."""

    @pytest.fixture
    def essay(self, make_post, author):
        for n in range(3):
            make_post(tags=["a", f"t{n}"])
        return make_post(tags=["a", "b", "c"], body="https://youtu.be/dQw4w9WgXcQ")

    # the post with its author, its tags, inline and attached videos (and their chapters);
    # previous, next, related posts; +1: the content version read by blog.page_cache;
    # +2: the videos that may lend the related essays' cards a poster (attached, inline)
    READER_QUERIES = 11  # see test_for_a_reader for the comments' part

    def test_for_a_reader(self, client, essay, django_assert_num_queries):
        # + the content version (blog.page_cache); the comment settings and the comments
        with django_assert_num_queries(self.READER_QUERIES + 3):
            assert client.get(essay.get_absolute_url()).status_code == 200

    def test_an_author_previewing_a_draft_adds_only_who_they_are(
        self, client, make_user, make_post, django_assert_num_queries
    ):
        writer = make_user(username="author-role", is_staff=True)
        writer.groups.add(Group.objects.get(name="Author"))
        own = make_post(author=writer, status="draft", published_at=None, tags=["a"])
        make_post(tags=["a"])  # a related essay: its card is one more query, as for readers
        client.force_login(writer)
        # + session, user and its two permission lookups; - previous and next (none for a draft);
        # - the content version (staff pages are never cached); + the cited moments, the
        # comment settings and the comments, as the reader's page has them
        with django_assert_num_queries(self.READER_QUERIES + 1) as captured:
            response = client.get(own.get_absolute_url())
        assert response.status_code == 200 and response.context["is_preview"]
        assert "django_session" in captured[0]["sql"]
