from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VolunteersConfig(AppConfig):
    name = "linli.volunteers"
    verbose_name = "志愿服务"
    demo = "linli.volunteers.demo.load"  # its part of `linli demo` (linli.core.demo)
    demo_history = "linli.volunteers.demo_history.load"  # a year of history (issue 17)

    def ready(self):
        from linli.core.nav import NavItem, register

        register(NavItem(_("志愿服务"), "volunteers:me", lambda scope, user: scope.is_member, order=60))
        register(NavItem(_("微心愿"), "volunteers:wish_pool", lambda scope, user: scope.is_member, order=61))
