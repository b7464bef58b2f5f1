"""The writing desk's server side: autosave revisions and images pasted or dropped into a body.

Autosave keeps the writer's text as their own autosave revision of the post and never changes
the post (a draft or a live essay); uploads go through the Images admin's own form. Both respect
roles, CSRF and the limits, and a refusal says why.
"""

import io

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image as PILImage
from test_admin import post_form

from blog.models import Image, Post, Revision

pytestmark = pytest.mark.django_db

UPLOAD = "/admin/blog/post/image-upload/"


def autosave_url(post):
    return f"/admin/blog/post/{post.pk}/autosave/"


@pytest.fixture
def writer(make_user):
    user = make_user(username="ana", is_staff=True)
    user.groups.add(Group.objects.get(name="Author"))
    return user


@pytest.fixture
def other_writer(make_user):
    user = make_user(username="otto", is_staff=True)
    user.groups.add(Group.objects.get(name="Author"))
    return user


@pytest.fixture
def chief(make_user):
    user = make_user(username="eda", is_staff=True)
    user.groups.add(Group.objects.get(name="Editor"))
    return user


@pytest.fixture
def draft(make_post, writer):
    """A draft of the Author signed in (the shared fixture's author is not staff)."""
    return make_post(
        author=writer,
        title="Secret draft essay",
        body="Draft body.",
        status=Post.Status.DRAFT,
        published_at=None,
    )


def signed_in(user, *, csrf_checks=False):
    client = Client(enforce_csrf_checks=csrf_checks)
    client.force_login(user)
    return client


def png(size=(64, 48)) -> bytes:
    out = io.BytesIO()
    PILImage.new("RGB", size, "teal").save(out, format="PNG")
    return out.getvalue()


TEXT = {"title": "A better title", "body": "Words typed since the last save.", "excerpt": "Short."}


class TestAutosave:
    def test_keeps_a_revision_and_leaves_a_published_essay_as_readers_see_it(
        self, make_post, writer
    ):
        post = make_post(author=writer, title="Live title", body="Live body.")
        response = signed_in(writer).post(autosave_url(post), TEXT)
        assert response.status_code == 200
        assert response.json()["label"].startswith("Autosaved at ")
        post.refresh_from_db()
        assert (post.title, post.body) == ("Live title", "Live body.")
        kept = Revision.objects.get(post=post, is_autosave=True)
        assert (kept.title, kept.body, kept.excerpt, kept.created_by) == (
            *TEXT.values(),
            writer,
        )

    def test_a_draft_is_not_changed_either(self, draft):
        signed_in(draft.author).post(autosave_url(draft), TEXT)
        draft.refresh_from_db()
        assert (draft.title, draft.body) == ("Secret draft essay", "Draft body.")

    def test_one_autosave_per_writer_replaced_each_time(self, draft):
        client = signed_in(draft.author)
        for n in range(5):
            client.post(autosave_url(draft), {**TEXT, "body": f"version {n}"})
        kept = Revision.objects.filter(post=draft, is_autosave=True)
        assert kept.count() == 1 and kept.get().body == "version 4"

    def test_reopening_returns_the_autosave_newer_than_the_last_save(self, draft):
        client = signed_in(draft.author)
        assert client.get(autosave_url(draft)).json() == {"autosave": None}
        client.post(autosave_url(draft), TEXT)
        kept = client.get(autosave_url(draft)).json()["autosave"]
        assert kept["body"] == TEXT["body"] and kept["title"] == TEXT["title"]
        assert kept["newer"] is True and kept["saved_label"]

    def test_saving_the_form_supersedes_the_autosave_and_history_shows_saves_only(
        self, draft, writer
    ):
        client = signed_in(writer)
        client.post(autosave_url(draft), TEXT)
        response = client.post(
            f"/admin/blog/post/{draft.pk}/change/",
            post_form(title=TEXT["title"], body=TEXT["body"], _save_draft="1"),
        )
        assert response.status_code == 302
        assert not Revision.objects.filter(post=draft, is_autosave=True).exists()
        draft.refresh_from_db()
        assert draft.body == TEXT["body"]
        # The saved text is a revision of its own, even though the autosave held the same text.
        assert draft.revisions.filter(is_autosave=False).first().body == TEXT["body"]

    def test_history_does_not_list_autosaves(self, draft):
        client = signed_in(draft.author)
        client.post(autosave_url(draft), {**TEXT, "body": "unsaved thought"})
        page = client.get(f"/admin/blog/post/{draft.pk}/revisions/")
        assert page.status_code == 200
        assert "unsaved thought" not in page.content.decode()

    def test_discard_forgets_it(self, draft):
        client = signed_in(draft.author)
        client.post(autosave_url(draft), TEXT)
        assert client.post(autosave_url(draft), {"discard": "1"}).json() == {"discarded": True}
        assert not Revision.objects.filter(is_autosave=True).exists()

    def test_each_writer_has_their_own(self, make_post, writer, chief):
        post = make_post(author=writer, status=Post.Status.DRAFT, published_at=None)
        signed_in(writer).post(autosave_url(post), {**TEXT, "body": "the author's"})
        signed_in(chief).post(autosave_url(post), {**TEXT, "body": "the editor's"})
        assert signed_in(writer).get(autosave_url(post)).json()["autosave"]["body"] == (
            "the author's"
        )
        assert signed_in(chief).get(autosave_url(post)).json()["autosave"]["body"] == (
            "the editor's"
        )

    def test_an_author_cannot_autosave_or_read_another_authors_essay(
        self, make_post, writer, other_writer
    ):
        post = make_post(author=other_writer, status=Post.Status.DRAFT, published_at=None)
        signed_in(other_writer).post(autosave_url(post), TEXT)
        client = signed_in(writer)
        assert client.post(autosave_url(post), TEXT).status_code in (403, 404)
        assert client.get(autosave_url(post)).status_code in (403, 404)
        assert Revision.objects.filter(is_autosave=True).count() == 1

    def test_needs_a_staff_login(self, client, draft):
        response = client.post(autosave_url(draft), TEXT)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
        assert not Revision.objects.filter(is_autosave=True).exists()

    def test_needs_the_csrf_token(self, draft):
        client = signed_in(draft.author, csrf_checks=True)
        assert client.post(autosave_url(draft), TEXT).status_code == 403
        assert not Revision.objects.filter(is_autosave=True).exists()

    def test_a_body_over_the_limit_is_refused_with_the_reason(self, draft, settings):
        settings.CLOSER_MAX_BODY_BYTES = 1000
        response = signed_in(draft.author).post(autosave_url(draft), {**TEXT, "body": "x" * 1001})
        assert response.status_code == 413
        error = response.json()["error"]
        assert error.startswith("Not autosaved:") and "kept in this browser" in error
        assert not Revision.objects.filter(is_autosave=True).exists()

    @pytest.mark.parametrize(
        "data, reason",
        [
            ({"title": "x" * 201, "body": "b"}, "201 characters"),
            ({"title": "t", "body": "nul \x00 here"}, "NUL"),
            ({"title": "t"}, "nothing was sent"),
        ],
    )
    def test_bad_input_is_refused_calmly(self, draft, data, reason):
        response = signed_in(draft.author).post(autosave_url(draft), data)
        assert response.status_code == 400
        assert reason in response.json()["error"]

    def test_an_unknown_post_is_a_404_and_other_methods_are_refused(self, draft):
        client = signed_in(draft.author)
        assert client.post("/admin/blog/post/999999/autosave/", TEXT).status_code in (302, 404)
        assert client.put(autosave_url(draft), TEXT).status_code == 405

    def test_nothing_is_lost_a_deeply_nested_body_is_kept(self, draft):
        # The structure limit refuses saving and previewing it; autosave keeps the text anyway.
        body = "<div>" * 5000 + "deep" + "</div>" * 5000
        response = signed_in(draft.author).post(autosave_url(draft), {**TEXT, "body": body})
        assert response.status_code == 200
        assert Revision.objects.get(is_autosave=True).body == body


class TestImageUpload:
    def test_uploads_into_the_library_and_returns_the_shortcode(self, writer):
        response = signed_in(writer).post(
            UPLOAD,
            {"file": SimpleUploadedFile("still.png", png()), "alt_text": "A corridor"},
        )
        assert response.status_code == 201
        image = Image.objects.get()
        assert response.json()["shortcode"] == f"[image:{image.pk}]"
        assert (image.alt_text, image.uploaded_by, image.width) == ("A corridor", writer, 64)

    def test_decorative_needs_no_description(self, writer):
        response = signed_in(writer).post(
            UPLOAD, {"file": SimpleUploadedFile("d.png", png()), "decorative": "on"}
        )
        assert response.status_code == 201 and Image.objects.get().decorative

    def test_a_missing_description_is_refused(self, writer):
        response = signed_in(writer).post(UPLOAD, {"file": SimpleUploadedFile("d.png", png())})
        assert response.status_code == 400
        assert "alt_text" in response.json()["errors"] or "__all__" in response.json()["errors"]
        assert not Image.objects.exists()

    NOT_AN_IMAGE = (
        "This is not a JPEG, PNG, WebP, GIF or AVIF image. Other files, SVG included, "
        "are not accepted."
    )

    @pytest.mark.parametrize(
        "name, content, message",
        [
            ("notes.png", b"this is not a picture at all", NOT_AN_IMAGE),
            ("drawing.svg", b'<svg xmlns="http://www.w3.org/2000/svg"></svg>', NOT_AN_IMAGE),
            ("empty.png", b"", "The submitted file is empty."),
        ],
    )
    def test_a_refused_file_says_why_with_the_validators_message(
        self, writer, name, content, message
    ):
        response = signed_in(writer).post(
            UPLOAD, {"file": SimpleUploadedFile(name, content), "alt_text": "x"}
        )
        assert response.status_code == 400
        assert response.json()["error"] == message
        assert not Image.objects.exists()

    def test_the_size_limit_is_the_libraries(self, writer, settings):
        settings.CLOSER_MAX_UPLOAD_BYTES = 100
        response = signed_in(writer).post(
            UPLOAD, {"file": SimpleUploadedFile("big.png", png((400, 400))), "alt_text": "x"}
        )
        assert response.status_code == 400
        assert not Image.objects.exists()

    def test_no_file_is_refused(self, writer):
        response = signed_in(writer).post(UPLOAD, {"alt_text": "x"})
        assert response.status_code == 400 and response.json()["error"]

    def test_needs_the_permission_to_add_images(self, make_user):
        user = make_user(is_staff=True)
        response = signed_in(user).post(
            UPLOAD, {"file": SimpleUploadedFile("a.png", png()), "alt_text": "x"}
        )
        assert response.status_code == 403
        assert not Image.objects.exists()

    def test_needs_login_csrf_and_post(self, client, writer):
        data = {"file": SimpleUploadedFile("a.png", png()), "alt_text": "x"}
        assert client.post(UPLOAD, data).status_code == 302
        assert signed_in(writer, csrf_checks=True).post(UPLOAD, data).status_code == 403
        assert signed_in(writer).get(UPLOAD).status_code == 405
        assert not Image.objects.exists()

    def test_a_refused_storage_write_is_a_503_not_a_500(self, writer, monkeypatch):
        def refuse(*args, **kwargs):
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(Image, "save", refuse)
        response = signed_in(writer).post(
            UPLOAD, {"file": SimpleUploadedFile("a.png", png()), "alt_text": "x"}
        )
        assert response.status_code == 503
        assert "No space left on device" in response.json()["error"]


class TestAutosaveOfANewEssay:
    NEW = "/admin/blog/post/autosave/"

    def test_the_first_autosave_makes_a_draft_holding_the_text_as_its_autosave(self, writer):
        response = signed_in(writer).post(self.NEW, TEXT)
        assert response.status_code == 200
        post = Post.objects.get()
        assert response.json()["change_url"] == f"/admin/blog/post/{post.pk}/change/"
        assert (post.title, post.status, post.author) == (TEXT["title"], "draft", writer)
        assert post.body == "" and not post.is_published
        kept = Revision.objects.get(post=post, is_autosave=True)
        assert kept.body == TEXT["body"]
        # The draft's own change page now takes the form (and further autosaves).
        client = signed_in(writer)
        client.post(autosave_url(post), {**TEXT, "body": "more words"})
        assert Revision.objects.get(post=post, is_autosave=True).body == "more words"
        assert Post.objects.count() == 1

    def test_an_untitled_essay_gets_a_placeholder_title(self, writer):
        signed_in(writer).post(self.NEW, {"title": "  ", "body": "Just a body."})
        assert Post.objects.get().title == "Untitled draft"

    def test_refusals_make_no_draft(self, writer, settings):
        settings.CLOSER_MAX_BODY_BYTES = 10
        client = signed_in(writer)
        assert client.post(self.NEW, {"title": "t", "body": "x" * 11}).status_code == 413
        assert client.post(self.NEW, {"title": "x" * 300, "body": "b"}).status_code == 400
        assert client.get(self.NEW).status_code == 405
        assert signed_in(writer, csrf_checks=True).post(self.NEW, TEXT).status_code == 403
        assert not Post.objects.exists()

    def test_needs_the_permission_to_add_posts(self, make_user, client):
        assert signed_in(make_user(is_staff=True)).post(self.NEW, TEXT).status_code == 403
        assert client.post(self.NEW, TEXT).status_code == 302
        assert not Post.objects.exists()
