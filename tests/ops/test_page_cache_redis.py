"""The page cache on a shared Redis (the suite's own redis-server, a key prefix per test)."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from blog.models import ContentVersion

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_pages(settings, redis_process, redis_server):
    prefix = f"closer-page-test-{uuid.uuid4().hex[:10]}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_process.url,
            "KEY_PREFIX": prefix,
        }
    }
    yield redis_server, prefix
    keys = list(redis_server.scan_iter(f"{prefix}:*"))
    if keys:
        redis_server.delete(*keys)


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
