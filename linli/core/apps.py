from django.apps import AppConfig
from django.utils.translation import gettext


class CoreConfig(AppConfig):
    name = "linli.core"
    verbose_name = "核心"

    def ready(self):
        # Registers Linli's system checks: the deploy checks (linli.W001…) and the rate-limit cache's (E120, W120).
        from linli.core import checks, deferred, ratelimit  # noqa: F401

        deferred.translate = gettext  # messages of the modules without Django, in the request's language

        # The request id follows a request into the Celery tasks it queues (celery.signals only, no app).
        from linli.core import requestid

        requestid.connect_celery_signals()
