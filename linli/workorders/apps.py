from django.apps import AppConfig


class WorkordersConfig(AppConfig):
    name = "linli.workorders"
    verbose_name = "工单（接诉即办）"
