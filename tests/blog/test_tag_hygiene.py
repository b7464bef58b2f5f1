"""Tag hygiene: the author's order and spelling, near-duplicates asked about, forgiving suggestions."""

import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from test_admin import post_form

from blog import review
from blog.models import Post, Tag
from blog.tag_names import parse_tag_string, tag_match_key, tag_string

pytestmark = pytest.mark.django_db

ADD = "/admin/blog/post/add/"


@pytest.mark.parametrize(
    "one, other",
    [
        ("music videos", "music video"),
        ("Music Videos", "music video"),
        ("music-video", "music video"),
        ("musicvideo", "Music Video"),
        ("Björk", "Bjork"),
        ("BJÖRK", "björk"),
        ("Agnès Varda", "agnes varda"),
        ("boxes", "box"),
        ("movies", "movie"),
        ("glasses", "glass"),
        ("Beastie Boys", "Beastie Boy"),
        ("hip_hop", "Hip-Hop"),
    ],
)
def test_near_duplicates_share_a_key(one, other):
    assert tag_match_key(one) == tag_match_key(other)


@pytest.mark.parametrize(
    "one, other",
    [
        ("glass", "gla"),
        ("music video", "music"),
        ("1990s", "2000s"),
        ("映画", "映像"),
        ("!!!", "🎬"),
    ],
)
def test_different_names_keep_different_keys(one, other):
    assert tag_match_key(one) != tag_match_key(other)


@pytest.mark.parametrize(
    "text, names",
    [
        ("Mark Romanek, music videos, Nine Inch Nails, 1990s",
         ["Mark Romanek", "music videos", "Nine Inch Nails", "1990s"]),
        ("Mark Romanek", ["Mark Romanek"]),  # one name with a space: not two tags
        ('"a, b", c', ["a, b", "c"]),
        ("  spaced   out ,, ,x", ["spaced out", "x"]),
        ("Film, film, FILM", ["Film"]),
        ("", []),
        ('"unclosed, quote', ["unclosed, quote"]),
    ],
)  # fmt: skip
def test_the_field_parses_in_the_authors_order(text, names):
    assert parse_tag_string(text) == names


def test_the_field_text_round_trips():
    names = ["Mark Romanek", "music videos", "a, b", "1990s"]
    assert tag_string(names) == 'Mark Romanek, music videos, "a, b", 1990s'
    assert parse_tag_string(tag_string(names)) == names


# --- Through the admin --------------------------------------------------------------------------


@pytest.fixture
def editor(make_user):
    user = make_user(username="eda", is_staff=True)
    user.groups.add(Group.objects.get(name="Editor"))
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def save(client, url=ADD, **fields):
    return client.post(url, post_form(**fields))


def shown_tags(client, post) -> str:
    page = client.get(f"/admin/blog/post/{post.pk}/change/")
    return page.context["adminform"].form["tags"].value()


def test_order_and_spelling_survive_a_save(editor_client, editor):
    typed = "Mark Romanek, music videos, Nine Inch Nails, 1990s"
    response = save(editor_client, tags=typed, author=editor.pk, status="published")
    assert response.status_code == 302
    post = Post.objects.get()
    assert list(post.tags.names()) == ["Mark Romanek", "music videos", "Nine Inch Nails", "1990s"]
    assert tag_string(shown_tags(editor_client, post)) == typed
    page = editor_client.get(post.get_absolute_url()).content.decode()
    positions = [page.index(f">{name}</a>") for name in parse_tag_string(typed)]
    assert positions == sorted(positions)


def test_a_new_order_alone_is_saved_and_shown_at_once(editor_client, editor, client, make_post):
    post = make_post(tags=["Spike Jonze", "1990s", "music video"])
    assert client.get(post.get_absolute_url()).status_code == 200  # cached for readers
    data = dict(
        title=post.title, slug=post.slug, body=post.body, author=editor.pk, status="published",
        published_at_0=post.published_at.strftime("%Y-%m-%d"),
        published_at_1=post.published_at.strftime("%H:%M:%S"),
    )  # fmt: skip
    response = save(
        editor_client,
        f"/admin/blog/post/{post.pk}/change/",
        tags="1990s, music video, Spike Jonze",
        **data,
    )
    assert response.status_code == 302
    assert list(Post.objects.get(pk=post.pk).tags.names()) == [
        "1990s",
        "music video",
        "Spike Jonze",
    ]
    editor_client.logout()
    page = client.get(post.get_absolute_url()).content.decode()
    assert page.index(">1990s<") < page.index(">music video<") < page.index(">Spike Jonze<")


def test_prefetched_listings_keep_each_posts_order(make_post, client):
    make_post(tags=["b", "a", "c"])
    make_post(tags=["c", "b"])
    posts = list(Post.objects.published().for_listing().order_by("pk"))
    assert [[t.name for t in p.tags.all()] for p in posts] == [["b", "a", "c"], ["c", "b"]]


class TestNearDuplicates:
    @pytest.fixture(autouse=True)
    def as_editor(self, editor):
        self.author = editor.pk

    @pytest.fixture
    def existing(self, make_post):
        make_post(tags=["music video", "Björk"])
        return Tag.objects.get(name="music video"), Tag.objects.get(name="Björk")

    def test_saving_a_near_duplicate_asks_first_and_keeps_everything(self, editor_client, existing):
        response = save(
            editor_client,
            author=self.author,
            tags="Spike Jonze, music videos, Bjork",
            body="Every word I wrote.",
        )
        assert response.status_code == 200
        page = response.content.decode()
        assert "“music videos” looks like the existing tag “music video”" in page
        assert "“Bjork” looks like the existing tag “Björk”" in page
        assert f'value="existing:{existing[0].pk}"' in page and 'value="new"' in page
        assert "Every word I wrote." in page and "Spike Jonze, music videos, Bjork" in page
        assert Post.objects.count() == 1 and Tag.objects.count() == 2

    def test_choosing_the_existing_tag_uses_it_in_place(self, editor_client, existing):
        music, bjork = existing
        response = save(
            editor_client,
            author=self.author,
            tags="Spike Jonze, music videos, Bjork",
            tag_choice_musicvideo=f"existing:{music.pk}",
            tag_choice_bjork=f"existing:{bjork.pk}",
        )
        assert response.status_code == 302, response.context["adminform"].form.errors
        assert list(Post.objects.latest("pk").tags.names()) == [
            "Spike Jonze",
            "music video",
            "Björk",
        ]
        assert not Tag.objects.filter(name__in=["music videos", "Bjork"]).exists()

    def test_creating_anyway_makes_the_new_tag(self, editor_client, existing):
        response = save(
            editor_client, author=self.author, tags="music videos", tag_choice_musicvideo="new"
        )
        assert response.status_code == 302
        assert list(Post.objects.latest("pk").tags.names()) == ["music videos"]
        # Once it exists it is a tag of its own: the next save asks nothing.
        assert (
            save(
                editor_client, author=self.author, tags="music videos", title="Another"
            ).status_code
            == 302
        )

    @pytest.mark.parametrize(
        "answer", ["", "existing:0", "existing:abc", "existing:99999", "x" * 500]
    )
    def test_an_odd_answer_asks_again(self, editor_client, existing, answer):
        response = save(
            editor_client, author=self.author, tags="music videos", tag_choice_musicvideo=answer
        )
        assert (
            response.status_code == 200
            and "looks like the existing tag" in response.content.decode()
        )

    def test_a_case_variant_is_the_existing_tag_without_a_question(self, editor_client, existing):
        assert save(editor_client, author=self.author, tags="Music Video, BJÖRK").status_code == 302
        assert list(Post.objects.latest("pk").tags.names()) == ["music video", "Björk"]
        assert Tag.objects.count() == 2

    def test_an_author_is_not_told_of_tags_only_others_drafts_use(
        self, client, make_user, make_post
    ):
        make_post(tags=["secret project"], status=Post.Status.DRAFT, published_at=None)
        writer = make_user(username="ana", is_staff=True)
        writer.groups.add(Group.objects.get(name="Author"))
        client.force_login(writer)
        response = save(client, tags="secret projects")
        assert response.status_code == 302
        saved = Post.objects.get(title="An essay on Sabotage")
        assert list(saved.tags.names()) == ["secret projects"]


def test_too_many_tags_are_refused(editor_client, editor):
    response = save(editor_client, author=editor.pk, tags=", ".join(f"tag {n}" for n in range(60)))
    assert response.status_code == 200 and "at most 50 tags" in response.content.decode()


def test_a_held_change_keeps_the_authors_order(make_post, make_user):
    writer = make_user(username="ana", is_staff=True)
    writer.groups.add(Group.objects.get(name="Author"))
    post = make_post(author=writer, tags=["a", "b"])
    change = review.post_change_hold(post=post, user=writer, tag_names=["b", "a"])
    assert change is not None and change.tag_names == ["b", "a"]


# --- Suggestions -------------------------------------------------------------------------------


class TestSuggestions:
    @pytest.fixture
    def tags(self, make_post):
        make_post(tags=["music video", "Björk", "Michel Gondry", "musical", "1990s"])

    def suggest(self, client, q):
        response = client.get(reverse("admin:blog_post_tag_suggestions"), {"q": q})
        assert response.status_code == 200
        return response.json()

    @pytest.mark.parametrize(
        "typed, first",
        [("Music Videos", "music video"), ("music-video", "music video"), ("Bjork", "Björk"),
         ("bjö", "Björk"), ("gondry", "Michel Gondry"), ("1990", "1990s")],
    )  # fmt: skip
    def test_forgiving_matches_offer_the_existing_tag(self, editor_client, tags, typed, first):
        json = self.suggest(editor_client, typed)
        assert json["tags"][0] == first

    def test_the_existing_tag_is_named(self, editor_client, tags):
        assert self.suggest(editor_client, "Music Videos")["existing"] == "music video"
        assert "existing" not in self.suggest(editor_client, "Mus")

    @pytest.mark.parametrize("q", ["", " ", "%", "_", "'", "\x00", "é" * 500, "🎬", "a,b"])
    def test_odd_input_gets_an_answer(self, editor_client, tags, q):
        assert isinstance(self.suggest(editor_client, q)["tags"], list)


def test_each_question_has_its_own_radio_group():
    from blog.tag_names import NearDuplicate

    names = ["映画", "映像", "Bjork", "music videos", "!!!", "🎬"]
    groups = {NearDuplicate(typed=name, existing=()).choice_name for name in names}
    assert len(groups) == len(names)
    assert all(re.fullmatch(r"tag_choice_\w+", group, flags=re.ASCII) for group in groups)


def test_the_tag_admin_asks_before_adding_a_near_duplicate(editor_client, make_post):
    make_post(tags=["music video"])
    data = {"name": "Music Videos", "slug": "", "description": ""}
    response = editor_client.post("/admin/blog/tag/add/", data)
    assert response.status_code == 200
    assert "looks like the existing tag “music video”" in response.content.decode()
    response = editor_client.post("/admin/blog/tag/add/", {**data, "create_anyway": "on"})
    assert response.status_code == 302 and Tag.objects.filter(name="Music Videos").exists()
    # Editing the tag later asks nothing more: only other tags count.
    tag = Tag.objects.get(name="Music Videos")
    edit = {"name": "Music Videos", "slug": tag.slug, "description": "Clips."}
    assert editor_client.post(f"/admin/blog/tag/{tag.pk}/change/", edit).status_code == 302
