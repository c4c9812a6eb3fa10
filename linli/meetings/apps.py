from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "linli.meetings"
    label = "meetings"
    verbose_name = "吹哨报到"
    demo = "linli.meetings.demo.load"  # its part of `linli demo` (linli.core.demo)
    demo_history = "linli.meetings.demo_history.load"  # a year of joint meetings (issue 17)

    def ready(self):
        from linli.core.nav import NavItem, register

        register(NavItem(_("吹哨报到"), "meetings:meeting_list", lambda scope, user: bool(scope.paths), order=23))
