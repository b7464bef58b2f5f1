"""Redis for the cache and sessions, against a redis-server each test run starts for itself; and
a Redis outage, by stopping a real server mid-test: the site degrades, it does not break."""

import json
import logging
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client

from core.models import LoginThrottle

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "the-right-password-1"
pytestmark = pytest.mark.django_db


def use_redis(settings, url: str, **extra) -> str:
    """Configure the cache and sessions exactly as REDIS_URL does; return the key prefix."""
    prefix = f"closer-test-{uuid.uuid4().hex[:10]}"
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.FailSoftRedisCache",
            "LOCATION": url,
            "KEY_PREFIX": prefix,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
            **extra,
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    return prefix


@pytest.fixture
def redis_cache(settings, redis_process):
    client = redis_process.client()
    prefix = use_redis(settings, redis_process.url)
    yield client, prefix
    keys = list(client.scan_iter(f"{prefix}:*"))
    if keys:
        client.delete(*keys)


def log_in(client: Client, username: str = "editor", password: str = PASSWORD, **extra):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password, "next": "/admin/"},
        **extra,
    )


def child_env(tmp_path, **extra) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CLOSER_TESTING")}
    env.update(
        DEBUG="true",
        CLOSER_VAR_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="config.settings",
        **extra,
    )
    return env


def run_child(code: str, env: dict[str, str]) -> str:
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
    return result.stdout.strip().splitlines()[-1]


def test_the_settings_configure_what_these_tests_use(tmp_path):
    """use_redis() mirrors config/settings.py with REDIS_URL set; this keeps the two in step."""
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        "print(json.dumps([settings.CACHES['default'], settings.SESSION_ENGINE]))"
    )
    env = child_env(tmp_path, REDIS_URL="redis://127.0.0.1:1/0", CACHE_KEY_PREFIX="p")
    backend, engine = json.loads(run_child(code, env))
    assert backend["BACKEND"] == "core.cache.FailSoftRedisCache"
    assert backend["OPTIONS"] == {"socket_connect_timeout": 1, "socket_timeout": 1}
    assert engine == "django.contrib.sessions.backends.cached_db"


def test_cache_values_live_in_redis(redis_cache):
    client, prefix = redis_cache
    cache.set("greeting", "hello", timeout=60)
    raw_keys = [key.decode() for key in client.scan_iter(f"{prefix}:*")]
    assert raw_keys == [f"{prefix}:1:greeting"]
    assert cache.get("greeting") == "hello"


def test_another_process_sees_the_same_cache(redis_cache, redis_process, tmp_path):
    """What one gunicorn worker or host caches, another reads: the point of REDIS_URL."""
    _client, prefix = redis_cache
    cache.set("shared", {"posts": 10}, timeout=60)
    code = (
        "import django; django.setup(); from django.core.cache import cache; "
        "print(cache.get('shared')); cache.set('from-child', 'yes', 60)"
    )
    env = child_env(tmp_path, REDIS_URL=redis_process.url, CACHE_KEY_PREFIX=prefix)
    assert run_child(code, env) == "{'posts': 10}"
    assert cache.get("from-child") == "yes"


def test_admin_session_is_kept_in_redis_and_the_database(redis_cache, client, make_user):
    from django.contrib.sessions.models import Session

    redis_client, prefix = redis_cache
    make_user(username="editor", password=PASSWORD, is_staff=True)
    assert log_in(client).status_code == 302
    session_key = client.cookies["sessionid"].value
    assert any(
        session_key in key.decode() for key in redis_client.scan_iter(f"{prefix}:*sessions*")
    )
    assert Session.objects.filter(session_key=session_key).exists()  # survives a Redis restart
    assert client.get("/admin/").status_code == 200


def test_login_throttle_holds_with_redis_configured(redis_cache, client, make_user, settings):
    """The counts are in the database: every worker sees them, and Redis going away or being
    restarted neither resets nor breaks them."""
    settings.LOGIN_FAILURE_LIMIT = 3
    make_user(username="editor", password=PASSWORD, is_staff=True)
    for _ in range(3):
        log_in(client, password="wrong")
    assert LoginThrottle.objects.filter(locked_until__isnull=False).exists()
    assert log_in(client).status_code == 429


def test_healthz_checks_redis(redis_cache, client):
    assert client.get("/healthz").json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok"},
    }


def test_a_redis_outage_degrades_the_site_and_it_recovers(
    settings, redis_outage_server, make_user, make_post, caplog
):
    """Issue 11 #5: with Redis stopped, readers, staff, admin login and the throttle carry on;
    /healthz says "degraded" with a 200 so the load balancer keeps the instance; Redis back, all
    is as before."""
    prefix = use_redis(settings, redis_outage_server.url, RETRY_AFTER=0.5)
    settings.LOGIN_FAILURE_LIMIT = 3
    make_user(username="editor", password=PASSWORD, is_staff=True, is_superuser=True)
    post = make_post(title="Still readable while Redis is down")
    staff, reader = Client(), Client()
    assert log_in(staff).status_code == 302
    assert staff.get("/admin/").status_code == 200

    redis_outage_server.stop()
    with caplog.at_level(logging.WARNING, logger="core.cache"):
        home = reader.get("/")
        assert home.status_code == 200 and post.title in home.content.decode()
        assert reader.get(post.get_absolute_url()).status_code == 200

        # The session of a staff member logged in before the outage comes from the database.
        assert staff.get("/admin/").status_code == 200
        assert staff.get("/admin/blog/post/").status_code == 200
        assert staff.get(f"/admin/blog/post/{post.pk}/change/").status_code == 200

        # A new admin login works, and so does its session.
        newcomer = Client()
        assert log_in(newcomer).status_code == 302
        assert newcomer.get("/admin/").status_code == 200

        # The throttle keeps counting (in the database) rather than failing.
        guesser = Client()
        for _ in range(3):
            assert log_in(guesser, password="wrong", REMOTE_ADDR="192.0.2.77").status_code == 200
        assert log_in(guesser, REMOTE_ADDR="192.0.2.77").status_code == 429

        health = reader.get("/healthz")
        assert health.status_code == 200
        assert health.json() == {
            "status": "degraded",
            "checks": {"database": "ok", "cache": "failed: ConnectionError"},
        }
    outage_logs = [r for r in caplog.records if "Cache unavailable" in r.getMessage()]
    assert len(outage_logs) == 1  # once per outage, not once per cache call

    redis_outage_server.start()
    time.sleep(0.6)  # RETRY_AFTER: the cache tries Redis again
    health = reader.get("/healthz")
    assert health.status_code == 200 and health.json()["status"] == "ok"
    assert staff.get("/admin/").status_code == 200
    again = Client()
    assert log_in(again).status_code == 302
    session_key = again.cookies["sessionid"].value
    keys = [key.decode() for key in redis_outage_server.client().scan_iter(f"{prefix}:*")]
    assert any(session_key in key for key in keys)  # sessions are cached in Redis again
    cache.set("after-the-outage", "back", timeout=60)
    assert redis_outage_server.client().exists(f"{prefix}:1:after-the-outage")
