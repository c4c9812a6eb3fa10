"""The renovation app's periodic job, a Celery task in the one schedule (linli/celery.py, docs/tasks.md)."""

from celery import shared_task

from linli.notify.jobs import once_per_period
from linli.renovation import services


@shared_task(name="linli.renovation.tasks.remind_ending_emergencies")
@once_per_period
def remind_ending_emergencies():
    """Daily: tell the street's admins of each emergency property service ending within 30 days (北京市物业管理条例
    art. 77: six months at most). Safe twice: once per service (``reminded_at``, and the notification's key)."""
    return {"reminded": services.remind_ending_emergencies()}
