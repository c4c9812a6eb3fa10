from django.apps import AppConfig


class TriageConfig(AppConfig):
    name = "linli.triage"
    verbose_name = "智能分拣"

    def ready(self):
        from linli.core.nav import NavItem, register

        register(NavItem("智能分拣", "triage:index", lambda scope, user: scope.is_staff_member, order=25))
