from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "linli.care"
    verbose_name = "关爱探访"
