"""The Celery app and the one schedule of every periodic job (docs/tasks.md).

Production runs ``celery -A linli worker`` (M processes, any machines) and ``celery -A linli beat`` (one); both
read their configuration from Django's settings (``CELERY_*``). Without ``CELERY_BROKER_URL`` tasks run eagerly
in the process that queues them, and ``make run`` runs this schedule in-process (linli/notify/inprocess.py).

This module imports no app: tasks are found by name (``linli.<app>.tasks``, autodiscovered).
"""

import os
from datetime import timedelta

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linli.settings")

MINUTE, HOUR, DAY = 60, 3600, 24 * 3600

# The one schedule. Each job: the task it runs, its period in seconds (the once-per-period guard of
# linli/notify/jobs.py floors the time to it, in local time), and for daily jobs the local time of day it runs
# (HH, MM; else it runs every `period` seconds). Every job is safe to run twice; docs/tasks.md says why.
SCHEDULE: dict[str, dict] = {
    "workorders-deadline-sweep": {"task": "linli.workorders.tasks.sweep_deadlines", "period": MINUTE},
    "workorders-daily-summary": {"task": "linli.workorders.tasks.refresh_summary", "period": MINUTE},
    "dashboard-warm-overviews": {"task": "linli.dashboard.tasks.warm_overviews", "period": MINUTE},
    "notify-requeue-deliveries": {"task": "linli.notify.tasks.requeue_deliveries", "period": MINUTE},
    "assembly-close-due-votes": {"task": "linli.assembly.tasks.close_due_motions", "period": 5 * MINUTE},
    "volunteers-release-wish-claims": {"task": "linli.volunteers.tasks.release_overdue_wish_claims",
                                       "period": HOUR},
    "care-overdue-visits": {"task": "linli.care.tasks.notify_overdue_visits", "period": DAY, "at": (7, 0)},
    "assembly-contract-renewals": {"task": "linli.assembly.tasks.open_renewal_cases", "period": DAY,
                                   "at": (2, 30)},
    "assembly-committee-term-reports": {"task": "linli.assembly.tasks.remind_committee_term_reports", "period": DAY,
                                        "at": (8, 0)},
    "dashboard-freeze-assessment": {"task": "linli.dashboard.tasks.freeze_assessment_scores", "period": DAY,
                                    "at": (1, 30)},
    "facilities-due-inspections": {"task": "linli.facilities.tasks.remind_due_inspections", "period": DAY,
                                   "at": (7, 30)},
    "renovation-emergency-ending": {"task": "linli.renovation.tasks.remind_ending_emergencies", "period": DAY,
                                    "at": (8, 30)},  # issue 20: Beijing art. 77, six months at most
}


def parse_periods(text: str) -> dict[str, int]:
    """``LINLI_SCHEDULE_PERIODS="workorders-deadline-sweep=5,assembly-close-due-votes=10"`` → {job: seconds}.

    For tests of the whole topology (``make deploy-check``): a job given here runs every N seconds instead of
    its period, and its once-per-period guard uses N. Unknown jobs and bad numbers are refused."""
    periods = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        key, _, seconds = item.partition("=")
        key = key.strip()
        if key not in SCHEDULE:
            raise ValueError(f"LINLI_SCHEDULE_PERIODS: no job {key!r} (jobs: {', '.join(SCHEDULE)})")
        try:
            periods[key] = int(seconds)
        except ValueError:
            raise ValueError(f"LINLI_SCHEDULE_PERIODS: {item!r} is not job=seconds") from None
        if periods[key] <= 0:
            raise ValueError(f"LINLI_SCHEDULE_PERIODS: {item!r} must be a positive number of seconds")
    return periods


def jobs(overrides: dict[str, int] | None = None) -> dict[str, dict]:
    """The schedule with the periods of ``overrides`` applied: {job: {"task", "period", "at"?}}."""
    overrides = overrides or {}
    return {key: ({"task": job["task"], "period": overrides[key]} if key in overrides else dict(job))
            for key, job in SCHEDULE.items()}


def beat_schedule(overrides: dict[str, int] | None = None) -> dict[str, dict]:
    """The schedule as Celery beat reads it (``app.conf.beat_schedule``)."""
    out = {}
    for key, job in jobs(overrides).items():
        if "at" in job:
            hour, minute = job["at"]
            when = crontab(hour=hour, minute=minute)  # in CELERY_TIMEZONE, i.e. Django's TIME_ZONE
        else:
            when = timedelta(seconds=job["period"])
        out[key] = {"task": job["task"], "schedule": when}
    return out


OVERRIDES = parse_periods(os.environ.get("LINLI_SCHEDULE_PERIODS", ""))
PERIODS = {job["task"]: job["period"] for job in jobs(OVERRIDES).values()}


def period_of(task_name: str) -> int:
    """The period in seconds of a scheduled task (KeyError for a task that is not in the schedule)."""
    return PERIODS[task_name]


app = Celery("linli")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()  # linli.<app>.tasks, at a worker's start (or autodiscover_tasks(force=True))
app.conf.beat_schedule = beat_schedule(OVERRIDES)
