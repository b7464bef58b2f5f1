"""The essay page stays cacheable with the form on it; a comment moves the cache on; cards count."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comments import services
from comments.models import Comment, CommentSettings

pytestmark = pytest.mark.django_db


def fetch(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response, len(queries)


def test_the_essay_page_with_its_form_is_cached_and_sets_no_cookie(client, essay):
    first, _ = fetch(client, essay.get_absolute_url())
    assert "comment-form" in first.content.decode()
    assert not first.cookies and "Cookie" not in first.headers.get("Vary", "").split(", ")[:0]
    again, cost = fetch(client, essay.get_absolute_url())
    assert cost == 1 and again.content == first.content  # only the content version read


def test_a_new_comment_shows_at_once_on_a_cached_page(client, essay, send_comment, settings):
    settings.CLOSER_COMMENTS_MODERATION = "none"
    fetch(client, essay.get_absolute_url())
    send_comment(essay, body="Fresh words.")
    response, cost = fetch(client, essay.get_absolute_url())
    assert cost > 1 and "Fresh words." in response.content.decode()


def test_approval_and_deletion_move_the_cache_on(client, essay, approved_comment):
    held = approved_comment(status="pending", body="Held words.")
    fetch(client, essay.get_absolute_url())
    services.comment_set_status(comments=Comment.objects.filter(pk=held.pk), status="approved")
    assert "Held words." in client.get(essay.get_absolute_url()).content.decode()
    held.delete()
    assert "Held words." not in client.get(essay.get_absolute_url()).content.decode()


def test_the_kept_comments_section_follows_every_change(client, essay, approved_comment):
    """The section is kept apart from the page, for its other addresses: never stale either."""
    held = approved_comment(status="pending", body="Held words.", name="Ada")
    first = client.get(essay.get_absolute_url() + "?from=a").content.decode()
    assert "Held words." not in first and "comment-form" in first
    services.comment_set_status(comments=Comment.objects.filter(pk=held.pk), status="approved")
    assert "Held words." in client.get(essay.get_absolute_url() + "?from=b").content.decode()
    # The no-script reply link draws the form for its thread, not the kept one.
    replying = client.get(essay.get_absolute_url() + f"?reply={held.pk}").content.decode()
    assert "Replying to <bdi data-replying-name>Ada</bdi>" in replying
    assert "data-replying hidden" not in replying
    CommentSettings.objects.update_or_create(post=essay, defaults={"closed": True})
    closed = client.get(essay.get_absolute_url() + "?from=c").content.decode()
    assert "Comments are closed" in closed and "comment-form" not in closed


def test_the_kept_section_closes_on_its_day(client, make_post, settings, monkeypatch):
    """Comments close by themselves N days after publication, which moves no content version."""
    from datetime import timedelta

    from django.utils import timezone

    settings.CLOSER_COMMENTS_CLOSE_AFTER_DAYS = 10
    essay = make_post(published_at=timezone.now() - timedelta(days=9))
    assert "comment-form" in client.get(essay.get_absolute_url() + "?from=a").content.decode()
    later = timezone.now() + timedelta(days=2)
    monkeypatch.setattr(timezone, "now", lambda: later)
    html = client.get(essay.get_absolute_url() + "?from=b").content.decode()
    assert "Comments are closed" in html and "comment-form" not in html


def test_a_page_with_open_comments_is_stored_no_later_than_their_closing(
    client, make_post, settings, monkeypatch
):
    from datetime import timedelta

    from django.utils import timezone

    from blog import page_cache

    settings.CLOSER_COMMENTS_CLOSE_AFTER_DAYS = 10
    closing_in = timedelta(hours=5)
    essay = make_post(published_at=timezone.now() - timedelta(days=10) + closing_in)
    stored = {}
    real_set = page_cache.cache.set

    def spy(key, value, timeout=None, **kwargs):
        if key.startswith("page:"):
            stored[key] = timeout
        return real_set(key, value, timeout, **kwargs)

    monkeypatch.setattr(page_cache.cache, "set", spy)
    client.get(essay.get_absolute_url())
    client.get("/")  # the home page shows no comment form: kept the usual time
    timeouts = sorted(stored.values())
    assert len(timeouts) == 2
    assert 0 < timeouts[0] <= closing_in.total_seconds()
    assert timeouts[1] == settings.CLOSER_PAGE_CACHE_SECONDS


def test_cards_show_counts_in_one_query(
    client, make_post, essay, approved_comment, django_assert_num_queries
):
    others = [make_post() for _ in range(5)]
    for post in others:
        approved_comment(post=post)
        approved_comment(post=post, status="pending")
    approved_comment()
    approved_comment()
    html = client.get("/").content.decode()
    assert html.count("1 comment<") == 5 and "2 comments<" in html
    assert f'href="{essay.get_absolute_url()}#comments"' in html
    cache.clear()  # cards too: every card rendered afresh
    with CaptureQueriesContext(connection) as queries:
        client.get("/?page=1")
    assert sum("comments_comment" in q["sql"] for q in queries.captured_queries) == 1
    # Cards rendered at this content version carry their counts: none to read again.
    with CaptureQueriesContext(connection) as queries:
        again = client.get("/?page=1&from=x").content.decode()
    assert sum("comments_comment" in q["sql"] for q in queries.captured_queries) == 0
    assert again.count("1 comment<") == 5 and "2 comments<" in again


def test_a_home_page_count_follows_a_new_comment(client, essay, approved_comment):
    assert "comment<" not in client.get("/").content.decode()
    approved_comment()
    assert "1 comment<" in client.get("/").content.decode()


def test_the_essay_page_costs_the_same_with_many_comments(
    client, essay, approved_comment, settings
):
    settings.CLOSER_PAGE_CACHE = False
    top = approved_comment()
    _, few = fetch(client, essay.get_absolute_url())
    for n in range(10):
        approved_comment(parent=top, body=f"Reply {n} [0:10]")
        approved_comment(body=f"Top {n}", website="https://example.com")
    response, many = fetch(client, essay.get_absolute_url())
    assert "Reply 9" in response.content.decode() and many == few
