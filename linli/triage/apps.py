from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TriageConfig(AppConfig):
    name = "linli.triage"
    verbose_name = "智能分拣"
    demo = "linli.triage.demo.load"  # its part of `linli demo` (linli.core.demo)

    def ready(self):
        from linli.core.nav import NavItem, register

        register(NavItem(_("智能分拣"), "triage:index", lambda scope, user: scope.is_staff_member, order=25))
