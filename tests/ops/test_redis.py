"""Redis for the cache, sessions and the login throttle, against the real server on
127.0.0.1:6379 (database 15, a key prefix of each test's own)."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.core.cache import cache

REDIS_URL = "redis://127.0.0.1:6379/15"  # as in conftest.redis_server
ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_cache(settings, redis_server):
    """Use Redis exactly as REDIS_URL would configure it; remove this test's keys afterwards."""
    client = redis_server
    prefix = f"closer-test-{uuid.uuid4().hex[:10]}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    yield client, prefix
    keys = list(client.scan_iter(f"{prefix}:*"))
    if keys:
        client.delete(*keys)


def test_cache_values_live_in_redis(redis_cache):
    client, prefix = redis_cache
    cache.set("greeting", "hello", timeout=60)
    raw_keys = [key.decode() for key in client.scan_iter(f"{prefix}:*")]
    assert raw_keys == [f"{prefix}:1:greeting"]
    assert cache.get("greeting") == "hello"


def test_another_process_sees_the_same_cache(redis_cache, tmp_path):
    """What one gunicorn worker or host caches, another reads: the point of REDIS_URL."""
    _client, prefix = redis_cache
    cache.set("shared", {"posts": 10}, timeout=60)
    code = (
        "import django; django.setup(); from django.core.cache import cache; "
        "print(cache.get('shared')); cache.set('from-child', 'yes', 60)"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CLOSER_TESTING")}
    env.update(
        DEBUG="true",
        REDIS_URL=REDIS_URL,
        CACHE_KEY_PREFIX=prefix,
        CLOSER_VAR_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "{'posts': 10}"
    assert cache.get("from-child") == "yes"


def test_admin_session_is_kept_in_redis_and_the_database(redis_cache, client, make_user):
    from django.contrib.sessions.models import Session

    redis_client, prefix = redis_cache
    make_user(username="editor", password="the-right-password-1", is_staff=True)
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": "editor", "password": "the-right-password-1", "next": "/admin/"},
    )
    assert response.status_code == 302
    session_key = client.cookies["sessionid"].value
    assert any(
        session_key in key.decode() for key in redis_client.scan_iter(f"{prefix}:*sessions*")
    )
    assert Session.objects.filter(session_key=session_key).exists()  # survives a Redis restart
    assert client.get("/admin/").status_code == 200


def test_login_throttle_counts_in_redis(redis_cache, client, make_user, settings):
    redis_client, prefix = redis_cache
    settings.LOGIN_FAILURE_LIMIT = 3
    make_user(username="editor", password="the-right-password-1", is_staff=True)
    for _ in range(3):
        client.post("/admin/login/", {"username": "editor", "password": "wrong"})
    assert list(redis_client.scan_iter(f"{prefix}:*login-throttle:lock:*"))
    blocked = client.post(
        "/admin/login/", {"username": "editor", "password": "the-right-password-1"}
    )
    assert blocked.status_code == 429


def test_healthz_checks_redis(redis_cache, client):
    assert client.get("/healthz").json()["checks"]["cache"] == "ok"
