"""Per-process memos of small tables that are read on every request and change rarely (a street's routing
rules, time limits, its taxonomy settings).

A memo keeps each value for ``ttl`` seconds. Saving or deleting a row of a watched model clears the memo in the
process that saved it at once; other processes (gunicorn workers, ``linli worker``) see the change within
``ttl`` seconds. Tests clear every memo before each test (``linli/conftest.py``), so that rows of a rolled-back
test never leak into the next one.

    rules_memo = Memo("routing rules", ttl=10, watch=["workorders.RoutingRule", "people.Organization"])
    rules = rules_memo.get(street_id, lambda: list(RoutingRule.objects.filter(street_id=street_id)))
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable

from django.apps import apps
from django.db.models.signals import post_delete, post_save

_memos: list[Memo] = []


class Memo:
    def __init__(self, name: str, *, ttl: float = 10.0, watch: Iterable[str] = (), size: int = 4096):
        self.name = name
        self.ttl = ttl
        self.size = size
        self.watch = tuple(watch)
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
        value = compute()
        with self._lock:
            if len(self._values) >= self.size:
                self._values.clear()
            self._values[key] = (now + self.ttl, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._values.clear()


def clear_all() -> None:
    """Forget every memo of this process (tests call it before each test)."""
    for memo in _memos:
        memo.clear()
