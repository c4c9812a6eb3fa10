from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CareConfig(AppConfig):
    name = "linli.care"
    verbose_name = "关爱探访"
    demo = "linli.care.demo.load"  # its part of `linli demo` (linli.core.demo)
    demo_history = "linli.care.demo_history.load"  # a year of history (issue 17)
    # Its part of `linli retention` (linli/people/management/commands/retention.py).
    retention = (("LINLI_RETAIN_CARE_DAYS", "结束关护后的关护记录", "linli.care.retention.clear_ended_care"),)
    retention_labels = {
        "care_subjects": "关护对象（清除类别、监护人联系方式、情况说明）",
        "care_visits": "探访记录（清除记录内容）",
        "care_problems": "探访发现的问题（清除内容）",
        "care_reminders": "探访提醒（删除）",
    }

    def ready(self):
        from linli.core.nav import NavItem, register

        register(NavItem(_("关爱探访"), "care:subject_list", lambda scope, user: scope.sees_sensitive, order=62))

        from linli.care.selectors import visits_due_for
        from linli.volunteers import sections

        # A volunteer's own page shows the visits they are due to make (volunteers sits below care).
        sections.register("visits_due", lambda user, person: visits_due_for(user))

        from linli.care.services import order_links
        from linli.workorders import links

        # A work order made from a visit links back to the care record, for care staff only (issue 15 item 7).
        links.register("care", order_links)
