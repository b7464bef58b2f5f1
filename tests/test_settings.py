"""Settings come from the environment: each case starts a fresh Python with a chosen environment,
the way an operator's process manager would, and reads what Django ended up with."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

# Each case starts a fresh interpreter: left out of the quick loop (pytest -m "not slow").
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
# Variables the settings read; a case starts without any of them unless it sets them.
SETTINGS_VARS = (
    "DEBUG",
    "CLOSER_LOCAL",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "SITE_URL",
    "SITE_NAME",
    "DATABASE_URL",
    "REDIS_URL",
    "MEDIA_URL",
    "MEDIA_ROOT",
    "SERVE_MEDIA",
    "LOG_FORMAT",
    "CLOSER_TESTING",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "CLOSER_MAX_UPLOAD_BYTES",
    "CLOSER_MAX_IMAGE_PIXELS",
    "CLOSER_MAX_CAPTION_BYTES",
    "CLOSER_OEMBED_TIMEOUT",
    "CLOSER_OEMBED_ENDPOINTS",
    "CLOSER_POSTER_MAX_BYTES",
    "CLOSER_PEERTUBE_HOSTS",
    "CACHE_MAX_ENTRIES",
    "CACHE_LOCAL_COPIES",
)
PRODUCTION_ENV = {
    "SECRET_KEY": "x7Hq2-production-test-key-Vb9wLm4Rt8Zp1Kd6Ns3Yc5Gf0Ja-Ue2Qo7Xi",
    "SITE_URL": "https://closer.example.com",
}

READ_SETTINGS = """
import json, django
django.setup()
from django.conf import settings as s
csp = s.CONTENT_SECURITY_POLICY["DIRECTIVES"]
print(json.dumps({
    "DEBUG": s.DEBUG,
    "ALLOWED_HOSTS": s.ALLOWED_HOSTS,
    "CSRF_TRUSTED_ORIGINS": s.CSRF_TRUSTED_ORIGINS,
    "SITE_URL": s.SITE_URL,
    "SITE_NAME": s.SITE_NAME,
    "ENGINE": s.DATABASES["default"]["ENGINE"],
    "DB_NAME": str(s.DATABASES["default"]["NAME"]),
    "DB_HOST": s.DATABASES["default"].get("HOST", ""),
    "DB_CONN_MAX_AGE": s.DATABASES["default"].get("CONN_MAX_AGE", 0),
    "CACHE": s.CACHES["default"]["BACKEND"],
    "CACHE_LOCATION": s.CACHES["default"].get("LOCATION", ""),
    "CACHE_MAX_ENTRIES": s.CACHES["default"].get("OPTIONS", {}).get("MAX_ENTRIES"),
    "CACHE_LOCAL_COPIES": s.CACHES["default"].get("LOCAL_COPIES"),
    "SESSION_ENGINE": s.SESSION_ENGINE,
    "STORAGE": s.STORAGES["default"]["BACKEND"],
    "STORAGE_OPTIONS": s.STORAGES["default"].get("OPTIONS", {}),
    "STATIC_STORAGE": s.STORAGES["staticfiles"]["BACKEND"],
    "MEDIA_URL": s.MEDIA_URL,
    "SERVE_MEDIA": s.SERVE_MEDIA,
    "IMG_SRC": csp["img-src"],
    "MEDIA_SRC": csp["media-src"],
    "SSL_REDIRECT": s.SECURE_SSL_REDIRECT,
    "HSTS": s.SECURE_HSTS_SECONDS,
    "PROXY_HEADER": s.SECURE_PROXY_SSL_HEADER,
    "SESSION_COOKIE_SECURE": s.SESSION_COOKIE_SECURE,
    "LOG_FORMATTER": s.LOGGING["formatters"]["default"],
}))
"""


def run_python(code: str, env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess:
    """Run code in a fresh interpreter with only env set among the settings' variables."""
    clean = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARS and k[:3] != "S3_"}
    clean.update({"DJANGO_SETTINGS_MODULE": "config.settings", "CLOSER_VAR_DIR": str(tmp_path)})
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )


def read_settings(env: dict[str, str], tmp_path: Path) -> dict:
    result = run_python(READ_SETTINGS, env, tmp_path)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


class TestStartUpErrors:
    def test_missing_secret_key_stops_start_up_with_a_clear_message(self, tmp_path):
        result = run_python(READ_SETTINGS, {"SITE_URL": "https://closer.example.com"}, tmp_path)
        assert result.returncode != 0
        assert "ImproperlyConfigured" in result.stderr
        assert "SECRET_KEY is not set" in result.stderr
        assert "secrets.token_urlsafe" in result.stderr  # it says how to make one

    def test_missing_host_stops_start_up_with_a_clear_message(self, tmp_path):
        result = run_python(READ_SETTINGS, {"SECRET_KEY": PRODUCTION_ENV["SECRET_KEY"]}, tmp_path)
        assert result.returncode != 0
        assert "ALLOWED_HOSTS is empty" in result.stderr

    def test_a_bad_number_names_the_variable(self, tmp_path):
        result = run_python(
            READ_SETTINGS, {**PRODUCTION_ENV, "SECURE_HSTS_SECONDS": "a year"}, tmp_path
        )
        assert result.returncode != 0
        assert "SECURE_HSTS_SECONDS must be a whole number" in result.stderr

    def test_a_bad_oembed_endpoints_value_says_what_it_must_be(self, tmp_path):
        for value in ("youtube=http://x", '["http://x"]'):
            result = run_python(
                READ_SETTINGS, {"DEBUG": "true", "CLOSER_OEMBED_ENDPOINTS": value}, tmp_path
            )
            assert result.returncode != 0
            assert "CLOSER_OEMBED_ENDPOINTS must be a JSON object" in result.stderr

    def test_peertube_hosts_join_the_frame_src_and_must_be_host_names(self, tmp_path):
        code = READ_SETTINGS.replace('"IMG_SRC"', '"FRAME_SRC": csp["frame-src"], "IMG_SRC"')
        env = {"DEBUG": "true", "CLOSER_PEERTUBE_HOSTS": "tube.example.org,Framatube.org"}
        result = run_python(code, env, tmp_path)
        assert result.returncode == 0, result.stderr
        frame_src = json.loads(result.stdout.strip().splitlines()[-1])["FRAME_SRC"]
        assert {"https://tube.example.org", "https://framatube.org"} <= set(frame_src)
        assert "https://www.youtube-nocookie.com" in frame_src
        for bad in ("https://tube.example.org", "tube.example.org:8443", "*.example.org"):
            result = run_python(
                READ_SETTINGS, {"DEBUG": "true", "CLOSER_PEERTUBE_HOSTS": bad}, tmp_path
            )
            assert result.returncode != 0
            assert (
                "CLOSER_PEERTUBE_HOSTS" in result.stderr and "is not a host name" in result.stderr
            )

    def test_debug_needs_no_secret_key(self, tmp_path):
        values = read_settings({"DEBUG": "true"}, tmp_path)
        assert values["DEBUG"] is True
        assert "127.0.0.1" in values["ALLOWED_HOSTS"]


class TestLaptopDefaults:
    def test_sqlite_connections_per_request_when_asked(self, tmp_path):
        values = read_settings({"DEBUG": "true", "DATABASE_CONN_MAX_AGE": "0"}, tmp_path)
        assert values["DB_CONN_MAX_AGE"] == 0

    def test_the_local_memory_cache_size_can_be_set(self, tmp_path):
        values = read_settings({"DEBUG": "true", "CACHE_MAX_ENTRIES": "50000"}, tmp_path)
        assert values["CACHE_MAX_ENTRIES"] == 50_000

    def test_local_copies_beside_redis_can_be_set_or_turned_off(self, tmp_path):
        redis = {**PRODUCTION_ENV, "REDIS_URL": "redis://cache.internal:6379/2"}
        assert (
            read_settings({**redis, "CACHE_LOCAL_COPIES": "0"}, tmp_path)["CACHE_LOCAL_COPIES"] == 0
        )
        result = run_python(READ_CLOSER_SETTINGS, {**redis, "CACHE_LOCAL_COPIES": "-1"}, tmp_path)
        assert result.returncode != 0
        assert "CACHE_LOCAL_COPIES must be" in result.stderr

    @pytest.mark.parametrize("value", ["0", "-5", "lots"])
    def test_a_bad_cache_size_is_refused_with_its_name(self, tmp_path, value):
        result = run_python(
            READ_CLOSER_SETTINGS, {"DEBUG": "true", "CACHE_MAX_ENTRIES": value}, tmp_path
        )
        assert result.returncode != 0
        assert "CACHE_MAX_ENTRIES must be" in result.stderr

    def test_sqlite_locmem_and_files_on_disk(self, tmp_path):
        values = read_settings({"DEBUG": "true"}, tmp_path)
        assert values["ENGINE"] == "django.db.backends.sqlite3"
        assert values["DB_NAME"] == str(tmp_path / "closer.sqlite3")
        # Each worker thread keeps its SQLite connection a minute (not one per request).
        assert values["DB_CONN_MAX_AGE"] == 60
        assert values["CACHE"].endswith("LocMemCache")
        assert values["CACHE_MAX_ENTRIES"] == 2000  # a few thousand pages, not Django's 300
        assert values["SESSION_ENGINE"] == "django.contrib.sessions.backends.db"
        assert values["STORAGE"] == "django.core.files.storage.FileSystemStorage"
        assert values["MEDIA_URL"] == "/media/" and values["SERVE_MEDIA"] is True
        assert values["SSL_REDIRECT"] is False and values["HSTS"] == 0
        assert "()" not in values["LOG_FORMATTER"]  # readable text while developing


READ_CLOSER_SETTINGS = """
import json, django
django.setup()
from django.conf import settings as s
print(json.dumps({name: getattr(s, name) for name in dir(s) if name.startswith("CLOSER_")}))
"""


class TestCloserSettings:
    def test_defaults(self, tmp_path):
        result = run_python(READ_CLOSER_SETTINGS, {"DEBUG": "true"}, tmp_path)
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout.strip().splitlines()[-1]) == {
            "CLOSER_MAX_UPLOAD_BYTES": 20 * 1024 * 1024,
            "CLOSER_MAX_IMAGE_PIXELS": 50_000_000,
            "CLOSER_MAX_CAPTION_BYTES": 1024 * 1024,
            "CLOSER_OEMBED_TIMEOUT": 3.0,
            "CLOSER_OEMBED_ENDPOINTS": {},
            "CLOSER_POSTER_MAX_BYTES": 5 * 1024 * 1024,
            "CLOSER_PEERTUBE_HOSTS": [],
            "CLOSER_MAX_BODY_BYTES": 1024 * 1024,
            "CLOSER_MAX_BODY_DEPTH": 32,
            "CLOSER_MAX_BODY_ELEMENTS": 25_000,
            "CLOSER_PREVIEW_RATE": 60,
            "CLOSER_DRAFT_SHARE_DAYS": 7,
            "CLOSER_PAGE_CACHE": True,
            "CLOSER_PAGE_CACHE_SECONDS": 24 * 60 * 60,
            "CLOSER_CACHE_MAX_AGE": 0,
            "CLOSER_CACHE_S_MAXAGE": 60,
            "CLOSER_CACHE_STALE_WHILE_REVALIDATE": 30,
            "CLOSER_CACHE_SALT": "",
            "CLOSER_NEWSLETTER_CONTENT": "full",
            "CLOSER_NEWSLETTER_BATCH": 50,
            "CLOSER_NEWSLETTER_CLAIM_SECONDS": 600,
            "CLOSER_NEWSLETTER_RATE_PER_ADDRESS": 3,
            "CLOSER_NEWSLETTER_RATE_GLOBAL": 200,
            "CLOSER_NEWSLETTER_MAX_AGE_HOURS": 48,
            "CLOSER_COMMENTS_MODERATION": "first",
            "CLOSER_COMMENTS_CLOSE_AFTER_DAYS": 0,
            "CLOSER_COMMENT_MAX_CHARS": 5000,
            "CLOSER_COMMENT_MAX_LINKS": 3,
            "CLOSER_COMMENT_MIN_SECONDS": 3,
            "CLOSER_COMMENT_FORM_MAX_AGE": 259200,
            "CLOSER_COMMENT_RATE_WINDOW": 600,
            "CLOSER_COMMENT_RATE_PER_ADDRESS": 5,
            "CLOSER_COMMENT_RATE_GLOBAL": 100,
        }

    def test_each_comes_from_the_environment(self, tmp_path):
        env = {
            "DEBUG": "true",
            "CLOSER_MAX_UPLOAD_BYTES": "1000",
            "CLOSER_MAX_IMAGE_PIXELS": "2000",
            "CLOSER_MAX_CAPTION_BYTES": "3000",
            "CLOSER_OEMBED_TIMEOUT": "1.5",
            "CLOSER_OEMBED_ENDPOINTS": '{"youtube": "http://127.0.0.1:9/oembed"}',
            "CLOSER_POSTER_MAX_BYTES": "3000",
            "CLOSER_PEERTUBE_HOSTS": "tube.example.org, Framatube.org",
            "CLOSER_MAX_BODY_BYTES": "4000",
            "CLOSER_MAX_BODY_DEPTH": "5",
            "CLOSER_MAX_BODY_ELEMENTS": "6000",
            "CLOSER_PREVIEW_RATE": "7",
            "CLOSER_DRAFT_SHARE_DAYS": "3",
            "CLOSER_PAGE_CACHE": "false",
            "CLOSER_PAGE_CACHE_SECONDS": "8",
            "CLOSER_CACHE_MAX_AGE": "9",
            "CLOSER_CACHE_S_MAXAGE": "10",
            "CLOSER_CACHE_STALE_WHILE_REVALIDATE": "11",
            "CLOSER_CACHE_SALT": "salt",
            "CLOSER_NEWSLETTER_CONTENT": "excerpt",
            "CLOSER_NEWSLETTER_BATCH": "12",
            "CLOSER_NEWSLETTER_CLAIM_SECONDS": "13",
            "CLOSER_NEWSLETTER_RATE_PER_ADDRESS": "14",
            "CLOSER_NEWSLETTER_RATE_GLOBAL": "15",
            "CLOSER_NEWSLETTER_MAX_AGE_HOURS": "16",
            "CLOSER_COMMENTS_MODERATION": "all",
            "CLOSER_COMMENTS_CLOSE_AFTER_DAYS": "17",
            "CLOSER_COMMENT_MAX_CHARS": "18",
            "CLOSER_COMMENT_MAX_LINKS": "19",
            "CLOSER_COMMENT_MIN_SECONDS": "20",
            "CLOSER_COMMENT_FORM_MAX_AGE": "21",
            "CLOSER_COMMENT_RATE_WINDOW": "22",
            "CLOSER_COMMENT_RATE_PER_ADDRESS": "23",
            "CLOSER_COMMENT_RATE_GLOBAL": "24",
        }
        result = run_python(READ_CLOSER_SETTINGS, env, tmp_path)
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout.strip().splitlines()[-1]) == {
            "CLOSER_MAX_UPLOAD_BYTES": 1000,
            "CLOSER_MAX_IMAGE_PIXELS": 2000,
            "CLOSER_MAX_CAPTION_BYTES": 3000,
            "CLOSER_OEMBED_TIMEOUT": 1.5,
            "CLOSER_OEMBED_ENDPOINTS": {"youtube": "http://127.0.0.1:9/oembed"},
            "CLOSER_POSTER_MAX_BYTES": 3000,
            "CLOSER_PEERTUBE_HOSTS": ["tube.example.org", "Framatube.org"],
            "CLOSER_MAX_BODY_BYTES": 4000,
            "CLOSER_MAX_BODY_DEPTH": 5,
            "CLOSER_MAX_BODY_ELEMENTS": 6000,
            "CLOSER_PREVIEW_RATE": 7,
            "CLOSER_DRAFT_SHARE_DAYS": 3,
            "CLOSER_PAGE_CACHE": False,
            "CLOSER_PAGE_CACHE_SECONDS": 8,
            "CLOSER_CACHE_MAX_AGE": 9,
            "CLOSER_CACHE_S_MAXAGE": 10,
            "CLOSER_CACHE_STALE_WHILE_REVALIDATE": 11,
            "CLOSER_CACHE_SALT": "salt",
            "CLOSER_NEWSLETTER_CONTENT": "excerpt",
            "CLOSER_NEWSLETTER_BATCH": 12,
            "CLOSER_NEWSLETTER_CLAIM_SECONDS": 13,
            "CLOSER_NEWSLETTER_RATE_PER_ADDRESS": 14,
            "CLOSER_NEWSLETTER_RATE_GLOBAL": 15,
            "CLOSER_NEWSLETTER_MAX_AGE_HOURS": 16,
            "CLOSER_COMMENTS_MODERATION": "all",
            "CLOSER_COMMENTS_CLOSE_AFTER_DAYS": 17,
            "CLOSER_COMMENT_MAX_CHARS": 18,
            "CLOSER_COMMENT_MAX_LINKS": 19,
            "CLOSER_COMMENT_MIN_SECONDS": 20,
            "CLOSER_COMMENT_FORM_MAX_AGE": 21,
            "CLOSER_COMMENT_RATE_WINDOW": 22,
            "CLOSER_COMMENT_RATE_PER_ADDRESS": 23,
            "CLOSER_COMMENT_RATE_GLOBAL": 24,
        }


def test_the_test_suite_says_it_is_testing(settings):
    # Set by config.test_settings (pytest.ini), not guessed from the command line.
    assert settings.TESTING is True and settings.PRODUCTION is False


@pytest.mark.django_db(transaction=True)
def test_the_live_server_threads_have_database_connections_of_their_own(
    django_db_setup, live_server
):
    # Django hands the live server the test thread's connection when the test database (set up
    # first, as in a full run) is in-memory SQLite. Two Python threads on one SQLite connection
    # freeze the process once a query calls a Python function (Django's date functions do): one
    # thread holds SQLite's connection mutex waiting for the GIL, the other holds the GIL waiting
    # for the mutex. The tests' SQLite database is a file (config.settings), so it never happens.
    assert live_server.thread.connections_override == {}


class TestProduction:
    def test_site_url_alone_is_enough(self, tmp_path):
        values = read_settings(PRODUCTION_ENV, tmp_path)
        assert values["DEBUG"] is False
        assert values["ALLOWED_HOSTS"] == ["closer.example.com"]
        assert values["SITE_URL"] == "https://closer.example.com"
        assert values["SSL_REDIRECT"] is True and values["HSTS"] == 31_536_000
        assert values["SESSION_COOKIE_SECURE"] is True
        assert values["PROXY_HEADER"] is None  # opt-in only: it is unsafe without a proxy
        assert values["STATIC_STORAGE"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
        assert values["LOG_FORMATTER"] == {"()": "config.logging.JsonFormatter"}

    def test_every_value_comes_from_the_environment(self, tmp_path):
        values = read_settings(
            {
                **PRODUCTION_ENV,
                "ALLOWED_HOSTS": "closer.example.com, www.closer.example.com",
                "CSRF_TRUSTED_ORIGINS": "https://closer.example.com",
                "SITE_NAME": "Moving Rooms",
                "DATABASE_URL": "postgres://closer:pw@db.internal:5432/closer",
                "REDIS_URL": "redis://cache.internal:6379/2",
                "SECURE_PROXY_SSL_HEADER": "true",
            },
            tmp_path,
        )
        assert values["ALLOWED_HOSTS"] == ["closer.example.com", "www.closer.example.com"]
        assert values["CSRF_TRUSTED_ORIGINS"] == ["https://closer.example.com"]
        assert values["SITE_NAME"] == "Moving Rooms"
        assert values["ENGINE"] == "django.db.backends.postgresql"
        assert (values["DB_NAME"], values["DB_HOST"]) == ("closer", "db.internal")
        assert values["DB_CONN_MAX_AGE"] == 60
        assert values["CACHE"] == "core.cache.FailSoftRedisCache"
        assert values["CACHE_LOCATION"] == "redis://cache.internal:6379/2"
        assert values["CACHE_LOCAL_COPIES"] == 500  # cached pages also kept in each worker
        assert values["SESSION_ENGINE"] == "django.contrib.sessions.backends.cached_db"
        assert values["PROXY_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


class TestObjectStorage:
    def test_bucket_on_an_s3_compatible_server(self, tmp_path):
        values = read_settings(
            {
                **PRODUCTION_ENV,
                "S3_BUCKET": "closer-media",
                "S3_ENDPOINT_URL": "https://s3.eu.example.net",
                "S3_REGION": "eu-central-1",
                "S3_ACCESS_KEY_ID": "AKIDEXAMPLE",
                "S3_SECRET_ACCESS_KEY": "secret-example",
            },
            tmp_path,
        )
        assert values["STORAGE"] == "storages.backends.s3.S3Storage"
        options = values["STORAGE_OPTIONS"]
        assert options["bucket_name"] == "closer-media"
        assert options["endpoint_url"] == "https://s3.eu.example.net"
        assert options["region_name"] == "eu-central-1"
        assert options["access_key"] == "AKIDEXAMPLE"
        assert options["querystring_auth"] is False
        assert values["MEDIA_URL"] == "https://s3.eu.example.net/closer-media/"
        assert values["SERVE_MEDIA"] is False
        assert "https://s3.eu.example.net" in values["IMG_SRC"]
        assert "https://s3.eu.example.net" in values["MEDIA_SRC"]

    def test_public_url_of_a_cdn_in_front_of_the_bucket(self, tmp_path):
        values = read_settings(
            {
                **PRODUCTION_ENV,
                "S3_BUCKET": "closer-media",
                "S3_PUBLIC_URL": "https://media.closer.example.com/files",
            },
            tmp_path,
        )
        options = values["STORAGE_OPTIONS"]
        assert options["custom_domain"] == "media.closer.example.com/files"
        assert options["url_protocol"] == "https:"
        assert values["MEDIA_URL"] == "https://media.closer.example.com/files/"
        assert values["IMG_SRC"] == ["'self'", "data:", "https://media.closer.example.com"]

    def test_plain_aws_bucket(self, tmp_path):
        values = read_settings(
            {**PRODUCTION_ENV, "S3_BUCKET": "closer-media", "S3_REGION": "eu-west-1"}, tmp_path
        )
        assert values["MEDIA_URL"] == "https://closer-media.s3.eu-west-1.amazonaws.com/"
        assert "https://closer-media.s3.eu-west-1.amazonaws.com" in values["IMG_SRC"]


@pytest.mark.parametrize("flag", ["true", "1", "yes", "on", "TRUE"])
def test_debug_flag_spellings(flag, tmp_path):
    assert read_settings({"DEBUG": flag}, tmp_path)["DEBUG"] is True


def test_local_mode_serves_without_debug_over_plain_http_on_localhost(tmp_path):
    """`make run` (CLOSER_LOCAL=true): DEBUG off so readers' error pages show, laptop-friendly."""
    values = read_settings({"CLOSER_LOCAL": "true"}, tmp_path)
    assert values["DEBUG"] is False
    assert values["ALLOWED_HOSTS"] == ["localhost", "127.0.0.1", "[::1]"]
    assert values["SSL_REDIRECT"] is False
    assert values["HSTS"] == 0
    assert values["SESSION_COOKIE_SECURE"] is False
    assert values["STATIC_STORAGE"] == "django.contrib.staticfiles.storage.StaticFilesStorage"
    assert values["SERVE_MEDIA"] is True
