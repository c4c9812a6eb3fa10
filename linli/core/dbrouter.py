"""Reads of the heavy pages and exports from a PostgreSQL read replica (``DATABASE_REPLICA_URL``).

With a replica configured, settings add the database alias ``replica`` and this router. Reads go to it only
inside ``reading_from_replica()`` (a contextvar, so one request or thread never changes another's choice); every
write, and every read outside it, goes to ``default``. The dashboards, boards, rates, coverage and exports wrap
themselves in it with ``@replica_reads``. Without a replica the alias does not exist and the context changes
nothing.

A replica lags its primary by a little (streaming replication: usually well under a second): a figure may miss
the last report. That is why only pages that show counts over many rows read from it, never a page that shows
what the user has just saved.
"""

from __future__ import annotations

import contextvars
import functools
from contextlib import contextmanager

from django.db import connections

REPLICA = "replica"
DEFAULT = "default"

_use_replica: contextvars.ContextVar[bool] = contextvars.ContextVar("linli_use_replica", default=False)


def replica_configured() -> bool:
    return REPLICA in connections.settings


@contextmanager
def reading_from_replica():
    """Inside this block the ORM reads from the replica (when there is one); writes still go to default."""
    token = _use_replica.set(True)
    try:
        yield
    finally:
        _use_replica.reset(token)


@contextmanager
def reading_from_primary():
    """Inside this block every read goes to default again (a job that reads what it is about to rewrite)."""
    token = _use_replica.set(False)
    try:
        yield
    finally:
        _use_replica.reset(token)


def replica_reads(func):
    """Decorator for a view (function or method): its reads go to the replica."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with reading_from_replica():
            return func(*args, **kwargs)

    return wrapper


class ReplicaRouter:
    """Reads inside ``reading_from_replica()`` → ``replica``; everything else → ``default``."""

    def db_for_read(self, model, **hints):
        if _use_replica.get() and replica_configured():
            return REPLICA
        return DEFAULT

    def db_for_write(self, model, **hints):
        return DEFAULT

    def allow_relation(self, obj1, obj2, **hints):
        # Both aliases hold the same rows: an object read from the replica may be linked to one from default.
        if {obj1._state.db, obj2._state.db} <= {DEFAULT, REPLICA, None}:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica follows the primary by replication; nothing is ever migrated on it directly.
        if db == REPLICA:
            return False
        return None
