"""/healthz: tells a load balancer or orchestrator whether this process can serve pages.

Only the database decides: without it nothing can be served (503). The cache is reported but
does not fail the probe: while Redis is away pages, logins and sessions carry on from the
database (core.cache), and a 503 would make the load balancer pull every instance at once.
"""

import logging
import uuid

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_cache() -> None:
    # The fail-soft cache hides outages from the site; the probe must see them.
    backend = getattr(cache, "strict", cache)
    # A key of its own per call: concurrent probes from several hosts must not disagree.
    key, value = f"healthz:{uuid.uuid4().hex}", uuid.uuid4().hex
    backend.set(key, value, timeout=10)
    try:
        if backend.get(key) != value:
            raise RuntimeError("the cache did not return what was just written")
    finally:
        backend.delete(key)


# name: (check, whether this process can serve pages without it)
CHECKS = {"database": (_check_database, False), "cache": (_check_cache, True)}


@never_cache
@require_safe
def healthz(request):
    """Return 200 {"status": "ok"} (or "degraded" without the cache), 503 without the database."""
    checks, status = {}, "ok"
    for name, (check, optional) in CHECKS.items():
        try:
            check()
        except Exception as error:  # any failure means "not ready", whatever its type
            # Only the kind of error goes out: connection strings can carry passwords.
            checks[name] = f"failed: {type(error).__name__}"
            if optional:
                status = "degraded" if status == "ok" else status
                logger.warning("Health check %s failed (degraded): %s", name, error)
            else:
                status = "unavailable"
                logger.error("Health check %s failed: %s", name, error)
        else:
            checks[name] = "ok"
    return JsonResponse(
        {"status": status, "checks": checks}, status=503 if status == "unavailable" else 200
    )
