"""A Redis cache that keeps Linli serving while Redis is down.

Linli's cache holds what can be lost: rate-limit counters (linli/core/ratelimit.py), the sign-in counter per
address, the shared memos (linli/core/memo.py). Sessions live in the database. So when Redis is stopped or
unreachable, ``TolerantRedisCache`` answers as an empty cache that keeps nothing — ``get`` a miss, ``set``/``add``
nothing stored, ``incr`` a missing key — instead of raising, and pages and the intake API keep working:

- rate limits **fail open** (an attempt that cannot be counted is let through: the complaint channel stays open;
  the per-account sign-in lockout is in the database and still holds; the per-address sign-in counter does not);
- memos read the tables (slower, never wrong).

Each call waits at most ``socket_connect_timeout`` / ``socket_timeout`` (OPTIONS; 0.5 s in linli/settings.py);
after a failure the cache does not try Redis again for ``RETRY_AFTER`` seconds (so a page with ten cache calls
does not wait ten timeouts), then tries again: it recovers by itself when Redis is back. A warning is logged at
most once a minute while Redis is down (the error's kind only: the URL may carry a password), and one line when it
is back.
"""

from __future__ import annotations

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)

ERRORS = (RedisConnectionError, RedisTimeoutError, ConnectionError, TimeoutError)
WARN_EVERY = 60.0
RETRY_AFTER = 2.0


# What an empty cache that keeps nothing answers, per operation (args as passed to the method).
MISSING = {
    "get": lambda args: args[1],
    "set": lambda args: None,
    "add": lambda args: False,
    "delete": lambda args: False,
    "touch": lambda args: False,
    "has_key": lambda args: False,
    "get_many": lambda args: {},
    "set_many": lambda args: list(args[0]),
    "delete_many": lambda args: None,
    "clear": lambda args: False,
}


class TolerantRedisCache(RedisCache):
    """Django's RedisCache, answering "nothing here" for as long as Redis cannot be reached."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._lock = threading.Lock()
        self._down_until = 0.0
        self._last_warning = 0.0
        self._down = False

    # -- the state of the connection ----------------------------------------------------------------------
    def _skipping(self) -> bool:
        return self._down and time.monotonic() < self._down_until

    def _failed(self, exc: BaseException) -> None:
        now = time.monotonic()
        with self._lock:
            self._down = True
            self._down_until = now + RETRY_AFTER
            warn = now - self._last_warning >= WARN_EVERY or not self._last_warning
            if warn:
                self._last_warning = now
        if warn:
            log.warning("cache (Redis) unreachable (%s): answering misses, rate limits fail open", type(exc).__name__)

    def _ok(self) -> None:
        if self._down:
            with self._lock:
                was_down, self._down = self._down, False
            if was_down:
                log.warning("cache (Redis) reachable again")

    def _call(self, name: str, *args, **kwargs):
        if self._skipping():
            return self._missing(name, *args, **kwargs)
        try:
            result = getattr(super(), name)(*args, **kwargs)
        except ERRORS as exc:
            self._failed(exc)
            return self._missing(name, *args, **kwargs)
        self._ok()
        return result

    def _missing(self, name: str, *args, **kwargs):
        if name == "incr":  # what Django's cache says of a missing key
            raise ValueError("Key not found (the cache is unreachable).")
        return MISSING[name](args)

    # -- every operation of Django's cache API ------------------------------------------------------------
    def get(self, key, default=None, version=None):
        return self._call("get", key, default, version=version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", key, value, timeout, version=version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", key, value, timeout, version=version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", key, timeout, version=version)

    def delete(self, key, version=None):
        return self._call("delete", key, version=version)

    def has_key(self, key, version=None):
        return self._call("has_key", key, version=version)

    def incr(self, key, delta=1, version=None):
        return self._call("incr", key, delta, version=version)

    def get_many(self, keys, version=None):
        return self._call("get_many", keys, version=version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", data, timeout, version=version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", keys, version=version)

    def clear(self):
        return self._call("clear")
