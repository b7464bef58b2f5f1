"""Rate limits through the cache: per address and for the whole site, with a clear message."""

import time

import pytest

from comments.models import Comment

pytestmark = pytest.mark.django_db


def test_per_address(essay, send_comment, settings):
    settings.CLOSER_COMMENT_RATE_PER_ADDRESS = 2
    for n in range(2):
        assert send_comment(essay, body=f"Comment {n}.").status_code == 302
    response = send_comment(essay, body="One too many.")
    assert response.status_code == 429
    html = response.content.decode()
    assert "several comments in a short time" in html and "One too many." in html
    assert Comment.objects.count() == 2


def test_per_address_counts_each_address(client, essay, send_comment, settings):
    settings.CLOSER_COMMENT_RATE_PER_ADDRESS = 1
    assert send_comment(essay).status_code == 302
    client.defaults["REMOTE_ADDR"] = "10.0.0.9"
    assert send_comment(essay, body="From elsewhere.").status_code == 302


def test_global(client, essay, send_comment, settings):
    settings.CLOSER_COMMENT_RATE_GLOBAL = 3
    for n in range(3):
        client.defaults["REMOTE_ADDR"] = f"10.0.0.{n}"
        assert send_comment(essay, body=f"Comment {n}.").status_code == 302
    client.defaults["REMOTE_ADDR"] = "10.0.0.99"
    response = send_comment(essay, json=True, body="Crowded.")
    assert response.status_code == 429
    assert "unusual number of comments" in response.json()["errors"]["__all__"][0]


def test_a_window_passes(essay, send_comment, settings, monkeypatch):
    settings.CLOSER_COMMENT_RATE_PER_ADDRESS = 1
    settings.CLOSER_COMMENT_RATE_WINDOW = 600
    assert send_comment(essay).status_code == 302
    assert send_comment(essay).status_code == 429
    later = time.time() + 601
    monkeypatch.setattr(time, "time", lambda: later)
    assert send_comment(essay).status_code == 302
