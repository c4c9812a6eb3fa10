from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotifyConfig(AppConfig):
    name = "linli.notify"
    verbose_name = "通知与后台任务"
    demo = "linli.notify.demo.load"  # its part of `linli demo` (linli.core.demo)

    def ready(self):
        # The Celery app (linli/celery.py) is loaded with Django, so that every task binds to it (`import linli`
        # leaves it out: see linli/__init__.py); the one-command demo runs its beat schedule in-process
        # (linli/notify/inprocess.py), production runs `celery -A linli beat`.
        import linli.celery  # noqa: F401
        from linli.core.nav import NavItem, register
        from linli.notify import inprocess

        from .permissions import can_see_deliveries

        register(NavItem(_("通知"), "notify:inbox", lambda scope, user: user.is_authenticated, order=22, on_home=False))
        register(NavItem(_("外发通知"), "notify:deliveries", lambda scope, user: can_see_deliveries(user), order=90,
                         on_home=False))
        inprocess.start_if_wanted()
        # Sign-in (linli.people, below notify) sends its codes and invitations through the SMS channel here.
        from linli.people import sms

        from .services import send_text

        sms.provide_sender(send_text)
