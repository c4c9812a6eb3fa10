"""Work orders' periodic job, a Celery task in the one schedule (linli/celery.py, docs/tasks.md)."""

from celery import shared_task

from linli.notify.jobs import once_per_period
from linli.workorders.sweep import sweep


@shared_task(name="linli.workorders.tasks.sweep_deadlines")
@once_per_period
def sweep_deadlines():
    """Every minute: remind before a deadline, mark overdue, escalate one level, notify (linli/workorders/sweep.py).
    Safe twice: each action claims its order with a conditional UPDATE."""
    result = sweep()
    return {"reminded": len(result.reminded), "overdue": len(result.overdue), "escalated": len(result.escalated)}


@shared_task(name="linli.workorders.tasks.refresh_summary")
@once_per_period
def refresh_summary():
    """Every minute: bring the daily summary (linli/workorders/daily.py) up to the last event — only the days and
    streets the new events touched. Safe twice: a second run finds nothing new, and two at once take turns."""
    from linli.workorders import daily

    return daily.refresh()
