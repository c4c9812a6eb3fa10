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
        from linli.facilities import rounds_apps

        rounds_apps.ready()  # inspection rounds: the top-bar link
