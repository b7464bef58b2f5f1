"""Preview and save are no denial-of-service lever (issue 11, item 6).

The renderer refuses bodies past a size, nesting depth or element count before bleach runs,
with a message on the body field and from the preview; previews are rate-limited per user.
"""

import pytest
from test_admin import post_form

from blog import rendering
from blog.models import Post

pytestmark = pytest.mark.django_db

PREVIEW = "/admin/blog/post/preview/"
NESTED_100_KB = "<div>" * 10_000 + "deep" + "</div>" * 10_000  # 110 KB


@pytest.fixture
def editor(make_user):
    return make_user(username="boss", is_staff=True, is_superuser=True)


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def no_sanitizing(monkeypatch):
    """Fail the test if bleach is reached: a refusal must come from the cheap checks first."""

    def refuse(fragment):
        raise AssertionError("the sanitizer ran on a body that should have been refused")

    monkeypatch.setattr(rendering, "sanitize_html", refuse)


@pytest.mark.parametrize("body_format", ["html", "markdown"])
def test_the_form_refuses_deep_nesting_before_sanitizing(
    editor_client, editor, no_sanitizing, body_format
):
    data = post_form(body=NESTED_100_KB, body_format=body_format, author=editor.pk)
    response = editor_client.post("/admin/blog/post/add/", data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "nests HTML elements" in str(errors["body"])
    assert not Post.objects.exists()
    assert "deep</div>" in response.content.decode() or "&lt;div&gt;" in response.content.decode()


def test_the_preview_refuses_deep_nesting_with_a_message(editor_client, no_sanitizing):
    response = editor_client.post(PREVIEW, {"body": NESTED_100_KB, "body_format": "html"})
    assert response.status_code == 400
    assert "nests HTML elements" in response.json()["error"]


def test_a_body_over_the_size_limit_is_refused(editor_client, editor, settings, no_sanitizing):
    settings.CLOSER_MAX_BODY_BYTES = 1_000
    body = "é" * 600  # 1,200 bytes in UTF-8
    response = editor_client.post("/admin/blog/post/add/", post_form(body=body, author=editor.pk))
    assert "at most 1000 bytes" in str(response.context["adminform"].form.errors["body"])
    preview = editor_client.post(PREVIEW, {"body": body})
    assert preview.status_code == 400 and "at most 1000 bytes" in preview.json()["error"]


def test_too_many_elements_are_refused(settings, no_sanitizing):
    settings.CLOSER_MAX_BODY_ELEMENTS = 100
    with pytest.raises(rendering.BodyTooComplex, match="more than 100 HTML elements"):
        rendering.check_body("*a* " * 101, "markdown")


def test_real_essays_pass():
    words = [f"word{n % 997}" for n in range(50_000)]
    paragraphs = [
        " ".join(words[i : i + 80]) + " *stress* [a link](/x/)." for i in range(0, 50_000, 80)
    ]
    rendering.check_body("\n\n".join(paragraphs), "markdown")  # about 50,000 words
    nested_lists = "".join("  " * n + "- level\n" for n in range(8))
    rendering.check_body("> quote\n>\n> " + nested_lists.replace("\n", "\n> "), "markdown")
    # Imported HTML leaves paragraphs and list items unclosed; that is not nesting.
    rendering.check_body("<p>para" * 5_000 + "<ul>" + "<li>item" * 500 + "</ul>", "html")


def test_render_refuses_too_when_called_directly(no_sanitizing):
    with pytest.raises(rendering.BodyTooComplex):
        rendering.render(NESTED_100_KB, "html")


class TestPreviewRate:
    def test_previews_past_the_rate_get_a_calm_429(
        self, editor_client, settings, make_user, client
    ):
        settings.CLOSER_PREVIEW_RATE = 3
        for _ in range(3):
            assert editor_client.post(PREVIEW, {"body": "hi"}).status_code == 200
        refused = editor_client.post(PREVIEW, {"body": "hi"})
        assert refused.status_code == 429
        assert "moment" in refused.json()["error"] and int(refused["Retry-After"]) > 0

    def test_the_rate_is_per_user(self, editor_client, settings, make_user, django_user_model):
        from django.test import Client

        settings.CLOSER_PREVIEW_RATE = 1
        assert editor_client.post(PREVIEW, {"body": "hi"}).status_code == 200
        other = Client()
        other.force_login(make_user(is_staff=True, is_superuser=True))
        assert other.post(PREVIEW, {"body": "hi"}).status_code == 200
        assert editor_client.post(PREVIEW, {"body": "hi"}).status_code == 429
