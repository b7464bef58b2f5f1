"""Closer settings: one module, read from the environment, safe local defaults.

Every value an operator may need to change comes from an environment variable; see
`.env.example` and the README section "Running in production".
"""

import json
import os
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from config.logging import logging_config
from config.mail import mail_settings
from config.media import media_settings

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("CLOSER_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    """Read a yes/no environment variable."""
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    """Read a comma-separated environment variable."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    """Read a whole-number environment variable; say which one when it is not a number."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def env_float(name: str, default: float) -> float:
    """Read a number environment variable; say which one when it is not a number."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return float(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, not {value!r}.") from None


def env_json_object(name: str) -> dict:
    """Read a JSON object ({"key": "value", ...}) environment variable; empty means {}."""
    value = os.environ.get(name, "").strip()
    if not value:
        return {}
    try:
        parsed = json.loads(value)
    except ValueError:
        parsed = None
    if not isinstance(parsed, dict):
        raise ImproperlyConfigured(f'{name} must be a JSON object such as {{"a": "b"}}.')
    return parsed


DEBUG = env_bool("DEBUG", False)
# The test suite says so itself (pytest.ini uses config.test_settings, which sets it).
TESTING = env_bool("CLOSER_TESTING", False)
# `make run` serves the demo as readers see it (DEBUG off: the real 404/500 pages) but on a
# laptop: plain http, localhost only, the fixed key, static files straight from the app folders.
LOCAL = env_bool("CLOSER_LOCAL", False)
# Production defaults (HTTPS only, secure cookies, HSTS) apply unless debugging, local or testing.
PRODUCTION = not (DEBUG or TESTING or LOCAL)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not PRODUCTION:
        # A fixed key is fine on a laptop: nothing it signs leaves the machine.
        SECRET_KEY = "closer-local-development-key-not-for-production-use-0123456789"
    else:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable "
            "(for example: python -c 'import secrets; print(secrets.token_urlsafe(50))'), "
            "or set CLOSER_LOCAL=true (or DEBUG=true) for local development."
        )

SITE_NAME = os.environ.get("SITE_NAME", "Closer")
SITE_TAGLINE = os.environ.get("SITE_TAGLINE", "Video essays on films and music videos")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Feed entry ids are tag: URIs minted under this name. It defaults to SITE_URL's host; set it
# to the old host before moving to a new domain, so feed readers do not show every post again.
FEED_ID_DOMAIN = os.environ.get("FEED_ID_DOMAIN", "")

# In production the site's own host is allowed by default, so SITE_URL alone is enough.
if PRODUCTION:
    _site_host = urlsplit(SITE_URL).hostname if "SITE_URL" in os.environ else None
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", _site_host or "")
else:
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS is empty, so every request would be refused. Set SITE_URL "
        "(for example https://closer.example.com) or ALLOWED_HOSTS (comma-separated host names)."
    )
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "taggit",
    "csp",
    "core",
    "django_tasks",
    "django_tasks_db",
    "blog",
    "videos",
    "newsletter",
    "comments",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.methods.RefuseTraceMiddleware",
    "blog.middleware.NulByteMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A stored reader page for a reader with no cookies, before sessions, CSRF and auth.
    "blog.page_cache.PageCacheHitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Stores what the middleware below produce, gzipped: keep these two together, in this order.
    "blog.page_cache.PageCacheMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.headers.PermissionsPolicyMiddleware",
    "core.throttle.LoginThrottleMiddleware",
    "blog.middleware.OldURLRedirectMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.site",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

# Database: SQLite under var/ by default; DATABASE_URL (e.g. postgres://...) switches.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL,
            conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
            conn_health_checks=True,
        )
    }
    if TESTING and DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        # Several test runs may share one server (CI, developers): one test database per run.
        name = DATABASES["default"]["NAME"]
        DATABASES["default"]["TEST"] = {"NAME": f"test_{name}_{os.getpid()}"}
else:
    # SQLite cannot create the folder its file lives in; a fresh CLOSER_VAR_DIR just works.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "closer.sqlite3",
            # Each worker thread keeps its connection: opening one per request (the file, the
            # schema, the PRAGMAs below) was 0.9 ms of a cached page's 1.1 ms. The tests keep
            # Django's default of a connection per request.
            "CONN_MAX_AGE": env_int("DATABASE_CONN_MAX_AGE", 0 if TESTING else 60),
            "OPTIONS": {
                # WAL lets readers read while an author writes; IMMEDIATE takes the write lock
                # at BEGIN so two writers queue on the busy timeout instead of deadlocking.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON;"
                ),
            },
        }
    }
    if TESTING:
        # A file, not Django's in-memory default: for an in-memory database the live server's
        # request threads all share the test thread's one connection, and two Python threads
        # on one SQLite connection can freeze the process (one holds SQLite's connection mutex
        # waiting for the GIL in a Python SQL function, the other holds the GIL waiting for
        # the mutex). With a file each thread has its own connection, as in production.
        DATABASES["default"]["TEST"] = {
            "NAME": Path(tempfile.gettempdir()) / f"closer-test-{os.getpid()}.sqlite3"
        }

# Background tasks (django-tasks, Django 6's django.tasks API): the queue lives in the database
# above and `manage.py db_worker` runs it. TASKS_BACKEND=immediate runs each task inline when
# it is enqueued (the tests' default; no worker needed, but saves wait on the network again).
TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
_task_backend = os.environ.get("TASKS_BACKEND", "immediate" if TESTING else "database")
if _task_backend not in TASK_BACKENDS:
    raise ImproperlyConfigured(
        f"TASKS_BACKEND must be one of {', '.join(TASK_BACKENDS)}, not {_task_backend!r}."
    )
TASKS = {"default": {"BACKEND": TASK_BACKENDS[_task_backend], "QUEUES": ["default"]}}

# Cache: local memory on one machine; Redis when REDIS_URL is set.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHE_LOCAL_COPIES = env_int("CACHE_LOCAL_COPIES", 500)
    if CACHE_LOCAL_COPIES < 0:
        raise ImproperlyConfigured(
            f"CACHE_LOCAL_COPIES must be 0 (off) or more, not {CACHE_LOCAL_COPIES}."
        )
    CACHES = {
        "default": {
            # While Redis is away reads miss and writes are dropped (logged), instead of a 500.
            "BACKEND": "core.cache.FailSoftRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "closer"),
            # A Redis that stops answering must cost a request a second, not a worker timeout.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
            # Cached pages and parts are keyed by the content version, so a key never gets
            # another value: each worker keeps its last CACHE_LOCAL_COPIES of them in memory
            # as well (0 turns that off), instead of a round trip to Redis per cached page.
            "WRITE_ONCE_PREFIXES": ("page:", "closer-part:", "closer-body:", "closer-card:"),
            "LOCAL_COPIES": CACHE_LOCAL_COPIES,
        }
    }
    # Sessions read from Redis and survive a Redis restart because they are also in the
    # database; during an outage they are read from the database alone.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHE_MAX_ENTRIES = env_int("CACHE_MAX_ENTRIES", 2000)
    if CACHE_MAX_ENTRIES < 1:
        raise ImproperlyConfigured(
            f"CACHE_MAX_ENTRIES must be at least 1, not {CACHE_MAX_ENTRIES}."
        )
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            # Django's default of 300 entries held a few hundred pages and bodies of a site with
            # thousands of addresses, and each overflow dropped a third of them at once. Pages
            # are kept gzipped (5-50 KB), bodies as HTML (10-60 KB): tens of MB per worker.
            "OPTIONS": {"MAX_ENTRIES": CACHE_MAX_ENTRIES},
        }
    }

# Whole pages for anonymous readers (blog.page_cache), and what proxies in front may keep:
# browsers revalidate (max-age), a proxy or CDN may serve a page this many seconds old
# (s-maxage, never past a scheduled essay's time) and a little longer while it revalidates.
CLOSER_PAGE_CACHE = env_bool("CLOSER_PAGE_CACHE", True)
CLOSER_PAGE_CACHE_SECONDS = env_int("CLOSER_PAGE_CACHE_SECONDS", 24 * 60 * 60)
CLOSER_CACHE_MAX_AGE = env_int("CLOSER_CACHE_MAX_AGE", 0)
CLOSER_CACHE_S_MAXAGE = env_int("CLOSER_CACHE_S_MAXAGE", 60)
CLOSER_CACHE_STALE_WHILE_REVALIDATE = env_int("CLOSER_CACHE_STALE_WHILE_REVALIDATE", 30)
# Change to drop every cached page at once (normally never needed: keys are versioned).
CLOSER_CACHE_SALT = os.environ.get("CLOSER_CACHE_SALT", "")

if TESTING:
    # Tests create and log in many users; a deliberately slow hash only slows the suite.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# Uploaded media: files under MEDIA_ROOT, or an S3-compatible bucket when S3_BUCKET is set.
_media = media_settings(os.environ)
MEDIA_URL = _media.media_url
# Local media is served by Django unless a proxy in front does it (SERVE_MEDIA=false).
SERVE_MEDIA = env_bool("SERVE_MEDIA", not _media.is_remote and MEDIA_URL.startswith("/"))

STORAGES = {
    "default": _media.storage,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if not PRODUCTION
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# In development and tests WhiteNoise serves straight from the app folders, no collectstatic.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TAGGIT_CASE_INSENSITIVE = True
# The tag field keeps the author's order and spelling, commas between names (blog.tag_names).
TAGGIT_TAGS_FROM_STRING = "blog.tag_names.parse_tag_string"
TAGGIT_STRING_FROM_TAGS = "blog.tag_names.tag_string"

LOGIN_URL = "admin:login"
# Where a login lands when its next= is missing or points off the site.
LOGIN_REDIRECT_URL = "admin:index"

# Closer
# Run by `restore` after loading the rows: rebuild what is derived from them and not backed up.
AFTER_RESTORE_COMMANDS = ["reindex_search"]
POSTS_PER_PAGE = env_int("POSTS_PER_PAGE", 10)
# Uploads: the form refuses bigger files; also cap the request body in the proxy
# (FILE_UPLOAD_MAX_MEMORY_SIZE only decides when an upload spills to disk).
CLOSER_MAX_UPLOAD_BYTES = env_int("CLOSER_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)
CLOSER_MAX_IMAGE_PIXELS = env_int("CLOSER_MAX_IMAGE_PIXELS", 50_000_000)
# Caption files (WebVTT): a feature film's captions are about 100 KB.
CLOSER_MAX_CAPTION_BYTES = env_int("CLOSER_MAX_CAPTION_BYTES", 1024 * 1024)
# Post bodies: the renderer refuses more (a clear error on the field and in the preview), so
# a body can never tie up a worker in the sanitizer; previews per user per minute.
CLOSER_MAX_BODY_BYTES = env_int("CLOSER_MAX_BODY_BYTES", 1024 * 1024)
CLOSER_MAX_BODY_DEPTH = env_int("CLOSER_MAX_BODY_DEPTH", 32)
CLOSER_MAX_BODY_ELEMENTS = env_int("CLOSER_MAX_BODY_ELEMENTS", 25_000)
CLOSER_PREVIEW_RATE = env_int("CLOSER_PREVIEW_RATE", 60)
# How many days a new shared-draft link works unless its maker picks another (blog.shares).
CLOSER_DRAFT_SHARE_DAYS = env_int("CLOSER_DRAFT_SHARE_DAYS", 7)
# Video providers: oEmbed answers and posters must arrive within this many seconds.
CLOSER_OEMBED_TIMEOUT = env_float("CLOSER_OEMBED_TIMEOUT", 3)
# Where to ask each provider for oEmbed data instead of its own endpoint, as JSON
# ({"youtube": "http://127.0.0.1:PORT/oembed"}): tests point providers at a local server.
CLOSER_OEMBED_ENDPOINTS = env_json_object("CLOSER_OEMBED_ENDPOINTS")
# PeerTube instances whose videos may be embedded (comma-separated host names such as
# "tube.example.org,framatube.org"); each also goes into the CSP frame-src. Empty: none.
CLOSER_PEERTUBE_HOSTS = env_list("CLOSER_PEERTUBE_HOSTS")
# The largest poster accepted, downloaded or uploaded.
CLOSER_POSTER_MAX_BYTES = env_int("CLOSER_POSTER_MAX_BYTES", 5 * 1024 * 1024)

# Mail (the newsletter): SMTP from EMAIL_URL or EMAIL_HOST/EMAIL_PORT/EMAIL_HOST_USER/
# EMAIL_HOST_PASSWORD/EMAIL_USE_TLS; none of them prints mails to the console. EMAIL_BACKEND
# picks another backend (django-anymail: README "Newsletter"), configured by ANYMAIL (JSON).
_mail = mail_settings(os.environ)
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "").strip() or _mail["EMAIL_BACKEND"]
EMAIL_HOST = _mail.get("EMAIL_HOST", "localhost")
EMAIL_PORT = _mail.get("EMAIL_PORT", 25)
EMAIL_HOST_USER = _mail.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _mail.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _mail.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _mail.get("EMAIL_USE_SSL", False)
ANYMAIL = env_json_object("ANYMAIL")
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", f"{SITE_NAME} <newsletter@{urlsplit(SITE_URL).hostname or 'localhost'}>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# What subscribers get: "full" essays or the "excerpt" with a link; messages per batch (one
# task run, one SMTP connection); after how many seconds a claimed but unconfirmed message
# counts as lost with its worker and is sent again; subscription requests per address and
# site-wide per hour; how far in the past a newly published essay may be dated and still be
# mailed (older ones are imports or back-dated, never mailed).
CLOSER_NEWSLETTER_CONTENT = os.environ.get("CLOSER_NEWSLETTER_CONTENT", "full")
if CLOSER_NEWSLETTER_CONTENT not in ("full", "excerpt"):
    raise ImproperlyConfigured("CLOSER_NEWSLETTER_CONTENT must be full or excerpt.")
CLOSER_NEWSLETTER_BATCH = env_int("CLOSER_NEWSLETTER_BATCH", 50)
CLOSER_NEWSLETTER_CLAIM_SECONDS = env_int("CLOSER_NEWSLETTER_CLAIM_SECONDS", 10 * 60)
CLOSER_NEWSLETTER_RATE_PER_ADDRESS = env_int("CLOSER_NEWSLETTER_RATE_PER_ADDRESS", 3)
CLOSER_NEWSLETTER_RATE_GLOBAL = env_int("CLOSER_NEWSLETTER_RATE_GLOBAL", 200)
CLOSER_NEWSLETTER_MAX_AGE_HOURS = env_int("CLOSER_NEWSLETTER_MAX_AGE_HOURS", 48)

# Logs: JSON lines on stdout in production, readable text while developing.
LOGGING = logging_config(
    fmt=os.environ.get("LOG_FORMAT", "json" if PRODUCTION else "text"),
    level=os.environ.get("LOG_LEVEL", "INFO").upper(),
)

# Security. The referrer policy stays strict site-wide; player iframes carry their own
# referrerpolicy because YouTube refuses to play without the embedding origin.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
# The load balancer asks over plain HTTP; it must get an answer, not a redirect.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", PRODUCTION)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", PRODUCTION)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", PRODUCTION)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", PRODUCTION)
SESSION_COOKIE_HTTPONLY = True
# Behind a proxy that ends TLS, trust its X-Forwarded-Proto; only then, or anyone could claim https.
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Use the proxy's X-Forwarded-For (last hop) as the client address for the login throttle.
TRUST_X_FORWARDED_FOR = env_bool("TRUST_X_FORWARDED_FOR", False)

# Admin login throttle (core.throttle, counted in the database): after this many failures from
# one address for one user name (or four times as many from one address), logins are refused
# for the window.
# Comments (see README "Comments"). Moderation: "first" holds an address's first comment until
# an editor approves one; "all" holds every comment; "none" shows every comment at once.
CLOSER_COMMENTS_MODERATION = os.environ.get("CLOSER_COMMENTS_MODERATION", "first")
CLOSER_COMMENTS_CLOSE_AFTER_DAYS = env_int("CLOSER_COMMENTS_CLOSE_AFTER_DAYS", 0)  # 0: never
CLOSER_COMMENT_MAX_CHARS = env_int("CLOSER_COMMENT_MAX_CHARS", 5000)
CLOSER_COMMENT_MAX_LINKS = env_int("CLOSER_COMMENT_MAX_LINKS", 3)
CLOSER_COMMENT_MIN_SECONDS = env_int("CLOSER_COMMENT_MIN_SECONDS", 3)  # time on page
CLOSER_COMMENT_FORM_MAX_AGE = env_int("CLOSER_COMMENT_FORM_MAX_AGE", 3 * 24 * 60 * 60)
CLOSER_COMMENT_RATE_WINDOW = env_int("CLOSER_COMMENT_RATE_WINDOW", 10 * 60)
CLOSER_COMMENT_RATE_PER_ADDRESS = env_int("CLOSER_COMMENT_RATE_PER_ADDRESS", 5)
CLOSER_COMMENT_RATE_GLOBAL = env_int("CLOSER_COMMENT_RATE_GLOBAL", 100)

LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_FAILURE_WINDOW = env_int("LOGIN_FAILURE_WINDOW", 15 * 60)

from videos.providers import PROVIDERS  # noqa: E402  (pure Python, no Django import)
from videos.providers.peertube import allowed_hosts  # noqa: E402

try:
    _peertube_hosts = allowed_hosts(CLOSER_PEERTUBE_HOSTS)
except ValueError as error:
    raise ImproperlyConfigured(f"CLOSER_PEERTUBE_HOSTS: {error}") from None
PLAYER_FRAME_ORIGINS = sorted(
    {origin for p in PROVIDERS.values() for origin in p.frame_origins}
    | {f"https://{host}" for host in _peertube_hosts}
)

# Browser features: none of the sensors; playback features only for us and the player frames.
_players = " ".join(f'"{origin}"' for origin in PLAYER_FRAME_ORIGINS)
PERMISSIONS_POLICY = ", ".join(
    [
        *(f"{feature}=()" for feature in ("camera", "microphone", "geolocation", "payment", "usb")),
        *(
            f"{feature}=(self {_players})"
            for feature in ("autoplay", "encrypted-media", "fullscreen", "picture-in-picture")
        ),
    ]
)

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # Media in a bucket or behind a CDN comes from its own origin.
        "img-src": ["'self'", "data:", *_media.origins],
        # Direct video files may live on any https host; uploaded media on ours.
        "media-src": ["'self'", "https:", *_media.origins],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-src": PLAYER_FRAME_ORIGINS,
        "frame-ancestors": ["'none'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
    }
}
