from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FacilitiesConfig(AppConfig):
    """The estate's shared facilities (公共设施设备台账) and the inspection rounds that check them (巡检), issue 20:
    lifts, pumps, fire equipment, gates, cameras, lighting, charging sheds, roofs, pipes; their statutory inspections
    (Beijing 物业管理条例 art. 88), faults (work orders) and repairs."""

    name = "linli.facilities"
    verbose_name = _("设施设备")
    demo = "linli.facilities.demo.load"  # its part of `linli demo` (linli.core.demo)

    def ready(self):
        from linli.core.nav import NavItem, register
        from linli.facilities.permissions import LEDGER_STAFF_ROLES

        # The ledger for the staff who read it (permissions.py); committee members reach it from the estate page.
        register(NavItem(_("设施设备"), "facilities:index",
                         lambda scope, user: bool(scope.roles & LEDGER_STAFF_ROLES), order=58))

        from linli.facilities.selectors import order_links
        from linli.workorders import links

        # A work order linked to a facility as a fault links back to the facility, for the ledger's readers.
        links.register("facility_ledger", order_links)

        from linli.facilities import rounds_apps

        rounds_apps.ready()  # inspection rounds: the top-bar link
