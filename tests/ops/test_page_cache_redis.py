"""The page cache on a shared Redis (the suite's own redis-server, a key prefix per test)."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from blog.models import ContentVersion

pytestmark = pytest.mark.django_db


def on_redis(settings, redis_process, redis_server, **backend):
    """Point the default cache at the suite's Redis under a fresh prefix; remove its keys after."""
    prefix = f"closer-page-test-{uuid.uuid4().hex[:10]}"
    settings.CACHES = {
        "default": {"LOCATION": redis_process.url, "KEY_PREFIX": prefix, **backend},
    }
    yield redis_server, prefix
    keys = list(redis_server.scan_iter(f"{prefix}:*"))
    if keys:
        redis_server.delete(*keys)


@pytest.fixture
def redis_pages(settings, redis_process, redis_server):
    yield from on_redis(
        settings, redis_process, redis_server, BACKEND="django.core.cache.backends.redis.RedisCache"
    )


def fetch(client, url, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers=headers)
    return response, len(queries)


def test_pages_are_stored_in_redis_and_invalidated_by_a_change(redis_pages, client, make_post):
    redis, prefix = redis_pages
    post = make_post(title="Shared by every host")
    first, _ = fetch(client, "/", accept_encoding="gzip")
    again, cost = fetch(client, "/", accept_encoding="gzip")
    assert cost == 1 and again.content == first.content
    assert again.headers["Content-Encoding"] == "gzip"
    assert any(b":page:" in key for key in redis.scan_iter(f"{prefix}:*"))

    post.title = "Changed on another host"
    post.save()
    assert b"Changed on another host" in client.get("/").content


def test_another_worker_reads_the_version_from_the_database_not_its_memory(
    redis_pages, client, make_post
):
    """What one worker changes, every other sees: the version is a row, the pages are keyed by it."""
    make_post(title="First")
    client.get("/")
    # Another process bumping the version is a row update this process has never seen.
    ContentVersion.objects.filter(pk=1).update(
        generation=ContentVersion.objects.get().generation + 1
    )
    response, cost = fetch(client, "/")
    assert cost > 1  # a fresh render under the new version, not the stored page


@pytest.fixture
def redis_with_copies(settings, redis_process, redis_server):
    """The production backend: FailSoftRedisCache keeping copies of write-once keys."""
    yield from on_redis(
        settings,
        redis_process,
        redis_server,
        BACKEND="core.cache.FailSoftRedisCache",
        WRITE_ONCE_PREFIXES=("page:", "closer-part:", "closer-body:", "closer-card:"),
        LOCAL_COPIES=50,
    )


def test_a_worker_answers_a_stored_page_from_its_own_copy(redis_with_copies, client, make_post):
    redis, prefix = redis_with_copies
    make_post(title="Kept in the worker too")
    first, _ = fetch(client, "/")
    page_keys = list(redis.scan_iter(f"{prefix}:*:page:*"))
    assert page_keys
    redis.delete(*page_keys)  # gone from Redis: only this worker's copy can answer
    again, cost = fetch(client, "/")
    assert cost == 1 and again.content == first.content
    assert not list(redis.scan_iter(f"{prefix}:*:page:*"))  # not rendered and stored again


def test_a_change_shows_at_once_past_the_copies(redis_with_copies, client, make_post):
    post = make_post(title="Before the edit")
    fetch(client, "/")
    fetch(client, "/")
    post.title = "After the edit"
    post.save()
    assert b"After the edit" in client.get("/").content
    # Another host's change: only the version row moves, and the copies are keyed by it.
    ContentVersion.objects.filter(pk=1).update(
        generation=ContentVersion.objects.get().generation + 1
    )
    assert fetch(client, "/")[1] > 1


def test_only_write_once_keys_are_copied(redis_with_copies):
    from django.core.cache import cache

    redis, prefix = redis_with_copies
    cache.set("throttle:login:someone", 1)
    cache.get("throttle:login:someone")
    cache.incr("throttle:login:someone")  # counters change: every read goes to Redis
    assert cache.get("throttle:login:someone") == 2
    cache.set("page:abc", b"stored once")
    redis.delete(f"{prefix}:1:page:abc")
    assert cache.get("page:abc") == b"stored once"
    cache.clear()  # this worker's copies go too
    assert cache.get("page:abc") is None
