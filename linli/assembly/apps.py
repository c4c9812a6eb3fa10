from django.apps import AppConfig


class AssemblyConfig(AppConfig):
    name = "linli.assembly"
    verbose_name = "业主共同决定"
