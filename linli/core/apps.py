from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "linli.core"
    verbose_name = "核心"

    def ready(self):
        # Registers the system checks of the rate-limit cache (linli.E120, linli.W120 with --deploy).
        from linli.core import ratelimit  # noqa: F401
