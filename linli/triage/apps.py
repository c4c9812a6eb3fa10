from django.apps import AppConfig


class TriageConfig(AppConfig):
    name = "linli.triage"
    verbose_name = "智能分拣"
