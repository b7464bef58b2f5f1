"""A Redis cache that answers like an empty cache while Redis is unreachable.

Django's RedisCache raises on every call when Redis is down, and the cached_db session engine
calls it unguarded, so a Redis outage turned every logged-in request into a 500. With this
backend a read misses, a write is dropped and a warning is logged (once per outage): sessions
come from the database (cached_db reads it on a miss), pages render uncached. `cache.strict`
is the same cache without the safety net, for /healthz, which must see the outage.
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)
_MISSING = object()


class _Strict:
    """The cache's own RedisCache methods, errors and all."""

    def __init__(self, cache):
        self._cache = cache

    def __getattr__(self, name):
        method = getattr(RedisCache, name)
        return method.__get__(self._cache)


class FailSoftRedisCache(RedisCache):
    """RedisCache whose reads miss and writes are dropped, with a log line, while Redis is down.

    After a failure it does not try Redis again for RETRY_AFTER seconds (a top-level CACHES
    key, default 2): an unreachable host costs one connect timeout per interval, not one per
    cache call.
    """

    def __init__(self, server, params):
        super().__init__(server, params)
        self._retry_after = float(params.get("RETRY_AFTER", 2))
        self._down_until = None  # monotonic time before which Redis is not tried

    @property
    def strict(self):
        return _Strict(self)

    def _soft(self, operation, fallback, *args, **kwargs):
        if self._down_until is not None and time.monotonic() < self._down_until:
            return fallback
        try:
            result = getattr(super(), operation)(*args, **kwargs)
        except RedisError as error:
            if self._down_until is None:
                logger.warning("Cache unavailable, carrying on without it: %s", error)
            self._down_until = time.monotonic() + self._retry_after
            return fallback
        if self._down_until is not None:
            self._down_until = None
            logger.info("Cache available again.")
        return result

    # As an empty cache would answer: reads miss, add and touch fail, writes are dropped.
    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._soft("add", False, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._soft("get", default, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._soft("set", None, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._soft("touch", False, key, timeout, version)

    def delete(self, key, version=None):
        return self._soft("delete", False, key, version)

    def get_many(self, keys, version=None):
        return self._soft("get_many", {}, keys, version)

    def has_key(self, key, version=None):
        return self._soft("has_key", False, key, version)

    def incr(self, key, delta=1, version=None):
        result = self._soft("incr", _MISSING, key, delta, version)
        if result is _MISSING:
            raise ValueError(f"Key '{key}' not found (the cache is unavailable).")
        return result

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._soft("set_many", list(data), data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._soft("delete_many", None, keys, version)

    def clear(self):
        return self._soft("clear", False)
