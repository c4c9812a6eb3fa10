"""Per-process memos of small tables that are read on every request and change rarely (a street's routing
rules, time limits, its taxonomy settings).

A memo keeps each value for ``ttl`` seconds. Saving or deleting a row of a watched model clears the memo in the
process that saved it at once; other processes (gunicorn workers, Celery workers) see the change within
``ttl`` seconds. Tests clear every memo before each test (``linli/conftest.py``), so that rows of a rolled-back
test never leak into the next one.

    rules_memo = Memo("routing rules", ttl=10, watch=["workorders.RoutingRule", "people.Organization"])
    rules = rules_memo.get(street_id, lambda: list(RoutingRule.objects.filter(street_id=street_id)))

A *shared* memo (``shared=True``, no ``watch``) is for tables whose writers are few and known (the routing table,
the time limits, a street's taxonomy): behind the per-process dict it keeps the values in Django's cache (Redis in
production) for ``timeout`` seconds, so that a process that starts or whose entry expired reads the cache, not the
tables; and it listens to no signal: the service, view or admin that writes such a row calls ``memo.clear()``,
which forgets the values here and, by moving the memo's generation in the cache, in every process's next read of
the cache. Other processes keep their own copy for at most ``ttl`` seconds.
"""

from __future__ import annotations

import hashlib
import threading
import time
import uuid
from collections.abc import Callable, Iterable

from django.apps import apps
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

_memos: list[Memo] = []
# Part of every shared key. Only ``clear_all`` (the tests) changes it, so that entries a test left in a cache that
# outlives it (a transactional test's cache table, a local-memory cache) are never read by the next test.
_epoch = ""


class Memo:
    def __init__(self, name: str, *, ttl: float = 10.0, watch: Iterable[str] = (), size: int = 4096,
                 shared: bool = False, timeout: int = 3600):
        self.name = name
        self.ttl = ttl
        self.size = size
        self.watch = tuple(watch)
        self.shared = shared
        self.timeout = timeout
        self._values: dict = {}
        self._lock = threading.Lock()
        self._connected = False
        _memos.append(self)

    def _connect(self) -> None:
        # Connected on first use: the models are not loaded yet when the module defining a memo is imported.
        for label in self.watch:
            model = apps.get_model(label)
            post_save.connect(self._changed, sender=model, weak=False, dispatch_uid=f"memo:{self.name}:{label}:s")
            post_delete.connect(self._changed, sender=model, weak=False, dispatch_uid=f"memo:{self.name}:{label}:d")
        self._connected = True

    def _changed(self, **kwargs) -> None:
        self.clear()

    def get(self, key, compute: Callable[[], object]):
        if not self._connected:
            self._connect()
        now = time.monotonic()
        found = self._values.get(key)
        if found is not None and found[0] > now:
            return found[1]
        value = self._shared_get(key, compute) if self.shared else compute()
        with self._lock:
            if len(self._values) >= self.size:
                self._values.clear()
            self._values[key] = (now + self.ttl, value)
        return value

    def forget_here(self) -> None:
        """Drop this process's copies only."""
        with self._lock:
            self._values.clear()

    def clear(self) -> None:
        """After a write: drop the values here and, for a shared memo, in the cache for every process."""
        self.forget_here()
        if self.shared:
            self._next_generation()
            if transaction.get_connection().in_atomic_block:
                # Once more after the commit: a process that read the table between now and then cached the old rows.
                transaction.on_commit(self._next_generation)

    def _next_generation(self) -> None:
        # Every process's next miss reads past the old entries, which expire by themselves.
        self.forget_here()
        cache.set(self._generation_key, time.time_ns(), None)

    # -- the shared level (Django's cache) ------------------------------------------------------------------
    @property
    def _generation_key(self) -> str:
        return f"memo:{_epoch}{self.name.replace(' ', '-')}:generation"

    def _shared_get(self, key, compute: Callable[[], object]):
        generation = cache.get(self._generation_key)
        if generation is None:
            generation = time.time_ns()
            cache.add(self._generation_key, generation, None)
            generation = cache.get(self._generation_key, generation)
        digest = hashlib.sha1(repr(key).encode()).hexdigest()
        cache_key = f"memo:{_epoch}{self.name.replace(' ', '-')}:{generation}:{digest}"
        value = cache.get(cache_key)
        if value is None:
            value = compute()
            cache.set(cache_key, value, self.timeout)
        return value


def epoch() -> str:
    """The prefix that keeps one test's shared cache entries from the next (empty outside the tests)."""
    return _epoch


def clear_all() -> None:
    """Forget every memo of this process and start a new epoch of shared keys (tests call it before each test;
    it touches no database, so tests without one may call it)."""
    global _epoch
    _epoch = f"{uuid.uuid4().hex[:8]}:"
    for memo in _memos:
        memo.forget_here()
