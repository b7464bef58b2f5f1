"""/healthz: tells a load balancer or orchestrator whether this process can serve pages."""

import logging
import uuid

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_cache() -> None:
    # A key of its own per call: concurrent probes from several hosts must not disagree.
    key, value = f"healthz:{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, value, timeout=10)
    try:
        if cache.get(key) != value:
            raise RuntimeError("the cache did not return what was just written")
    finally:
        cache.delete(key)


CHECKS = {"database": _check_database, "cache": _check_cache}


@never_cache
@require_GET
def healthz(request):
    """Return 200 {"status": "ok"} when the database and cache answer, else 503 with what failed."""
    checks, healthy = {}, True
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as error:  # any failure means "not ready", whatever its type
            healthy = False
            # Only the kind of error goes out: connection strings can carry passwords.
            checks[name] = f"failed: {type(error).__name__}"
            logger.error("Health check %s failed: %s", name, error)
        else:
            checks[name] = "ok"
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks},
        status=200 if healthy else 503,
    )
