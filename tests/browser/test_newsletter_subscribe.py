"""Subscribing in a browser, under the site's CSP, with nothing loaded from anyone else."""

import re

import pytest
from django.core import mail

from newsletter.models import Subscriber

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_subscribe_from_an_essay_and_confirm(page, live_server, make_post):
    post = make_post(title="An essay to follow")
    violations = []
    page.on(
        "console",
        lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    page.goto(live_server.url + post.get_absolute_url())
    assert page.context.cookies() == []  # a cacheable page: no CSRF cookie
    page.fill("#subscribe-email-essay", "reader@example.org")
    page.click(".newsletter-essay-end button[type=submit]")
    page.wait_for_url("**/newsletter/check-your-inbox/")
    assert "Check your inbox" in page.text_content("h1")

    [confirmation] = mail.outbox
    link = re.search(r"https?://[^/\s]+(/newsletter/confirm/\S+/)", confirmation.body).group(1)
    page.goto(live_server.url + link)
    page.click("text=Yes, subscribe")
    assert "You are subscribed" in page.text_content("h1")
    assert Subscriber.objects.get().status == Subscriber.Status.CONFIRMED

    # The topics page: the honeypot is out of sight, choices work with the keyboard.
    page.goto(live_server.url + "/newsletter/")
    assert not page.is_visible("#id_website") or page.eval_on_selector(
        "#id_website", "el => el.getBoundingClientRect().right < 0"
    )
    assert page.requests.third_party == []
    assert violations == []
