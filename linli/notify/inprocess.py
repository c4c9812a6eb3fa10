"""The in-process scheduler of the one-command demo (``make run``): the beat schedule, run in a daemon thread.

Only under ``runserver`` with ``LINLI_INPROCESS_WORKER`` on (the default off production), in the process that
serves (not the autoreloader's parent). Each entry of ``app.conf.beat_schedule`` (linli/celery.py) runs when its
Celery schedule says it is due, by ``task.apply()``: the same task, guard and job as a production worker runs. An
error is logged and the thread goes on; it never stops the server. Production runs ``celery -A linli beat``.
"""

import copy
import logging
import os
import sys
import threading
import time

from celery.schedules import maybe_schedule
from django.conf import settings
from django.db import close_old_connections

log = logging.getLogger("linli.worker")


def wanted(argv=None, environ=None) -> bool:
    argv = sys.argv if argv is None else argv
    environ = os.environ if environ is None else environ
    return bool(getattr(settings, "LINLI_INPROCESS_WORKER", False)) and "runserver" in argv and \
        environ.get("RUN_MAIN") == "true"


def start_if_wanted() -> threading.Thread | None:
    """Start the scheduler thread when this process is the demo's ``runserver`` (called from NotifyConfig.ready)."""
    if not wanted():
        return None
    from linli.celery import app

    thread = threading.Thread(target=Scheduler(app).run_forever, name="linli-scheduler", daemon=True)
    thread.start()
    return thread


class Scheduler:
    """The beat schedule's entries, each with the time it last ran (at first the start: nothing runs at once)."""

    def __init__(self, app, schedule: dict | None = None, clock=None):
        self.app = app
        self.clock = clock or app.now
        self.entries = {}
        for key, entry in (app.conf.beat_schedule if schedule is None else schedule).items():
            when = copy.copy(maybe_schedule(entry["schedule"], app=app))
            when.nowfun = self.clock
            self.entries[key] = {"task": entry["task"], "schedule": when, "last_run_at": self.clock()}
        self.missing: set[str] = set()
        self._imported = False

    def tick(self) -> float:
        """Run the entries that are due; return the seconds until the next one may be."""
        wait = 60.0
        for entry in self.entries.values():
            due, next_in = entry["schedule"].is_due(entry["last_run_at"])
            if due:
                entry["last_run_at"] = self.clock()
                self.run(entry["task"])
            wait = min(wait, next_in)
        return max(wait, 1.0)

    def run(self, name: str):
        """Apply the task ``name`` here and now; log (never raise) what goes wrong."""
        if not self._imported:  # the tasks modules (autodiscovered lazily by Celery)
            self.app.autodiscover_tasks(force=True)
            self._imported = True
        task = self.app.tasks.get(name)
        if task is None:
            if name not in self.missing:
                log.error("in-process scheduler: task %s is not registered; skipped", name)
                self.missing.add(name)
            return None
        close_old_connections()
        try:
            result = task.apply()
            if result.failed():
                log.error("in-process scheduler: task %s failed: %r\n%s", name, result.result, result.traceback)
            return result
        except Exception:
            log.exception("in-process scheduler: task %s failed", name)
            return None
        finally:
            close_old_connections()

    def run_forever(self):  # pragma: no cover - the thread's loop; tick() is what the tests drive
        while True:
            try:
                wait = self.tick()
            except Exception:
                log.exception("in-process scheduler: tick failed")
                wait = 60.0
            time.sleep(wait)
