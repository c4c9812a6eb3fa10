from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotifyConfig(AppConfig):
    name = "linli.notify"
    verbose_name = "通知与后台任务"
    demo = "linli.notify.demo.load"  # its part of `linli demo` (linli.core.demo)

    def ready(self):
        from linli.core.nav import NavItem, register

        from .permissions import can_see_deliveries

        register(NavItem(_("通知"), "notify:inbox", lambda scope, user: user.is_authenticated, order=22, on_home=False))
        register(NavItem(_("外发通知"), "notify:deliveries", lambda scope, user: can_see_deliveries(user), order=90,
                         on_home=False))
