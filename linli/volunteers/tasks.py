"""Volunteers' periodic job, a Celery task in the one schedule (linli/celery.py, docs/tasks.md)."""

from celery import shared_task

from linli.notify.jobs import once_per_period
from linli.volunteers.wishes import wishes_release_overdue


@shared_task(name="linli.volunteers.tasks.release_overdue_wish_claims")
@once_per_period
def release_overdue_wish_claims():
    """Hourly: return wish claims past their deadline to the pool (as `linli volunteers_sweep`). Safe twice: rows are
    locked and re-checked (still claimed, still overdue) before they are released."""
    return {"released": len(wishes_release_overdue())}
