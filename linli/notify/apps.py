from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "linli.notify"
    verbose_name = "通知与后台任务"

    def ready(self):
        # The Celery app (linli/celery.py) is loaded with Django, so that every task binds to it (`import linli`
        # leaves it out: see linli/__init__.py); the one-command demo runs its beat schedule in-process
        # (linli/notify/inprocess.py), production runs `celery -A linli beat`.
        import linli.celery  # noqa: F401
        from linli.notify import inprocess

        inprocess.start_if_wanted()
