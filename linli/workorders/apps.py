from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkordersConfig(AppConfig):
    name = "linli.workorders"
    verbose_name = "工单（接诉即办）"
    demo = "linli.workorders.demo.load"  # its part of `linli demo` (linli.core.demo)
    demo_history = "linli.workorders.demo_history.load"  # a year of orders (issue 17)
    # Its part of `linli retention` (linli/people/management/commands/retention.py): (setting in days, what it
    # keeps, the function that clears what is past it), and a label for each kind that function counts.
    retention = (("LINLI_RETAIN_WORKORDER_CONTACT_DAYS", "已结束工单的联系人、电话及正文中的号码",
                  "linli.workorders.retention.clear_finished_orders"),)
    retention_labels = {
        "workorder_contacts": "工单（清除联系人、电话，号码打码）",
        "workorder_event_notes": "工单处理记录（号码打码）",
    }

    def ready(self):
        from linli.core.nav import NavItem, register

        register(NavItem(_("工单"), "workorders:inbox", lambda scope, user: scope.is_staff_member, order=20))
        register(NavItem(_("我的诉求"), "workorders:mine", lambda scope, user: bool(scope.home_ids), order=21))
        register(NavItem(_("考评"), "workorders:rates", lambda scope, user: bool(scope.paths), order=24))
        # (issue 19: a committee member reads their estate's orders, read-only and masked, from the desk 业委会工作台)
