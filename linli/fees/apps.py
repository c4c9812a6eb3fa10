from django.apps import AppConfig


class FeesConfig(AppConfig):
    name = "linli.fees"
    verbose_name = "物业收费与公开"
