"""Posting a comment without JavaScript (and with it): redirects, errors, refusals, odd input."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from comments import tokens
from comments.models import Comment, CommentSettings

pytestmark = pytest.mark.django_db


class TestWithoutJavaScript:
    def test_an_approved_comment_redirects_to_its_permalink(
        self, client, essay, send_comment, settings
    ):
        settings.CLOSER_COMMENTS_MODERATION = "none"
        response = send_comment(essay)
        comment = Comment.objects.get()
        assert response.status_code == 302
        assert response.headers["Location"] == f"{essay.get_absolute_url()}#comment-{comment.pk}"
        html = client.get(essay.get_absolute_url()).content.decode()
        assert f'id="comment-{comment.pk}"' in html and "<em>fine</em>" in html
        assert f'href="#comment-{comment.pk}"' in html
        assert "marta@example.com" not in html  # the address is never shown

    def test_a_held_comment_redirects_to_the_held_note_and_stays_hidden(
        self, client, essay, send_comment
    ):
        response = send_comment(essay)
        assert response.status_code == 302
        assert response.headers["Location"] == f"/comments/essay/{essay.pk}/held/"
        note = client.get(response.headers["Location"]).content.decode()
        assert "waiting for approval" in note
        assert Comment.objects.get().status == "pending"
        assert "A <em>fine</em> essay" not in client.get(essay.get_absolute_url()).content.decode()

    def test_errors_show_the_form_again_with_everything_typed(self, essay, send_comment):
        response = send_comment(essay, email="not an address", body="Words I *keep*.")
        assert response.status_code == 400
        html = response.content.decode()
        assert "Enter a valid email address." in html
        assert "Words I *keep*." in html and 'value="Marta"' in html
        assert not Comment.objects.exists()

    def test_the_form_is_on_a_published_essay_only(self, client, essay, draft, admin_client):
        html = client.get(essay.get_absolute_url()).content.decode()
        assert f'action="/comments/essay/{essay.pk}/"' in html and 'name="token"' in html
        preview = admin_client.get(draft.get_absolute_url()).content.decode()
        assert "comment-form" not in preview

    def test_posting_to_a_draft_or_scheduled_essay_is_404(self, draft, scheduled, send_comment):
        assert send_comment(draft).status_code == 404
        assert send_comment(scheduled).status_code == 404
        assert not Comment.objects.exists()

    def test_only_post_is_accepted(self, client, essay):
        assert client.get(f"/comments/essay/{essay.pk}/").status_code == 405


class TestSpamChecks:
    def test_the_honeypot(self, essay, send_comment):
        response = send_comment(essay, homepage_url="http://spam.example")
        assert response.status_code == 400 and "looks automated" in response.content.decode()
        assert not Comment.objects.exists()

    def test_too_fast_after_the_form_was_served(self, essay, send_comment):
        response = send_comment(essay, token=tokens.form_token(essay.pk))
        assert response.status_code == 400 and "That was quick" in response.content.decode()
        assert not Comment.objects.exists()

    def test_an_expired_form_keeps_the_text_and_gets_a_fresh_token(
        self, essay, send_comment, settings
    ):
        old = tokens.form_token(
            essay.pk, now=time.time() - settings.CLOSER_COMMENT_FORM_MAX_AGE - 60
        )
        response = send_comment(essay, token=old, body="Long thoughts.")
        html = response.content.decode()
        assert response.status_code == 400 and "form expired" in html and "Long thoughts." in html
        assert old not in html

    @pytest.mark.parametrize("token", ["", "garbage", "eyJwIjoxfQ:forged:sig"])
    def test_a_forged_token(self, essay, send_comment, token):
        assert send_comment(essay, token=token).status_code == 400
        assert not Comment.objects.exists()

    def test_a_token_for_another_essay(self, essay, make_post, send_comment):
        other = make_post()
        token = tokens.form_token(other.pk, now=time.time() - 60)
        assert send_comment(essay, token=token).status_code == 400

    def test_too_many_links(self, essay, send_comment, settings):
        settings.CLOSER_COMMENT_MAX_LINKS = 2
        body = "https://a.example https://b.example [c](https://c.example)"
        response = send_comment(essay, body=body)
        assert response.status_code == 400
        assert "has 3 links; at most 2 are allowed" in response.content.decode()

    def test_too_long(self, essay, send_comment, settings):
        settings.CLOSER_COMMENT_MAX_CHARS = 100
        response = send_comment(essay, body="x" * 150)
        assert response.status_code == 400
        assert "150 characters long; at most 100 fit" in response.content.decode()

    def test_another_site_cannot_post_for_a_visitor(self, essay, send_comment):
        response = send_comment(essay, headers={"Origin": "https://evil.example"})
        assert response.status_code == 403
        response = send_comment(essay, headers={"Sec-Fetch-Site": "cross-site"})
        assert response.status_code == 403
        assert not Comment.objects.exists()

    def test_our_own_origin_is_fine(self, essay, send_comment):
        assert send_comment(essay, headers={"Origin": "http://testserver"}).status_code == 302


class TestClosed:
    def test_closed_on_one_essay(self, client, essay, send_comment, approved_comment):
        approved_comment()
        CommentSettings.objects.create(post=essay, closed=True)
        html = client.get(essay.get_absolute_url()).content.decode()
        assert "Comments are closed" in html and "comment-form" not in html
        assert "Earlier words." in html  # the old ones stay
        response = send_comment(essay, body="Too late.")
        assert response.status_code == 403 and "Too late." in response.content.decode()
        assert Comment.objects.count() == 1

    def test_closed_after_n_days(self, client, make_post, send_comment, settings):
        settings.CLOSER_COMMENTS_CLOSE_AFTER_DAYS = 30
        old = make_post(published_at=timezone.now() - timedelta(days=31))
        recent = make_post(published_at=timezone.now() - timedelta(days=29))
        assert send_comment(old).status_code == 403
        assert send_comment(recent).status_code == 302
        assert "comment-form" not in client.get(old.get_absolute_url()).content.decode()


class TestOddInput:
    @pytest.mark.parametrize(
        "fields",
        [
            {"name": "a\x00b"},
            {"body": "nul \x00 in the middle"},
            {"name": "\u202eevil\u202c", "body": "مرحبا بالعالم"},
            {"name": "🙂" * 20, "body": "👍🏽" * 500},
            {"body": "x" * 300_000},
            {"website": "javascript:alert(1)"},
            {"parent": "not a number"},
            {"parent": "99999999999999999999999"},
            {"email": "a@" + "b" * 300 + ".com"},
            {"body": "<script>alert(1)</script>", "name": "<b onmouseover=alert(1)>x</b>"},
            {"body": ">" * 3000},
        ],
    )
    def test_no_input_breaks_a_page(self, client, essay, send_comment, settings, fields):
        settings.CLOSER_COMMENTS_MODERATION = "none"
        response = send_comment(essay, **fields)
        assert response.status_code in (302, 400)
        page = client.get(essay.get_absolute_url())
        assert page.status_code == 200
        html = page.content.decode()
        assert "<script>alert(1)" not in html and "<b onmouseover" not in html
        assert 'href="javascript:' not in html

    def test_a_name_is_shown_isolated_from_the_page_direction(
        self, client, essay, send_comment, settings
    ):
        settings.CLOSER_COMMENTS_MODERATION = "none"
        send_comment(essay, name="\u202eevil")
        html = client.get(essay.get_absolute_url()).content.decode()
        assert '<bdi class="comment-author">evil</bdi>' in html


class TestWithJavaScript:
    def test_an_approved_comment_comes_back_as_html(self, essay, send_comment, settings):
        settings.CLOSER_COMMENTS_MODERATION = "none"
        response = send_comment(essay, json=True)
        data = response.json()
        assert response.status_code == 201 and data["status"] == "approved"
        assert f'id="comment-{data["id"]}"' in data["html"] and "<em>fine</em>" in data["html"]

    def test_a_held_comment_says_so(self, essay, send_comment):
        data = send_comment(essay, json=True).json()
        assert data["status"] == "pending" and "waiting for approval" in data["message"]
        assert "html" not in data

    def test_errors_come_back_per_field_with_a_fresh_token(self, essay, send_comment):
        response = send_comment(essay, json=True, email="nope", token=tokens.form_token(essay.pk))
        data = response.json()
        assert response.status_code == 400 and "email" in data["errors"]
        assert tokens.form_age(data["token"], essay.pk, max_age=60) < 5

    def test_a_fresh_token_for_a_cached_page(self, client, essay, draft):
        response = client.get(f"/comments/essay/{essay.pk}/token/")
        assert tokens.form_age(response.json()["token"], essay.pk, max_age=60) < 5
        assert "no-cache" in response.headers["Cache-Control"]
        assert client.get(f"/comments/essay/{draft.pk}/token/").status_code == 404
