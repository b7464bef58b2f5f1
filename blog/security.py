"""Security middleware: the Permissions-Policy header and the admin login throttle.

The throttle counts failed logins in the cache (Redis when configured, so every gunicorn worker
and host sees the same counts) for one address + user name, and for one address overall. Past
the limit, logins from there are refused for LOGIN_FAILURE_WINDOW seconds, even with the right
password, with a message that says so.
"""

import hashlib
import math
import time

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.urls import reverse

# One address may try several user names (a typo, a colleague's account) before it is stopped.
ADDRESS_LIMIT_FACTOR = 4


def now() -> float:
    """Return the current time in seconds (a seam for tests that step past the window)."""
    return time.time()


class PermissionsPolicyMiddleware:
    """Add the Permissions-Policy header from settings.PERMISSIONS_POLICY."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = getattr(settings, "PERMISSIONS_POLICY", "")
        if policy:
            response.headers.setdefault("Permissions-Policy", policy)
        return response


def client_address(request) -> str:
    """Return the client's IP address; behind a trusted proxy, the one it saw."""
    if getattr(settings, "TRUST_X_FORWARDED_FOR", False):
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
    return [(f"{address}:{user}", limit), (address, limit * ADDRESS_LIMIT_FACTOR)]


def _fail_key(scope: str) -> str:
    return f"login-throttle:fail:{scope}"


def _lock_key(scope: str) -> str:
    return f"login-throttle:lock:{scope}"


def locked_until(address: str, username: str) -> float | None:
    """Return when logins for this address and user name open again, or None if they may try."""
    latest = None
    for scope, _limit in _scopes(address, username):
        until = cache.get(_lock_key(scope))
        if until is None:
            continue
        if until <= now():
            cache.delete_many([_lock_key(scope), _fail_key(scope)])
            continue
        latest = max(latest or until, until)
    return latest


def record_failure(address: str, username: str) -> None:
    """Count a failed login; lock the address (and user name) once a limit is reached."""
    window = settings.LOGIN_FAILURE_WINDOW
    for scope, limit in _scopes(address, username):
        key = _fail_key(scope)
        cache.add(key, 0, timeout=window)
        try:
            failures = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=window)
            failures = 1
        if failures >= limit:
            cache.set(_lock_key(scope), now() + window, timeout=window)


def record_success(address: str, username: str) -> None:
    """Forget this address's failures for this user name after a good login."""
    scope, _limit = _scopes(address, username)[0]
    cache.delete_many([_lock_key(scope), _fail_key(scope)])


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
        seconds = max(1, math.ceil(until - now()))
        minutes = math.ceil(seconds / 60)
        message = (
            "Too many failed login attempts. Logging in is blocked for "
            f"{minutes} more minute{'s' if minutes != 1 else ''}; "
            "check the user name and password, then try again later."
        )
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
