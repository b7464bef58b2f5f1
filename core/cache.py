"""A Redis cache that answers like an empty cache while Redis is unreachable.

Django's RedisCache raises on every call when Redis is down, and the cached_db session engine
calls it unguarded, so a Redis outage turned every logged-in request into a 500. With this
backend a read misses, a write is dropped and a warning is logged (once per outage): sessions
come from the database (cached_db reads it on a miss), pages render uncached. `cache.strict`
is the same cache without the safety net, for /healthz, which must see the outage.
"""

import logging
import threading
import time
from collections import OrderedDict

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
        self._copies = LocalCopies.shared(
            (str(server), self.key_prefix),
            prefixes=params.get("WRITE_ONCE_PREFIXES", ()),
            max_entries=int(params.get("LOCAL_COPIES", 0)),
        )

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
        found = self._copies.get(key, version)
        if found is not _MISSING:
            return found
        value = self._soft("get", _MISSING, key, _MISSING, version)
        if value is _MISSING:
            return default
        # How long Redis keeps it is not known here: a while, then asked again.
        self._copies.put(key, version, value, LocalCopies.FETCHED_SECONDS)
        return value

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._copies.put(key, version, value, self.get_backend_timeout(timeout))
        return self._soft("set", None, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._soft("touch", False, key, timeout, version)

    def delete(self, key, version=None):
        self._copies.forget(key, version)
        return self._soft("delete", False, key, version)

    def get_many(self, keys, version=None):
        found, asked = {}, []
        for key in keys:
            value = self._copies.get(key, version)
            if value is _MISSING:
                asked.append(key)
            else:
                found[key] = value
        if asked:
            fetched = self._soft("get_many", {}, asked, version)
            for key, value in fetched.items():
                self._copies.put(key, version, value, LocalCopies.FETCHED_SECONDS)
            found.update(fetched)
        return found

    def has_key(self, key, version=None):
        return self._soft("has_key", False, key, version)

    def incr(self, key, delta=1, version=None):
        result = self._soft("incr", _MISSING, key, delta, version)
        if result is _MISSING:
            raise ValueError(f"Key '{key}' not found (the cache is unavailable).")
        return result

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        for key, value in data.items():
            self._copies.put(key, version, value, self.get_backend_timeout(timeout))
        return self._soft("set_many", list(data), data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._soft("delete_many", None, keys, version)

    def clear(self):
        # This process's copies only: another's hold values that are still right for their key.
        self._copies.clear()
        return self._soft("clear", False)


class LocalCopies:
    """This process's copies of cache entries that are written once and never change.

    The page cache's keys carry the content version (blog.page_cache): a key is never given
    another value, only forgotten. Reading such a key from Redis cost a round trip on every
    cached page (a third of its time); the last ``max_entries`` of them read or written here
    are kept in memory, least recently used out first, each no longer than its timeout.
    """

    FETCHED_SECONDS = 60
    _by_cache: dict = {}
    _by_cache_lock = threading.Lock()

    def __init__(self, *, prefixes, max_entries: int):
        self.prefixes = tuple(prefixes)
        self.max_entries = max_entries if self.prefixes else 0
        self._entries: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    @classmethod
    def shared(cls, name, *, prefixes, max_entries: int) -> "LocalCopies":
        """Return the copies of the cache called name, one set per process.

        Django makes a cache object per thread; the copies belong to the worker, so that what
        one of its threads fetched serves them all.
        """
        with cls._by_cache_lock:
            copies = cls._by_cache.get(name)
            if copies is None or (copies.prefixes, copies.max_entries) != (
                tuple(prefixes),
                max_entries if prefixes else 0,
            ):
                copies = cls._by_cache[name] = cls(prefixes=prefixes, max_entries=max_entries)
            return copies

    def _kept(self, key) -> bool:
        return self.max_entries > 0 and isinstance(key, str) and key.startswith(self.prefixes)

    def get(self, key, version):
        if not self._kept(key):
            return _MISSING
        with self._lock:
            entry = self._entries.get((key, version))
            if entry is None:
                return _MISSING
            value, until = entry
            if until is not None and time.monotonic() >= until:
                del self._entries[(key, version)]
                return _MISSING
            self._entries.move_to_end((key, version))
            return value

    def put(self, key, version, value, timeout) -> None:
        """Keep value; timeout is in seconds (None: as long as there is room)."""
        if not self._kept(key):
            return
        if timeout is not None and timeout <= 0:  # Redis deletes such a key at once
            self.forget(key, version)
            return
        until = None if timeout is None else time.monotonic() + timeout
        with self._lock:
            self._entries[(key, version)] = (value, until)
            self._entries.move_to_end((key, version))
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def forget(self, key, version) -> None:
        with self._lock:
            self._entries.pop((key, version), None)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
