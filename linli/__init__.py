"""Linli (邻里). The Celery app is loaded with the package, as Django's Celery guide asks, so that the tasks
(``@shared_task``) bind to it; importing it loads neither Django's settings nor any app."""

from .celery import app as celery_app

__all__ = ("celery_app",)
