from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "linli.core"
    verbose_name = "核心"
