from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RenovationConfig(AppConfig):
    """Renovation projects of old estates (老旧小区改造), issue 20: needs gathered, the plan published for comments,
    works, acceptance and the handover to a manager that starts 先服务后收费; and emergency property service when
    an estate suddenly has no manager (Beijing 物业管理条例 art. 77)."""

    name = "linli.renovation"
    verbose_name = _("老旧小区改造")
    demo = "linli.renovation.demo.load"  # its part of `linli demo` (linli.core.demo)

    def ready(self):
        from linli.core.nav import NavItem, register

        register(NavItem(_("改造与应急物业"), "renovation:index", lambda scope, user: scope.is_staff_member, order=47,
                         on_home=False))
