"""The post editor in the admin: preview, reading stats, tag and image helpers, publishing."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from test_admin import post_form

from blog.models import Image, Post, Tag

pytestmark = pytest.mark.django_db

PREVIEW = "/admin/blog/post/preview/"


class TestPreview:
    def test_preview_renders_markdown_like_the_site(self, admin_client):
        body = (
            "## The moving room\n\nClaim.[^1]\n\n> A quote\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n"
            '<figure><img src="/media/a.jpg" alt="A"><figcaption>Cap</figcaption></figure>\n\n'
            "```python\nx = 1\n```\n\n[^1]: Source."
        )
        json = admin_client.post(PREVIEW, {"body": body, "body_format": "markdown"}).json()
        html = json["html"]
        assert '<h2 id="the-moving-room">The moving room</h2>' in html
        assert 'class="footnote-ref"' in html and 'class="footnotes"' in html
        assert "<blockquote>" in html and "<td>1</td>" in html
        assert "<figcaption>Cap</figcaption>" in html
        assert '<code class="language-python">' in html

    def test_video_url_on_its_own_line_shows_the_facade(self, admin_client):
        json = admin_client.post(
            PREVIEW, {"body": "Look:\n\nhttps://youtu.be/dQw4w9WgXcQ\n\nDone."}
        ).json()
        assert "video-facade" in json["html"]
        assert "https://www.youtube.com/watch?v=dQw4w9WgXcQ" in json["html"]
        assert "<iframe" not in json["html"]

    def test_preview_never_creates_rows(self, admin_client):
        from videos.models import Video

        admin_client.post(PREVIEW, {"body": "https://youtu.be/dQw4w9WgXcQ"})
        assert not Video.objects.exists() and not Post.objects.exists()

    def test_preview_is_sanitized(self, admin_client):
        html = admin_client.post(
            PREVIEW, {"body": '<script>alert(1)</script><img src=x onerror="alert(1)">'}
        ).json()["html"]
        assert "<script" not in html and "onerror" not in html

    def test_word_count_and_reading_time(self, admin_client):
        json = admin_client.post(PREVIEW, {"body": "word " * 460}).json()
        assert json["words"] == 460 and json["minutes"] == 2
        assert json["label"] == "460 words · 2 min read"

    def test_preview_needs_a_staff_login_and_post(self, client, admin_client, make_user):
        assert admin_client.get(PREVIEW).status_code == 405
        client.logout()
        response = client.post(PREVIEW, {"body": "x"})
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
        client.force_login(make_user(username="reader"))
        assert client.post(PREVIEW, {"body": "x"}).status_code == 302

    def test_preview_checks_csrf(self, admin_user):
        from django.test import Client

        strict = Client(enforce_csrf_checks=True)
        strict.force_login(admin_user)
        assert strict.post(PREVIEW, {"body": "x"}).status_code == 403


class TestEditorPage:
    def test_body_editor_loads_its_static_files_and_no_inline_script(self, admin_client):
        html = admin_client.get("/admin/blog/post/add/").content.decode()
        assert 'class="closer-body-editor"' in html
        assert f'data-preview-url="{PREVIEW}"' in html
        assert "/static/closer/admin/editor.js" in html
        assert "/static/closer/admin/tags.js" in html
        assert "/static/closer/admin/editor.css" in html
        assert "<script>" not in html and " style=" not in html

    def test_validation_error_keeps_every_word_of_the_body(self, admin_client, admin_user):
        body = "A long essay.\n\n" + "Sentence with <angle> & ampersand. " * 200
        response = admin_client.post(
            "/admin/blog/post/add/", post_form(author=admin_user.pk, title="", body=body)
        )
        assert response.status_code == 200
        assert response.context["adminform"].form.errors["title"]
        assert response.context["adminform"].form["body"].value() == body
        assert "Sentence with &lt;angle&gt; &amp; ampersand." in response.content.decode()
        assert 'class="errornote"' in response.content.decode()  # editor.js keeps its copy

    def test_tag_suggestions(self, admin_client):
        for name in ["Jonathan Glazer", "Jamiroquai", "1990s", "Spike Jonze"]:
            Tag.objects.create(name=name)
        url = reverse("admin:blog_post_tag_suggestions")
        assert admin_client.get(url, {"q": "ja"}).json()["tags"] == ["Jamiroquai"]
        assert admin_client.get(url, {"q": "jon"}).json()["tags"] == [
            "Jonathan Glazer",
            "Spike Jonze",
        ]

    def test_image_picker_lists_library_images_with_shortcodes(self, admin_client, admin_user):
        from test_images import make_image

        image = make_image(admin_user, size=(600, 400), caption="Corridor")
        other = make_image(admin_user, size=(600, 400), alt_text="Beach")
        json = admin_client.get(reverse("admin:blog_post_image_picker"), {"q": "corr"}).json()
        assert [i["shortcode"] for i in json["images"]] == [f"[image:{image.pk}]"]
        assert json["images"][0]["thumbnail"].endswith("-480.webp")
        assert other.pk != image.pk
        assert Image.objects.count() == 2


class TestPublishingActions:
    def changelist_action(self, client, action, posts, follow=False, **extra):
        return client.post(
            "/admin/blog/post/",
            {"action": action, "_selected_action": [p.pk for p in posts], **extra},
            follow=follow,
        )

    def test_publish_now(self, admin_client, draft, scheduled):
        response = self.changelist_action(admin_client, "publish_now", [draft, scheduled])
        assert response.status_code == 302
        draft.refresh_from_db()
        scheduled.refresh_from_db()
        assert draft.is_published and scheduled.is_published

    def test_action_messages_count_in_words(self, admin_client, make_post):
        one, two = make_post(), make_post()
        done = self.changelist_action(admin_client, "unpublish", [one], follow=True)
        assert "Unpublished 1 post." in done.content.decode()
        done = self.changelist_action(admin_client, "unpublish", [one, two], follow=True)
        assert "Unpublished 1 post." in done.content.decode()  # one was a draft already
        done = self.changelist_action(admin_client, "publish_now", [one, two], follow=True)
        assert "Published 2 posts." in done.content.decode()

    def test_publish_now_keeps_the_date_of_published_posts(self, admin_client, make_post):
        post = make_post()
        date = post.published_at
        self.changelist_action(admin_client, "publish_now", [post])
        post.refresh_from_db()
        assert post.published_at == date

    def test_unpublish(self, admin_client, make_post):
        post = make_post()
        self.changelist_action(admin_client, "unpublish", [post])
        post.refresh_from_db()
        assert post.status == Post.Status.DRAFT and not post.is_published

    def test_schedule_asks_for_a_date_then_schedules(self, admin_client, draft, make_post):
        other = make_post(status=Post.Status.DRAFT, published_at=None)
        page = self.changelist_action(admin_client, "schedule", [draft, other])
        assert page.status_code == 200
        html = page.content.decode()
        assert 'type="datetime-local"' in html and draft.title in html
        assert "<script>" not in html
        when = timezone.localtime(timezone.now() + timedelta(days=2)).replace(
            second=0, microsecond=0
        )
        done = self.changelist_action(
            admin_client,
            "schedule",
            [draft, other],
            apply="Schedule posts",
            published_at=when.strftime("%Y-%m-%dT%H:%M"),
        )
        assert done.status_code == 302
        for post in (draft, other):
            post.refresh_from_db()
            assert post.is_scheduled and post.published_at == when
        listing = admin_client.get("/admin/blog/post/").content.decode()
        assert "Scheduled for" in listing

    def test_schedule_refuses_the_past(self, admin_client, draft):
        page = self.changelist_action(
            admin_client,
            "schedule",
            [draft],
            apply="Schedule posts",
            published_at="2001-01-01T10:00",
        )
        assert page.status_code == 200
        assert "Pick a time in the future." in page.content.decode()
        draft.refresh_from_db()
        assert draft.status == Post.Status.DRAFT

    def test_status_column(self, admin_client, make_post, draft, scheduled):
        make_post(title="Out now")
        html = admin_client.get("/admin/blog/post/").content.decode()
        local = timezone.localtime(scheduled.published_at)
        assert f"Scheduled for {local.day} {local:%b %Y, %H:%M}" in html
        assert ">Draft<" in html and ">Published<" in html
