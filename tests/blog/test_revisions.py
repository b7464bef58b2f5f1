"""Every save keeps the text; the admin shows what changed and restores any revision."""

import pytest
from test_admin import post_form

from blog import diffs, services
from blog.models import Post, RetiredPostSlug, Revision

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(admin_user):
    """pytest-django's superuser, with a name the history shows."""
    admin_user.first_name, admin_user.last_name = "Bea", "Boss"
    admin_user.save()
    return admin_user


def edit(client, post, **changes):
    data = post_form(
        title=post.title,
        slug=post.slug,
        body=post.body,
        excerpt=post.excerpt,
        author=post.author.pk,
        status=post.status,
        tags="",
    )
    data.update(changes)
    response = client.post(f"/admin/blog/post/{post.pk}/change/", data)
    assert response.status_code == 302, response.context and response.context["adminform"].errors
    post.refresh_from_db()
    return post


class TestKeeping:
    def test_creating_a_post_keeps_its_first_revision(self, author):
        post = Post(title="First", body="One.", excerpt="E", author=author)
        services.post_save(post=post, user=author)
        revision = post.revisions.get()
        assert (revision.title, revision.body, revision.excerpt) == ("First", "One.", "E")
        assert revision.created_by == author

    def test_creating_a_post_in_the_admin_keeps_its_first_revision(self, admin_client, editor):
        data = post_form(title="Admin made", body="Text.", author=editor.pk, tags="")
        assert admin_client.post("/admin/blog/post/add/", data).status_code == 302
        revision = Post.objects.get(title="Admin made").revisions.get()
        assert (revision.body, revision.created_by) == ("Text.", editor)

    def test_a_plain_save_keeps_the_row_consistent_and_no_history(self, make_post):
        post = make_post(slug="plain", body="Before.")
        post.body, post.slug = "After *now*.", "plain-renamed"
        post.save()
        post.refresh_from_db()
        assert "<em>now</em>" in post.body_html  # rendering is part of the row
        assert post.revisions.count() == 1  # history is the writer's explicit call
        assert not RetiredPostSlug.objects.exists()

    def test_recording_history_twice_for_one_save_keeps_one_revision(self, make_post):
        post = make_post()
        post.body = "Changed."
        services.post_save(post=post)
        services.post_record_history(post=post)
        assert post.revisions.count() == 2

    def test_each_save_through_the_admin_keeps_who_and_what(self, admin_client, editor, draft):
        edit(admin_client, draft, body="Second version.")
        edit(admin_client, draft, title="Better title", body="Third version.")
        newest = draft.revisions.first()
        assert (newest.title, newest.body, newest.created_by) == (
            "Better title",
            "Third version.",
            editor,
        )
        assert draft.revisions.count() == 3

    def test_a_save_that_changes_no_text_adds_no_revision(self, make_post):
        post = make_post()
        post.status = Post.Status.DRAFT
        services.post_save(post=post)
        assert post.revisions.count() == 1

    def test_revisions_go_with_the_post(self, make_post):
        post = make_post()
        post.delete()
        assert not Revision.objects.exists()


class TestHistoryPage:
    def test_shows_a_readable_escaped_diff(self, admin_client, editor, draft):
        edit(admin_client, draft, body="The room moves.\n\nSecond paragraph.")
        edit(
            admin_client,
            draft,
            body="The floor moves. <script>alert(1)</script>\n\nSecond paragraph.",
        )
        response = admin_client.get(f"/admin/blog/post/{draft.pk}/revisions/")
        html = response.content.decode()
        assert response.status_code == 200
        assert "<del>room</del>" in html and "<ins>floor</ins>" in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "<script>alert(1)" not in html
        assert "by Bea Boss" in html
        assert html.count("Restore this revision") == 2  # all but the current text
        assert "<script>" not in html and " style=" not in html

    def test_change_form_links_to_revisions(self, admin_client, draft):
        html = admin_client.get(f"/admin/blog/post/{draft.pk}/change/").content.decode()
        assert f'href="/admin/blog/post/{draft.pk}/revisions/"' in html

    def test_restore_in_one_action(self, admin_client, editor, draft):
        original = draft.revisions.get()
        edit(admin_client, draft, title="Rewritten", body="All new.", excerpt="New excerpt")
        response = admin_client.post(
            f"/admin/blog/post/{draft.pk}/revisions/{original.pk}/restore/"
        )
        assert response.status_code == 302
        assert response["Location"] == f"/admin/blog/post/{draft.pk}/change/"
        draft.refresh_from_db()
        assert (draft.title, draft.body, draft.excerpt) == (
            original.title,
            original.body,
            original.excerpt,
        )
        assert draft.revisions.count() == 3  # the rewrite is still there to go back to
        assert draft.revisions.first().created_by == editor

    def test_restore_needs_post(self, admin_client, draft):
        revision = draft.revisions.get()
        url = f"/admin/blog/post/{draft.pk}/revisions/{revision.pk}/restore/"
        assert admin_client.get(url).status_code == 405

    def test_a_revision_of_another_post_cannot_be_restored_here(
        self, admin_client, draft, make_post
    ):
        other = make_post().revisions.get()
        url = f"/admin/blog/post/{draft.pk}/revisions/{other.pk}/restore/"
        assert admin_client.post(url).status_code == 404


def test_text_diff_marks_changed_words_and_collapses_unchanged_lines():
    old = "\n".join(f"line {n}" for n in range(10))
    new = old.replace("line 5", "line five")
    lines = diffs.text_diff(old, new)
    kinds = [line.kind for line in lines]
    assert kinds == ["same", "removed", "added", "same"]
    assert (True, "5") in lines[1].parts and (True, "five") in lines[2].parts


def test_history_page_query_count(admin_client, draft, django_assert_max_num_queries):
    for n in range(8):
        draft.body = f"Version {n}"
        services.post_save(post=draft)
    with django_assert_max_num_queries(10):
        assert admin_client.get(f"/admin/blog/post/{draft.pk}/revisions/").status_code == 200
