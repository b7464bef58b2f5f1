"""/healthz: 200 while the database answers (the cache only degrades it), 503 without it."""

import pytest

pytestmark = pytest.mark.django_db


def test_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok"}}
    assert "no-cache" in response["Cache-Control"]


def test_a_cache_that_does_not_answer_degrades_but_keeps_the_instance_in(client, settings):
    # Port 1: nothing listens, the connection is refused at once.
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.FailSoftRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    response = client.get("/healthz")
    assert response.status_code == 200
    answer = response.json()
    assert answer["status"] == "degraded"
    assert answer["checks"] == {"database": "ok", "cache": "failed: ConnectionError"}


def test_a_plain_redis_cache_that_does_not_answer_is_reported_too(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"]["cache"] == "failed: ConnectionError"


def test_head_answers_like_get(client):
    response = client.head("/healthz")
    assert response.status_code == 200
    assert response.content == b""


@pytest.mark.parametrize("method", ["post", "put", "delete", "trace"])
def test_other_methods_are_not_allowed(client, method):
    assert getattr(client, method)("/healthz").status_code == 405
