"""Care's periodic job, a Celery task in the one schedule (linli/celery.py, docs/tasks.md)."""

from celery import shared_task

from linli.care.services import notify_overdue
from linli.notify.jobs import once_per_period


@shared_task(name="linli.care.tasks.notify_overdue_visits")
@once_per_period
def notify_overdue_visits():
    """Daily: tell the visitors and community admins about each overdue visit (as `linli care_sweep`). Safe twice:
    one reminder per user, plan and due date."""
    return {"notified": notify_overdue()}
