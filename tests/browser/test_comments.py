"""Commenting in a real browser under the site's CSP: in place, no third-party request."""

import pytest
from django.core.management import call_command

from blog import demo
from comments.models import Comment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ESSAY = f"/posts/{demo.ESSAY['slug']}/"


@pytest.fixture
def demo_site(db, settings):
    settings.CLOSER_COMMENT_MIN_SECONDS = 1
    call_command("load_demo", verbosity=0)


def watch_console(page) -> list[str]:
    problems = []
    page.on("console", lambda m: m.type in ("error", "warning") and problems.append(m.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    return problems


def fill(page, body, name="Lena", email="lena@example.com"):
    page.fill("#id_name", name)
    page.fill("#id_email", email)
    page.fill("#id_body", body)
    page.wait_for_timeout(1300)  # the minimum time on page, counted from the first focus


def test_a_comment_posts_in_place_under_the_csp(page, live_server, demo_site, settings):
    problems = watch_console(page)
    page.goto(live_server.url + ESSAY)
    assert page.locator(".comment").count() == 3  # the demo comments
    fill(page, "Held for now, *please*.")
    page.click(".comment-form button[type=submit]")
    page.wait_for_selector(".comment-notice")
    assert "waiting for approval" in page.inner_text(".comment-notice")
    assert page.url == live_server.url + ESSAY  # no reload
    assert Comment.objects.get(name="Lena").status == "pending"

    settings.CLOSER_COMMENTS_MODERATION = "none"
    page.click(".comment-reply-link >> nth=0")
    assert page.is_visible("[data-replying]")
    fill(page, "A reply, shown at once.")
    page.click(".comment-form button[type=submit]")
    page.wait_for_selector("text=A reply, shown at once.")
    reply = Comment.objects.get(body="A reply, shown at once.")
    assert reply.parent is not None and reply.status == "approved"
    assert page.locator(f"#comment-{reply.pk}").is_visible()
    assert page.evaluate("document.activeElement.id") == f"comment-{reply.pk}"
    assert page.requests.third_party == []
    assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p], problems


def test_errors_show_in_place_and_keep_the_text(page, live_server, demo_site):
    page.goto(live_server.url + ESSAY)
    fill(page, "Kept words.", email="not-an-address")
    page.click(".comment-form button[type=submit]")
    page.wait_for_selector("[data-js-error]")
    assert "valid email" in page.inner_text("[data-js-error]")
    assert page.input_value("#id_body") == "Kept words."
    assert page.requests.third_party == []


def test_without_javascript_the_form_still_posts(browser, live_server, demo_site, settings):
    settings.CLOSER_COMMENTS_MODERATION = "none"
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(live_server.url + ESSAY)
        fill(page, "No script here.", name="Old browser")
        page.wait_for_timeout(800)
        page.click(".comment-form button[type=submit]")
        page.wait_for_load_state()
        comment = Comment.objects.get(name="Old browser")
        assert page.url.endswith(f"{ESSAY}#comment-{comment.pk}")
        assert page.locator(f"#comment-{comment.pk}").is_visible()
    finally:
        context.close()
