"""Once per period: the guard of every periodic task (docs/tasks.md, "Once per period").

    @shared_task(name="linli.care.tasks.notify_overdue_visits")
    @once_per_period
    def notify_overdue_visits():
        return {"notified": services.notify_overdue()}

Before the job runs, the guard inserts a ``JobRun`` row (task name, period start); the pair is unique, so when two
schedulers (two beats, or a beat and ``linli worker --once``) send the task for the same period, only the first
insert succeeds and the others return without running the job. The period is the task's in the one schedule
(linli/celery.py); its start is the time floored to it in local time (a daily job's period starts at midnight).
After the job, the row gets ``finished_at`` and the result (a short JSON summary, or the error). A failed run stays
recorded as failed and does not block the next period. A run whose worker died (row never finished, started longer
ago than the task time limit) may be taken over by the same period's redelivered task.

The jobs themselves are safe to run twice anyway (each claims its rows): the guard saves the work, and keeps the
record staff read in the admin.
"""

import datetime
import functools
import json
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from linli.core.text import redact
from linli.notify.models import JobRun

log = logging.getLogger("linli.worker")

# Runs are kept this long (one row per task and period: about 3,000 rows a day), then deleted by the next run.
KEEP = datetime.timedelta(days=30)
RESULT_MAX = JobRun._meta.get_field("result").max_length


def period_start(now: datetime.datetime, period: int) -> datetime.datetime:
    """``now`` floored to ``period`` seconds, counted from local midnight (periods of a day or less) so that a daily
    job's period is the local calendar day, an hourly job's the clock hour."""
    local = timezone.localtime(now)
    if period <= 24 * 3600:
        midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
        elapsed = int((local - midnight).total_seconds())
        return midnight + datetime.timedelta(seconds=elapsed - elapsed % period)
    epoch = int(now.timestamp())
    return timezone.localtime(datetime.datetime.fromtimestamp(epoch - epoch % period, tz=datetime.UTC))


def lease() -> datetime.timedelta:
    """How long an unfinished run holds its period: the hard time limit of a task (a run older than that lost its
    worker), at least a minute."""
    return datetime.timedelta(seconds=max(60, getattr(settings, "CELERY_TASK_TIME_LIMIT", None) or 300))


def claim(name: str, start: datetime.datetime, now: datetime.datetime) -> JobRun | None:
    """The run of ``name`` for the period beginning at ``start``, or None when another run has it."""
    try:
        with transaction.atomic():
            return JobRun.objects.create(name=name, period_start=start, started_at=now)
    except IntegrityError:
        pass
    # Taken over only when the run that holds the period never finished and its worker is gone.
    stale = JobRun.objects.filter(name=name, period_start=start, finished_at__isnull=True,
                                  started_at__lt=now - lease())
    if stale.update(started_at=now, result="") == 1:
        log.warning("job %s: the run of the period %s never finished; running it again", name, start)
        return JobRun.objects.get(name=name, period_start=start)
    return None


def summary(result) -> str:
    if result is None:
        return ""
    text = result if isinstance(result, str) else json.dumps(result, ensure_ascii=False, default=str)
    return text[:RESULT_MAX]


def run_once(name: str, period: int, job, *, now: datetime.datetime | None = None):
    """Run ``job()`` unless a run of ``name`` already holds this period; return its result, or None when skipped."""
    now = now or timezone.now()
    start = period_start(now, period)
    run = claim(name, start, now)
    if run is None:
        log.info("job %s: the period %s already ran; skipped", name, start)
        return None
    try:
        result = job()
    except BaseException as exc:  # the time limits raise BaseException subclasses too
        error = redact(f"error: {type(exc).__name__}: {exc}")  # no phone number or name in clear
        JobRun.objects.filter(pk=run.pk).update(finished_at=timezone.now(), result=error[:RESULT_MAX])
        raise
    JobRun.objects.filter(pk=run.pk).update(finished_at=timezone.now(), result=summary(result))
    JobRun.objects.filter(name=name, period_start__lt=start - KEEP).delete()
    return result


def once_per_period(func):
    """Guard a periodic task's function: it runs at most once per period of the schedule (linli/celery.py).

    The task's name is the function's dotted path (``linli.<app>.tasks.<name>``), which must be in the schedule.
    ``now`` (ISO 8601, optional) chooses the period, for tests and for a run on demand of a past period."""
    name = f"{func.__module__}.{func.__name__}"

    @functools.wraps(func)
    def guarded(now: str | None = None):
        from linli.celery import period_of

        when = parse_datetime(now) if isinstance(now, str) else now
        return run_once(name, period_of(name), func, now=when)

    guarded.job_name = name
    return guarded
