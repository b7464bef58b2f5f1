"""The admin login throttle.

Failed logins are counted in the database (core.LoginThrottle), so every gunicorn worker and
process sees the same counts with SQLite on one machine as with PostgreSQL on several, and a
Redis outage does not open or break it. Counts are kept for one address + user name and for one
address overall. Past the limit, logins from there are refused for LOGIN_FAILURE_WINDOW seconds,
even with the right password, with a message that says so. When the database cannot record or
answer, the throttle lets the attempt through and logs it: logging in must not depend on it.
"""

import hashlib
import logging
import math
import time
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import Q
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import ngettext

from core.models import LoginThrottle

logger = logging.getLogger(__name__)

# One address may try several user names (a typo, a colleague's account) before it is stopped.
ADDRESS_LIMIT_FACTOR = 4


def now() -> float:
    """Return the current time in seconds (a seam for tests that step past the window)."""
    return time.time()


def _moment() -> datetime:
    return datetime.fromtimestamp(now(), tz=UTC)


def client_address(request) -> str:
    """Return the client's IP address; behind a trusted proxy, the one it saw."""
    if settings.TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        # The proxy appends the address it saw; anything before it the client could forge.
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return request.META.get("REMOTE_ADDR", "")


def _scopes(address: str, username: str) -> list[tuple[str, int]]:
    """Return the counters a login attempt falls under, with their limits."""
    limit = settings.LOGIN_FAILURE_LIMIT
    user = hashlib.sha256(username.strip().lower().encode()).hexdigest()[:32]
    # A forwarded address is whatever the proxy wrote: bound it to the column.
    address = address[:120]
    return [(f"{address}:{user}", limit), (address, limit * ADDRESS_LIMIT_FACTOR)]


def locked_until(address: str, username: str) -> float | None:
    """Return when logins for this address and user name open again, or None if they may try."""
    scopes = [scope for scope, _limit in _scopes(address, username)]
    try:
        locks = LoginThrottle.objects.filter(scope__in=scopes, locked_until__gt=_moment())
        latest = max(locks.values_list("locked_until", flat=True), default=None)
    except DatabaseError as error:
        logger.warning("Login throttle unavailable, letting the attempt through: %s", error)
        return None
    return latest.timestamp() if latest else None


def record_failure(address: str, username: str) -> None:
    """Count a failed login; lock the address (and user name) once a limit is reached."""
    try:
        for scope, limit in _scopes(address, username):
            _count_failure(scope, limit)
        _forget_expired()
    except DatabaseError as error:
        logger.warning("Login throttle could not count a failed login: %s", error)


def _count_failure(scope: str, limit: int) -> None:
    moment, window = _moment(), timedelta(seconds=settings.LOGIN_FAILURE_WINDOW)
    rows = LoginThrottle.objects.select_for_update()
    # Row locks (PostgreSQL) or the write lock taken at BEGIN (SQLite, IMMEDIATE) make the
    # read-increment-write one step, however many workers count at once.
    with transaction.atomic():
        counter = rows.filter(scope=scope).first()
        if counter is None:
            try:
                with transaction.atomic():
                    counter = LoginThrottle.objects.create(scope=scope, counting_until=moment)
            except IntegrityError:  # another worker created it first
                counter = rows.get(scope=scope)
        locked = counter.locked_until is not None and counter.locked_until > moment
        if counter.counting_until <= moment and not locked:
            counter.failures, counter.counting_until, counter.locked_until = (
                0,
                moment + window,
                None,
            )
        counter.failures += 1
        if counter.failures >= limit:
            counter.locked_until = counter.counting_until = moment + window
        counter.save()


def _forget_expired() -> None:
    moment = _moment()
    LoginThrottle.objects.filter(counting_until__lte=moment).filter(
        Q(locked_until__isnull=True) | Q(locked_until__lte=moment)
    ).delete()


def record_success(address: str, username: str) -> None:
    """Forget this address's failures for this user name after a good login."""
    scope, _limit = _scopes(address, username)[0]
    try:
        LoginThrottle.objects.filter(scope=scope).delete()
    except DatabaseError as error:
        logger.warning("Login throttle could not forget earlier failures: %s", error)


def _on_login_failed(sender, credentials, request=None, **kwargs):
    if request is not None:
        record_failure(client_address(request), credentials.get("username") or "")


def _on_logged_in(sender, request, user, **kwargs):
    if request is not None:
        record_success(client_address(request), user.get_username())


class _ThrottledLoginForm(AdminAuthenticationForm):
    """The admin login form, answering with the throttle's message instead of authenticating."""

    def __init__(self, *args, message: str, **kwargs):
        self.message = message
        super().__init__(*args, **kwargs)

    def clean(self):
        raise ValidationError(self.message, code="login_throttled")


class LoginThrottleMiddleware:
    """Refuse admin login attempts from an address that failed too often (HTTP 429)."""

    def __init__(self, get_response):
        self.get_response = get_response
        user_login_failed.connect(_on_login_failed, dispatch_uid="closer-login-throttle-failed")
        user_logged_in.connect(_on_logged_in, dispatch_uid="closer-login-throttle-success")

    def __call__(self, request):
        if request.method == "POST" and request.path == reverse("admin:login"):
            username = request.POST.get("username", "")
            until = locked_until(client_address(request), username)
            if until is not None:
                return self._refuse(request, until)
        return self.get_response(request)

    def _refuse(self, request, until: float):
        # Rounded to the microsecond the database keeps first: a float round trip through
        # datetime can turn exactly 900 s into 900.0000001, which ceil() would call 901.
        seconds = max(1, math.ceil(round(until - now(), 6)))
        minutes = math.ceil(seconds / 60)
        message = ngettext(
            "Too many failed login attempts. Logging in is blocked for %(minutes)d more minute; "
            "check the user name and password, then try again later.",
            "Too many failed login attempts. Logging in is blocked for %(minutes)d more minutes; "
            "check the user name and password, then try again later.",
            minutes,
        ) % {"minutes": minutes}
        context = {
            **admin.site.each_context(request),
            "title": "Log in",
            "subtitle": None,
            "app_path": request.get_full_path(),
            "form": _ThrottledLoginForm(request, data=request.POST, message=message),
            REDIRECT_FIELD_NAME: request.POST.get(REDIRECT_FIELD_NAME, reverse("admin:index")),
        }
        response = TemplateResponse(request, "admin/login.html", context, status=429)
        response["Retry-After"] = str(seconds)
        # Only a view's TemplateResponse is rendered by the handler; a middleware's must be now.
        return response.render()
