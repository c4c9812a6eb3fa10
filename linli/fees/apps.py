from django.apps import AppConfig


class FeesConfig(AppConfig):
    name = "linli.fees"
    verbose_name = "物业收费与公开"
    demo = "linli.fees.demo.load"  # its part of `linli demo` (linli.core.demo)
    demo_history = "linli.fees.demo_history.load"  # a year of bills and payments (issue 17)

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from linli.core.nav import NavItem, register

        from .models import FEE_READER_ROLES

        register(NavItem(_("收费"), "fees:figures", lambda scope, user: bool(scope.roles & FEE_READER_ROLES), order=40))
        register(NavItem(_("物业费"), "fees:my_bills",
                         lambda scope, user: bool(scope.home_ids) and not scope.roles & FEE_READER_ROLES, order=41))
        # (issue 19: a committee member reaches their estate's accounts and collection from the desk, 业委会工作台)
