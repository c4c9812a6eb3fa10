"""The facility ledger's periodic job, a Celery task in the one schedule (linli/celery.py, docs/tasks.md)."""

from celery import shared_task

from linli.facilities.services import notify_due
from linli.notify.jobs import once_per_period


@shared_task(name="linli.facilities.tasks.remind_due_inspections")
@once_per_period
def remind_due_inspections():
    """Daily: tell each estate's property manager and community admin about the statutory inspections and maintenance
    contracts of its facilities falling due within 30 days (特种设备安全法 art. 40; 消防法 art. 16). Safe twice: one
    reminder per user, facility, what falls due and its date."""
    return {"notified": notify_due()}
