"""Whole pages cached for anonymous readers, and the HTTP validators that go with them.

Every reader page and feed (the ``blog`` and ``videos`` URL namespaces) is stored whole, for
anonymous GETs only, under a key made of the request's full address, whether it may be gzipped,
a digest of the code and templates, and the site's *content version*. The version is one
database row (``ContentVersion``) that every change a reader could see moves on, inside the
transaction that makes the change: nothing is ever purged, old keys are simply never asked for
again and age out of the cache. A scheduled essay needs no save to appear: the version row
remembers when it was last moved, the first request after the next scheduled time moves it
again, and no entry outlives that time anyway.

The same version gives every anonymous response its ``ETag`` (the generation) and
``Last-Modified`` (a time that is strictly later for each committed change, so it never moves
backwards), answers conditional GETs with 304 before any page is rendered, and sets the
``Cache-Control`` a proxy or CDN in front may use. Logged-in users are never served a cached
page, never cause one to be stored, and get ``private`` no-store responses; so do previews.

Call ``content_version_bump()`` after any write the signals below cannot see (``QuerySet.update()``,
raw SQL); register a new model readers see with ``watch_model()``.
"""

import contextvars
import functools
import hashlib
import logging
import re
import secrets
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.core.signals import setting_changed
from django.db import IntegrityError, InterfaceError, OperationalError, connections, transaction
from django.db.models import Case, F, OuterRef, Subquery, Value, When
from django.db.models.functions import Greatest
from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_migrate,
    post_save,
    pre_delete,
    pre_save,
)
from django.http import HttpResponse, HttpResponseNotModified
from django.urls import Resolver404, get_urlconf, resolve
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control, patch_vary_headers
from django.utils.dateparse import parse_datetime
from django.utils.http import http_date, parse_etags, parse_http_date_safe

from blog.models import (
    CitedMoment,
    ContentVersion,
    Image,
    Post,
    PostVideo,
    RetiredPostSlug,
    RetiredTagSlug,
    Tag,
    TaggedPost,
)
from core.change_signal import ChangeSignal
from videos.models import Video, VideoChapter

logger = logging.getLogger(__name__)

# The URL namespaces whose pages only depend on published content (never on who asks).
READER_NAMESPACES = frozenset({"blog", "videos"})
VERSION_PK = 1
# Django's GZipMiddleware compresses exactly when this matches: the cache keys on the same test.
_ACCEPTS_GZIP = re.compile(r"\bgzip\b")


# The version this anonymous request was checked against, for caches of parts of a page
# (blog.body_cache) to key on; None for staff, previews and requests outside the readers' pages.
_request_version: contextvars.ContextVar = contextvars.ContextVar(
    "closer_request_version", default=None
)


def request_generation() -> int | None:
    """Return the content generation the current anonymous reader request was served at."""
    version = _request_version.get()
    return None if version is None else version.generation


def remembered(name: str, compute, *, prefix: str = "closer-part"):
    """Return compute(), kept between anonymous reader requests under the content generation.

    For parts of a page that cost more to work out than to fetch (an expanded body, the
    related essays' ranking): any change a reader could see moves the generation on, so an
    entry is never stale and is simply never asked for again. Staff requests and previews have
    no generation and always compute afresh; a cache outage costs speed, never the page.
    """
    generation = request_generation()
    if generation is None:
        return compute()
    key = _part_key(prefix, generation, name)
    try:
        value = cache.get(key)
    except Exception:
        logger.warning("Cache unreachable for %s", name, exc_info=True)
        return compute()
    if value is None:
        value = compute()
        try:
            cache.set(key, value, settings.CLOSER_PAGE_CACHE_SECONDS)
        except Exception:
            logger.warning("Cache unreachable for %s", name, exc_info=True)
    return value


def _part_key(prefix: str, generation: int, name: str) -> str:
    return f"{prefix}:{release_digest()}:{generation}:{name}"


def remembered_many(names: list[str], compute_missing, *, prefix: str = "closer-part") -> dict:
    """Return {name: value} for every name, like remembered(), in one cache read for them all.

    compute_missing(names) returns {name: value} for the names not found (all of them for staff
    and previews); what it returns is stored for the next request at the same generation.
    """
    generation = request_generation()
    if generation is None:
        return compute_missing(list(names))
    keys = {_part_key(prefix, generation, name): name for name in names}
    try:
        found = cache.get_many(list(keys))
    except Exception:
        logger.warning("Cache unreachable for %s", prefix, exc_info=True)
        found = {}
    values = {keys[key]: value for key, value in found.items()}
    missing = [name for name in names if name not in values]
    if missing:
        computed = compute_missing(missing)
        values.update(computed)
        try:
            cache.set_many(
                {key: computed[name] for key, name in keys.items() if name in computed},
                settings.CLOSER_PAGE_CACHE_SECONDS,
            )
        except Exception:
            logger.warning("Cache unreachable for %s", prefix, exc_info=True)
    return values


@dataclass(frozen=True)
class Version:
    generation: int
    last_modified: int  # Unix seconds; may run ahead of the clock after a burst of changes
    next_publish_at: datetime | None  # the next scheduled essay since the last bump

    @property
    def etag(self) -> str:
        # Weak: the gzipped and plain bodies of one page share it.
        return f'W/"{release_digest()}-{self.generation}"'


# --- The content version --------------------------------------------------------------------


def content_version_bump(*, using: str = "default") -> None:
    """Move the content version on: every cached page and ETag issued so far is out of date.

    Runs inside the caller's transaction, so the new version becomes visible exactly when the
    change does, and vanishes with it on rollback.
    """
    connection = connections[using]
    if getattr(connection, "_closer_content_batch", False):
        return  # content_version_batched() bumped on entry and bumps again on exit
    now = timezone.now()
    token = _transaction_token(connection, using)
    moved = (
        ContentVersion.objects.using(using)
        .filter(pk=VERSION_PK)
        .update(
            generation=F("generation") + 1,
            bumped_at=now,
            # Once per transaction, a whole second past the last committed value: two committed
            # versions never share a Last-Modified second, so If-Modified-Since stays exact.
            last_modified=Case(
                When(transaction_token=token, then=F("last_modified")),
                default=Greatest(F("last_modified") + 1, Value(int(now.timestamp()))),
            ),
            transaction_token=token,
        )
    )
    if not moved:
        _create_version_row(using)
        content_version_bump(using=using)
        return
    _signal_change(using)


@contextmanager
def content_version_batched(*, using: str = "default"):
    """Bump the content version once before and once after a batch of writes (an import).

    Inside one transaction only: the first bump takes the version row's lock for the whole
    batch, so skipping the thousands of bumps in between changes nothing readers could see.
    """
    connection = connections[using]
    if not connection.in_atomic_block:
        raise RuntimeError("content_version_batched() needs a transaction.")
    content_version_bump(using=using)
    connection._closer_content_batch = True
    try:
        yield
    finally:
        connection._closer_content_batch = False
    content_version_bump(using=using)


def _transaction_token(connection, using: str) -> str:
    """Return a token naming the current transaction (a fresh one outside transactions)."""
    if not connection.in_atomic_block:
        return secrets.token_hex(8)
    token = getattr(connection, "_closer_content_token", None)
    if token is None:
        token = connection._closer_content_token = secrets.token_hex(8)
    # Registered on every bump: a callback registered in a rolled-back savepoint is dropped.
    transaction.on_commit(lambda: _forget_token(connection, token), using=using)
    return token


def _forget_token(connection, token: str) -> None:
    if getattr(connection, "_closer_content_token", None) == token:
        connection._closer_content_token = None


def fresh_version_fields() -> dict:
    """Return the fields of a new version row: a generation no earlier row can have reached."""
    # Milliseconds since 1970: after a flush or a restore the generation still only grows,
    # so a shared cache never answers with a page stored under a number used before.
    return {"generation": time.time_ns() // 1_000_000, "last_modified": int(_unix_now())}


def _create_version_row(using: str) -> None:
    # The migration creates the row; a flushed database (restore, tests) lacks it.
    try:
        with transaction.atomic(using=using):
            ContentVersion.objects.using(using).get_or_create(
                pk=VERSION_PK, defaults=fresh_version_fields()
            )
    except IntegrityError:
        pass  # created by a concurrent request
    _signal_change(using)


def _version_query():
    """Return the row and the first essay scheduled after its last bump, as one query."""
    next_publish = (
        Post.objects.filter(status=Post.Status.PUBLISHED, published_at__gt=OuterRef("bumped_at"))
        .order_by("published_at")
        .values("published_at")[:1]
    )
    return (
        ContentVersion.objects.filter(pk=VERSION_PK)
        .annotate(next_publish_at=Subquery(next_publish))
        .values_list("generation", "last_modified", "next_publish_at")
    )


# The version query's SQL per database alias: built by the ORM once, not on every request
# (building it cost more than running it). Its parameters are constants.
_version_sql: dict[str, tuple[str, tuple]] = {}


def _read_version_row(using: str = "default"):
    if using not in _version_sql:
        _version_sql[using] = _version_query().query.get_compiler(using).as_sql()
    sql, params = _version_sql[using]
    connection = connections[using]
    if connection.vendor == "postgresql":
        row = _fetch_checked(connection, sql, params)
    else:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
    if row is None:
        return None
    generation, last_modified, next_publish_at = row
    if isinstance(next_publish_at, str):  # SQLite hands an annotation back as text
        next_publish_at = parse_datetime(next_publish_at)
    if next_publish_at is not None and timezone.is_naive(next_publish_at):
        next_publish_at = timezone.make_aware(next_publish_at, UTC)
    return Version(int(generation), int(last_modified), next_publish_at)


def _fetch_checked(connection, sql: str, params):
    """Run the version query on PostgreSQL as the connection's health check too.

    A cached page made two round trips: Django's health check (CONN_HEALTH_CHECKS runs
    ``SELECT 1`` on a reused connection before its first query of a request) and this query.
    Here the query is the check: if a reused connection fails it (the server restarted), it is
    opened again and the query runs once more, as the check would have done. It is logged like
    any query, so query counts in tests see it.
    """
    import psycopg

    checked = not connection.health_check_enabled or connection.health_check_done
    may_retry = not checked and connection.connection is not None
    while True:
        connection.ensure_connection()
        started = time.monotonic()
        try:
            with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
                cursor.execute(sql, params)
                row = cursor.fetchone()
        except (OperationalError, InterfaceError):
            if not may_retry or connection.in_atomic_block:
                raise
            may_retry = False
            connection.close()
            continue
        break
    connection.health_check_done = True
    if connection.queries_logged:
        connection.queries_log.append(
            {"sql": sql % tuple(params), "time": f"{time.monotonic() - started:.3f}"}
        )
    return row


def current_version() -> Version:
    """Return the content version now, moving it on first if a scheduled essay came due."""
    version = _remembered_version()
    if version is None:
        version = _read_version_row()
    if version is None:
        _create_version_row("default")
        return current_version()
    if version.next_publish_at is not None and version.next_publish_at <= timezone.now():
        # Pages stored since the last bump may lack this essay: no cron, the reader moves it.
        content_version_bump()
        return current_version()
    return version


# --- The version without a database read, on SQLite ------------------------------------------

# How long a process may go on using the row it read while the change signal stays the same.
# Every change made through Django moves the signal at once; this bounds what nothing moves it
# for (a process killed between its commit and the signal, a restored file, a row edited by
# hand), and keeps the read path honest against a signal that cannot be written.
VERSION_MEMO_SECONDS = 1.0

_signals: dict[str, ChangeSignal | None] = {}
_monotonic = time.monotonic  # a name of its own, for tests to move


def _change_signal(using: str = "default") -> ChangeSignal | None:
    """Return the change signal of a SQLite database (None for others: they may span hosts)."""
    connection = connections[using]
    name = str(connection.settings_dict["NAME"])
    try:
        return _signals[name]
    except KeyError:
        pass
    signal = None
    if connection.vendor == "sqlite":
        # A file next to the database for every process that opens it; an in-memory database
        # (the tests) lives in this process only.
        path = None if connection.is_in_memory_db() else f"{name}-closer-version"
        try:
            signal = ChangeSignal(path)
            signal.read()
        except OSError:
            logger.warning("No change signal at %s: every page reads the version row", path)
            signal = None
    _signals[name] = signal
    return signal


def _remembered_version() -> Version | None:
    """Return the version this process last read, if the change signal says it still holds.

    Outside transactions only: a writer's own connection sees its uncommitted version, which
    must never be handed to other threads (it may yet be rolled back).
    """
    signal = _change_signal()
    if signal is None or connections["default"].in_atomic_block:
        return None
    seen = signal.read()
    memo = signal.memo
    if memo is not None and memo[0] == seen and _monotonic() < memo[1]:
        return memo[2]
    version = _read_version_row()
    if version is not None:
        # The bytes seen before the read: a change committed meanwhile has moved them on.
        signal.memo = (seen, _monotonic() + VERSION_MEMO_SECONDS, version)
    return version


def _signal_change(using: str) -> None:
    """Tell every process the version moved: now, and again once the transaction commits."""
    signal = _change_signal(using)
    if signal is None:
        return
    signal.bump()  # readers go back to the row, and see the old version until the commit
    if connections[using].in_atomic_block:
        # Registered on every bump: a callback registered in a rolled-back savepoint is dropped.
        transaction.on_commit(signal.bump, using=using)


def _unix_now() -> float:
    # Through timezone.now(), like published(): tests that move the clock move both.
    return timezone.now().timestamp()


def page_changes_at(request, moment: datetime) -> None:
    """Say that the page this request renders changes by itself at `moment`, when nothing
    moves the content version (comments closing N days after publication): it is stored no
    longer than that."""
    if request is None:
        return
    known = getattr(request, "_closer_changes_at", None)
    if known is None or moment < known:
        request._closer_changes_at = moment


def seconds_until_next_publish(version: Version) -> int | None:
    if version.next_publish_at is None:
        return None
    return max(0, int((version.next_publish_at - timezone.now()).total_seconds()))


# --- What moves the version -----------------------------------------------------------------

# Models whose rows readers see on some page: essays and their tags, old addresses, videos,
# chapters, images, and users (an author's name).
WATCHED_MODELS = [
    Post,
    CitedMoment,
    Tag,
    TaggedPost,
    RetiredPostSlug,
    RetiredTagSlug,
    PostVideo,
    Image,
    Video,
    VideoChapter,
    settings.AUTH_USER_MODEL,
]


def _on_save(sender, instance, update_fields=None, **kwargs):
    # A login only stamps last_login, which no page shows: no need to empty the cache.
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    content_version_bump(using=kwargs.get("using") or "default")


def _on_delete(sender, **kwargs):
    content_version_bump(using=kwargs.get("using") or "default")


def _on_m2m_changed(sender, action, **kwargs):
    if action in ("post_add", "post_remove", "post_clear"):
        content_version_bump(using=kwargs.get("using") or "default")
    else:
        _before_write(sender, **kwargs)


def _before_write(sender, update_fields=None, **kwargs):
    """Take the version row's lock before the change's own rows, inside a transaction.

    Every writer then locks the version row first, so two transactions (an author's save and a
    metadata task) cannot each hold a row the other needs (a deadlock on PostgreSQL). The bump
    after the write is still the one that counts: outside a transaction only it is safe.
    """
    using = kwargs.get("using") or "default"
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    if connections[using].in_atomic_block:
        content_version_bump(using=using)


def watch_model(model) -> None:
    """Move the content version whenever a row of ``model`` is saved or deleted."""
    uid = f"closer-page-cache-{model}"
    pre_save.connect(_before_write, sender=model, dispatch_uid=uid + "-pre-save")
    pre_delete.connect(_before_write, sender=model, dispatch_uid=uid + "-pre-delete")
    post_save.connect(_on_save, sender=model, dispatch_uid=uid + "-save")
    post_delete.connect(_on_delete, sender=model, dispatch_uid=uid + "-delete")


def connect_signals() -> None:
    """Connect the receivers that keep the content version honest (called once, at startup)."""
    for model in WATCHED_MODELS:
        watch_model(model)
    # Tag and video links written by .set()/.add() bypass post_save (bulk_create).
    for through in (Post.tags.through, Post.attached_videos.through, Post.inline_videos.through):
        m2m_changed.connect(
            _on_m2m_changed, sender=through, dispatch_uid=f"closer-page-cache-m2m-{through}"
        )
    setting_changed.connect(_forget_release_digest, dispatch_uid="closer-page-cache-settings")
    # flush (a restore, the tests between transactional tests) and migrate send it: rows
    # replaced with raw SQL, so no process may go on with a version it read before.
    post_migrate.connect(_on_migrate, dispatch_uid="closer-page-cache-migrate")


def _on_migrate(sender, using="default", **kwargs):
    _signal_change(using)


# --- The code and settings a page depends on -------------------------------------------------

_release_digest: str | None = None


def _forget_release_digest(**kwargs) -> None:
    # Only tests change settings while running; their pages must not outlive the change.
    global _release_digest, _settings_epoch
    _release_digest = None
    _settings_epoch += 1
    _signals.clear()  # a test may have switched databases


_settings_epoch = 0


def _our_apps(base: Path) -> list[str]:
    """Return the folders of the installed apps that live in this project."""
    folders = []
    for config in apps.get_app_configs():
        path = Path(config.path)
        if path.parent == base:
            folders.append(path.name)
    return sorted(folders)


def release_digest() -> str:
    """Return a short digest of the templates, code and settings pages are made from.

    Part of every key and ETag, so a deploy never serves pages rendered by the previous
    release from a shared cache, and the same release on several hosts shares one.
    """
    global _release_digest
    if _release_digest is None:
        digest = hashlib.sha256()
        base = Path(settings.BASE_DIR)
        # Every app whose code or templates shape a reader page (the INSTALLED_APPS of ours).
        for folder in ("templates", "config", *_our_apps(base)):
            for path in sorted((base / folder).rglob("*")):
                if path.is_file() and path.suffix in (".py", ".html", ".xml", ".txt"):
                    digest.update(str(path.relative_to(base)).encode())
                    digest.update(path.read_bytes())
        manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"  # hashed static names
        if manifest.is_file():
            digest.update(manifest.read_bytes())
        # And the settings pages show (a comment's length limit, when comments close...): set
        # from the environment, they change at a restart with the code unchanged.
        shown = [name for name in dir(settings) if name.startswith("CLOSER_")]
        for name in sorted(
            {
                *shown,
                "SITE_NAME",
                "SITE_TAGLINE",
                "SITE_URL",
                "MEDIA_URL",
                "POSTS_PER_PAGE",
                "TIME_ZONE",
                "LANGUAGE_CODE",
            }
        ):
            digest.update(f"{name}={getattr(settings, name, '')!r}".encode())
        digest.update(str(_settings_epoch).encode())
        _release_digest = digest.hexdigest()[:10]
    return _release_digest


# --- The middleware --------------------------------------------------------------------------


# Added by newsletters, ad networks and social sites to the links they hand out, and read only
# by analytics (the access log, a script on the page): no reader page depends on them. A viral
# essay shared on Facebook gets a different fbclid on every click, and each was a new address,
# so a page-cache miss; reader pages are now served as if they were not there.
TRACKING_PARAMETERS = re.compile(
    r"utm_[^=]*|fbclid|gclid|gclsrc|dclid|gbraid|wbraid|msclkid|mc_cid|mc_eid|igshid|twclid"
    r"|ttclid|yclid|li_fat_id|_ga|_gl|_hsenc|_hsmi|mkt_tok|ref_src",
    re.IGNORECASE,
)
# The original query string of a request whose tracking parameters were set aside: a redirect
# (a retired slug) hands them on to the new address, where they are set aside again.
FULL_QUERY_STRING = "closer.full_query_string"


def without_tracking_parameters(query: str) -> str:
    """Return a query string without its tracking parameters, the rest as it was, in order."""
    return "&".join(
        part for part in query.split("&") if not TRACKING_PARAMETERS.fullmatch(part.split("=")[0])
    )


def _set_aside_tracking_parameters(request) -> None:
    """Make a reader page's request look as if it came without tracking parameters.

    Its views, its page-cache key and the links it renders then all see the same address, so
    a page shared with ?utm_source=...&fbclid=... is the page already cached for its address.
    """
    query = request.META.get("QUERY_STRING", "")
    cleaned = without_tracking_parameters(query)
    if cleaned == query:
        return
    # A copy: under WSGI, META is the server's environ, from which gunicorn's access log reads
    # the query after the response (it must record the address as it came).
    environ = {**request.META, "QUERY_STRING": cleaned, FULL_QUERY_STRING: query}
    request.META = environ
    if hasattr(request, "environ"):
        request.environ = environ  # WSGIRequest parses GET from it
    request.__dict__.pop("GET", None)  # parsed again, from the cleaned string, when next read


def _has_visitor_state(request) -> bool:
    """Return whether the request carries a session or flash messages: a page for one visitor."""
    return (
        settings.SESSION_COOKIE_NAME in request.COOKIES
        or getattr(settings, "MESSAGE_COOKIE_NAME", "messages") in request.COOKIES
    )


def _is_logged_in(request) -> bool:
    # Without a session cookie nobody is logged in: no session read for most readers.
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return False
    return request.user.is_authenticated


def page_key(request, version: Version) -> str:
    gzip = "gz" if _ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")) else "id"
    address = hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()
    return f"page:{release_digest()}:{version.generation}:{gzip}:{address}"


def _stored_response(stored) -> HttpResponse:
    content, headers = stored
    response = HttpResponse(content)
    # Checked and encoded when the page was rendered, so put back as they were: setting them
    # one by one checked each again (a dozen headers, a tenth of a cached page's time).
    response.headers._store.update({name.lower(): (name, value) for name, value in headers})
    return response


def _cache_get(key: str, request):
    try:
        return cache.get(key)
    except Exception:  # a Redis outage costs speed, never the page
        logger.warning("Page cache unreachable; rendering %s", request.path, exc_info=True)
        return None


def _is_reader_address(path_info: str) -> bool:
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    if len(path_info) > 256:  # only short addresses are remembered: 4,096 of them, 1 MB at most
        return _is_reader_path.__wrapped__(path_info, urlconf)
    return _is_reader_path(path_info, urlconf)


@functools.lru_cache(maxsize=4096)
def _is_reader_path(path_info: str, urlconf: str) -> bool:
    """Return whether the address is a reader page; remembered, as matching it cost 20 us of a
    hit's 200 (the URL patterns only change with the code, or in tests with the urlconf)."""
    try:
        match = resolve(path_info, urlconf)
    except Resolver404:
        return False
    return bool(READER_NAMESPACES.intersection(match.namespaces[:1]))


class PageCacheHitMiddleware:
    """Answer a stored page before the session, CSRF, auth and view machinery run at all.

    Sits just after WhiteNoise. Only for a GET or HEAD with no session or message cookie (so
    certainly anonymous, with nothing shown for one visitor) at a reader address; anything else,
    and every miss, goes on to PageCacheMiddleware below, which renders, stores and adds the
    same headers. A stored page already carries the headers of the middleware between the two
    (CSP, frame and permissions policies); those above this one (security) run as usual.
    A hit then costs one URL match, the version read and one cache read.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        is_reader = None  # not looked up yet
        if request.META.get("QUERY_STRING"):
            is_reader = _is_reader_address(request.path_info)
            if is_reader:
                _set_aside_tracking_parameters(request)
        if not settings.CLOSER_PAGE_CACHE or _has_visitor_state(request):
            return self.get_response(request)
        if is_reader is None:
            is_reader = _is_reader_address(request.path_info)
        if not is_reader:
            return self.get_response(request)
        version = current_version()
        key = page_key(request, version)
        stored = _cache_get(key, request)
        if stored is None:
            # PageCacheMiddleware uses this version too: one read per request.
            request._page_cache_version = version
            return self.get_response(request)
        token = _request_version.set(version)
        try:
            if PageCacheMiddleware._is_unchanged(request, version):
                response = HttpResponseNotModified()
            else:
                response = _stored_response(stored)
            PageCacheMiddleware._add_public_headers(response, version)
        finally:
            _request_version.reset(token)
        return response


class PageCacheMiddleware:
    """Serve and store whole reader pages for anonymous readers; answer conditional GETs.

    Sits after AuthenticationMiddleware and before GZipMiddleware, so the stored copy is the
    compressed one and carries the headers of the middleware below it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request_version.set(None)
        try:
            response = self.get_response(request)
        finally:
            _request_version.reset(token)
        state = getattr(request, "_page_cache", None)
        if state is None:
            return response
        if state == "private":
            # Staff see previews and drafts at public addresses: nobody may keep a copy.
            patch_vary_headers(response, ("Cookie",))
            add_never_cache_headers(response)
            return response
        version, key, hit = state
        if not hit and response.status_code != 304:
            if not self._is_shareable(request, response):
                patch_vary_headers(response, ("Cookie",))
                return response
            if request.method == "GET":
                self._store(key, response, version, getattr(request, "_closer_changes_at", None))
        self._add_public_headers(response, version)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not settings.CLOSER_PAGE_CACHE or request.method not in ("GET", "HEAD"):
            return None
        if not READER_NAMESPACES.intersection(request.resolver_match.namespaces[:1]):
            return None
        if _is_logged_in(request):
            request._page_cache = "private"
            return None
        # Read already by PageCacheHitMiddleware when it found nothing stored.
        known = getattr(request, "_page_cache_version", None)
        version = known or current_version()
        _request_version.set(version)
        key = page_key(request, version)
        if self._is_unchanged(request, version):
            request._page_cache = (version, key, True)
            return HttpResponseNotModified()
        stored = None if known else _cache_get(key, request)
        request._page_cache = (version, key, stored is not None)
        if stored is None:
            return None
        return _stored_response(stored)

    @staticmethod
    def _is_unchanged(request, version: Version) -> bool:
        """Return whether the reader's copy is current (RFC 9110: If-None-Match wins)."""
        if_none_match = request.META.get("HTTP_IF_NONE_MATCH")
        if if_none_match:
            theirs = {tag.removeprefix("W/") for tag in parse_etags(if_none_match)}
            return "*" in theirs or version.etag.removeprefix("W/") in theirs
        if_modified_since = request.META.get("HTTP_IF_MODIFIED_SINCE")
        if not if_modified_since:
            return False
        since = parse_http_date_safe(if_modified_since)
        return since is not None and version.last_modified <= min(since, _unix_now())

    @staticmethod
    def _is_shareable(request, response) -> bool:
        """Return whether this response is the same for every anonymous reader."""
        cache_control = response.get("Cache-Control", "")
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            # A view that used the session or a CSRF token made a page for one visitor.
            and not getattr(getattr(request, "session", None), "modified", False)
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            and "Cookie" not in response.get("Vary", "")
            and not any(word in cache_control for word in ("private", "no-store", "no-cache"))
        )

    @staticmethod
    def _store(key: str, response, version: Version, changes_at: datetime | None = None) -> None:
        timeout = settings.CLOSER_PAGE_CACHE_SECONDS
        until = seconds_until_next_publish(version)
        if until is not None:
            timeout = min(timeout, until)
        if changes_at is not None:
            timeout = min(timeout, int((changes_at - timezone.now()).total_seconds()))
        if timeout > 0:
            headers = [(name, value) for name, value in response.headers.items()]
            try:
                cache.set(key, (response.content, headers), timeout)
            except Exception:
                logger.warning("Page cache unreachable; page not stored", exc_info=True)

    @staticmethod
    def _add_public_headers(response, version: Version) -> None:
        response.headers["ETag"] = version.etag
        # Not before its second is over (a burst of changes can run ahead of the clock).
        if version.last_modified <= _unix_now():
            response.headers["Last-Modified"] = _http_date(version.last_modified)
        s_maxage = settings.CLOSER_CACHE_S_MAXAGE
        stale = settings.CLOSER_CACHE_STALE_WHILE_REVALIDATE
        until = seconds_until_next_publish(version)
        if until is not None:
            # A proxy must come back by the time a scheduled essay appears.
            s_maxage = min(s_maxage, until)
            stale = min(stale, until - s_maxage)
        cache_control, vary = _public_cache_headers(
            response.get("Cache-Control"),
            response.get("Vary"),
            min(settings.CLOSER_CACHE_MAX_AGE, s_maxage),
            s_maxage,
            stale,
        )
        response.headers["Cache-Control"] = cache_control
        response.headers["Vary"] = vary


@functools.lru_cache(maxsize=64)
def _http_date(seconds: int) -> str:
    return http_date(seconds)


@functools.lru_cache(maxsize=256)
def _public_cache_headers(
    cache_control: str | None, vary: str | None, max_age: int, s_maxage: int, stale: int
) -> tuple[str, str]:
    """Return the Cache-Control and Vary of a public reader response, given the view's own.

    Django's patch functions parse and rebuild both headers (30 us of a cached page's 200);
    their result only depends on these few values, so it is worked out once per combination.
    """
    scratch = HttpResponse()
    if cache_control is not None:
        scratch.headers["Cache-Control"] = cache_control
    if vary is not None:
        scratch.headers["Vary"] = vary
    patch_cache_control(
        scratch, public=True, max_age=max_age, s_maxage=s_maxage, stale_while_revalidate=stale
    )
    # Logged-in users get other answers at the same address (previews, no-store).
    patch_vary_headers(scratch, ("Accept-Encoding", "Cookie"))
    return scratch.headers["Cache-Control"], scratch.headers["Vary"]
