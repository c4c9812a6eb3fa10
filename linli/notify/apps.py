from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "linli.notify"
    verbose_name = "通知与后台任务"

    def ready(self):
        # The one-command demo runs the beat schedule in-process (linli/notify/inprocess.py); production runs
        # `celery -A linli beat`.
        from linli.notify import inprocess

        inprocess.start_if_wanted()
