"""An Author's reach (issue 11, item 12): edits to a published post wait for an Editor, and
nothing that only another author's drafts use is shown to them."""

import re

import pytest
from django.contrib.auth.models import Group
from test_admin import post_form

from blog.models import PendingChange, Post, PostVideo
from videos.services import video_get_or_create_from_url

pytestmark = pytest.mark.django_db


def member(make_user, group, **fields):
    user = make_user(is_staff=True, **fields)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def writer(make_user):
    return member(make_user, "Author", username="ana")


@pytest.fixture
def other_writer(make_user):
    return member(make_user, "Author", username="otto")


@pytest.fixture
def chief(make_user):
    return member(make_user, "Editor", username="eda", first_name="Eda")


def change_url(post):
    return f"/admin/blog/post/{post.pk}/change/"


def review_url(post):
    return f"/admin/blog/post/{post.pk}/review/"


def edit(client, post, **changes):
    data = post_form(
        title=post.title, slug=post.slug, body=post.body, excerpt=post.excerpt, tags="live"
    )
    data.update(changes)
    return client.post(change_url(post), data)


@pytest.fixture
def published(make_post, writer):
    return make_post(title="Live title", body="Live body.", author=writer, tags=["live"])


class TestHeldEdits:
    def test_an_authors_edit_of_a_published_post_waits(self, client, writer, published):
        client.force_login(writer)
        date = published.published_at
        response = edit(
            client, published, title="New title", slug="new-slug", body="New body.", tags="new"
        )
        assert response.status_code == 302 and response["Location"] == change_url(published)
        published.refresh_from_db()
        assert (published.title, published.slug, published.body) == (
            "Live title",
            published.slug,
            "Live body.",
        )
        assert list(published.tags.names()) == ["live"]
        assert published.is_published and published.published_at == date
        held = PendingChange.objects.get(post=published)
        assert (held.title, held.slug, held.body, held.tag_names, held.created_by) == (
            "New title",
            "new-slug",
            "New body.",
            ["new"],
            writer,
        )
        page = client.get(published.get_absolute_url()).content.decode()
        assert "Live body." in page and "New body." not in page

    def test_the_author_sees_their_change_awaits_review_and_keeps_editing_it(
        self, client, writer, published
    ):
        client.force_login(writer)
        saved = edit(client, published, body="Held body.")
        assert "kept for review" in client.get(saved["Location"]).content.decode()
        html = client.get(change_url(published)).content.decode()
        assert "await an editor’s review" in html
        assert "Held body." in html  # the form shows their version, not the live one
        again = edit(client, published, body="Held again.")
        assert again.status_code == 302
        assert PendingChange.objects.get().body == "Held again."  # one pending change, replaced

    def test_an_unchanged_save_holds_nothing(self, client, writer, published):
        client.force_login(writer)
        assert edit(client, published).status_code == 302
        assert not PendingChange.objects.exists()

    def test_drafts_are_still_edited_directly(self, client, writer, make_post):
        draft = make_post(author=writer, status=Post.Status.DRAFT, published_at=None)
        client.force_login(writer)
        assert edit(client, draft, body="Straight in.", tags="").status_code == 302
        draft.refresh_from_db()
        assert draft.body == "Straight in." and not PendingChange.objects.exists()

    def test_editors_edits_go_live(self, client, chief, published):
        client.force_login(chief)
        data = {"author": published.author.pk, "status": "published"}
        data["published_at_0"] = published.published_at.strftime("%Y-%m-%d")
        data["published_at_1"] = published.published_at.strftime("%H:%M:%S")
        assert edit(client, published, body="Editor's fix.", **data).status_code == 302
        published.refresh_from_db()
        assert published.body == "Editor's fix." and not PendingChange.objects.exists()

    def test_restoring_a_revision_is_held_too(self, client, writer, published):
        old = published.revisions.get()
        client.force_login(writer)
        edit(client, published, body="Held.")
        published.body = "Edited by script."
        published.save()
        client.post(f"/admin/blog/post/{published.pk}/revisions/{old.pk}/restore/")
        published.refresh_from_db()
        assert published.body == "Edited by script."
        assert PendingChange.objects.get().body == old.body

    def test_videos_and_featured_image_of_a_published_post_are_read_only(
        self, client, writer, published
    ):
        video, _ = video_get_or_create_from_url(url="https://vimeo.com/76979871")
        PostVideo.objects.create(post=published, video=video, caption="Keep me")
        client.force_login(writer)
        html = client.get(change_url(published)).content.decode()
        assert 'name="featured_image"' not in html
        assert 'name="video_attachments-0-caption"' not in html
        assert "changed by editors" in html


class TestApproval:
    @pytest.fixture
    def held(self, client, writer, published):
        client.force_login(writer)
        edit(client, published, title="Better <title>", body="Better body.", tags="live, new")
        client.logout()
        return PendingChange.objects.get()

    def test_editors_see_pending_changes_in_the_list_and_the_form(self, client, chief, held):
        client.force_login(chief)
        listing = client.get("/admin/blog/post/").content.decode()
        assert "pending changes by ana" in listing
        form = client.get(change_url(held.post)).content.decode()
        assert "Pending changes by ana" in form and review_url(held.post) in form

    def test_the_review_page_shows_an_escaped_diff_and_approve(self, client, chief, held):
        client.force_login(chief)
        html = client.get(review_url(held.post)).content.decode()
        assert "<ins>&lt;title&gt;</ins>" in html and "<del>Live</del>" in html
        assert "<title>Better" not in html and "<ins>Better</ins> body." in html
        assert re.search(r"<ins>[^<]*new</ins>", html)  # the added tag
        assert 'value="approve"' in html

    def test_approving_puts_the_change_live(self, client, chief, held, writer):
        post = held.post
        client.force_login(chief)
        response = client.post(review_url(post), {"decision": "approve"})
        assert response.status_code == 302
        post.refresh_from_db()
        assert (post.title, post.body) == ("Better <title>", "Better body.")
        assert sorted(post.tags.names()) == ["live", "new"]
        assert post.is_published and not PendingChange.objects.exists()
        assert post.revisions.first().created_by == writer
        assert "Better body." in client.get(post.get_absolute_url()).content.decode()

    def test_discarding_keeps_the_live_post(self, client, chief, held):
        client.force_login(chief)
        client.post(review_url(held.post), {"decision": "discard"})
        held.post.refresh_from_db()
        assert held.post.title == "Live title" and not PendingChange.objects.exists()

    def test_authors_cannot_approve_but_may_withdraw(self, client, writer, held):
        client.force_login(writer)
        html = client.get(review_url(held.post)).content.decode()
        assert 'value="approve"' not in html and "Withdraw my changes" in html
        assert client.post(review_url(held.post), {"decision": "approve"}).status_code == 403
        held.post.refresh_from_db()
        assert held.post.title == "Live title"
        client.post(review_url(held.post), {"decision": "discard"})
        assert not PendingChange.objects.exists()

    def test_another_author_cannot_reach_the_review(self, client, other_writer, held):
        client.force_login(other_writer)
        assert client.get(review_url(held.post)).status_code == 404
        assert client.post(review_url(held.post), {"decision": "discard"}).status_code == 404
        assert PendingChange.objects.exists()

    def test_a_slug_taken_since_is_a_clear_error(self, client, chief, writer, published, make_post):
        client.force_login(writer)
        edit(client, published, slug="wanted")
        make_post(slug="wanted")
        client.force_login(chief)
        response = client.post(review_url(published), {"decision": "approve"}, follow=True)
        assert "has taken the address" in response.content.decode()
        assert PendingChange.objects.exists()


class TestVisibility:
    @pytest.fixture
    def secrets(self, make_post, other_writer):
        draft = make_post(
            author=other_writer,
            status=Post.Status.DRAFT,
            published_at=None,
            tags=["Secret project"],
            body="https://vimeo.com/76979871",
        )
        video = draft.inline_videos.get()
        video.title = "Secret video title"
        video.save()
        return draft

    def test_tag_suggestions_hide_other_authors_draft_tags(
        self, client, writer, secrets, make_post
    ):
        make_post(tags=["Seen by all"])
        make_post(author=writer, status=Post.Status.DRAFT, published_at=None, tags=["Sketch"])
        client.force_login(writer)
        names = client.get("/admin/blog/post/tag-suggestions/?q=s").json()["tags"]
        assert "Secret project" not in names
        assert {"Seen by all", "Sketch"} <= set(names)

    def test_editors_get_every_tag(self, client, chief, secrets):
        client.force_login(chief)
        assert (
            "Secret project" in client.get("/admin/blog/post/tag-suggestions/?q=s").json()["tags"]
        )

    def test_post_list_filter_and_tag_admin_hide_them(self, client, writer, secrets, make_post):
        make_post(author=writer, tags=["Mine"])
        client.force_login(writer)
        listing = client.get("/admin/blog/post/").content.decode()
        assert "Secret project" not in listing and "Mine" in listing
        tags = client.get("/admin/blog/tag/").content.decode()
        assert "Secret project" not in tags and "Mine" in tags

    def test_video_admin_hides_other_authors_draft_videos(self, client, writer, chief, secrets):
        client.force_login(writer)
        html = client.get("/admin/videos/video/").content.decode()
        assert "Secret video title" not in html
        video = secrets.inline_videos.get()
        assert client.get(f"/admin/videos/video/{video.pk}/change/").status_code == 302
        client.force_login(chief)
        assert "Secret video title" in client.get("/admin/videos/video/").content.decode()
