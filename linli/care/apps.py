from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CareConfig(AppConfig):
    name = "linli.care"
    verbose_name = "关爱探访"
    demo = "linli.care.demo.load"  # its part of `linli demo` (linli.core.demo)

    def ready(self):
        from linli.core.nav import NavItem, register

        register(NavItem(_("关爱探访"), "care:subject_list", lambda scope, user: scope.sees_sensitive, order=62))
