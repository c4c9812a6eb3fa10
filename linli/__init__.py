"""Linli (邻里).

``linli.celery_app`` is the Celery app (linli/celery.py), as in Django's Celery guide, but loaded on first use:
importing Celery imports Django (kombu's JSON encoder does), and ``import linli`` must not (the triage engine runs
without Django). Every Django process loads it at start (NotifyConfig.ready), so that shared tasks bind to it;
``celery -A linli`` finds ``linli.celery``.
"""

__all__ = ("celery_app",)


def __getattr__(name):
    if name == "celery_app":
        from .celery import app

        return app
    raise AttributeError(f"module 'linli' has no attribute {name!r}")
