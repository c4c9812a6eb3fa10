from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResidentsConfig(AppConfig):
    """The resident home (issue 18): the first page a signed-in resident sees, with big buttons to report, follow,
    pay, read notices, vote, help and call. It reads the apps below it through their selectors and services and
    writes only its own table (which notices a resident has opened)."""

    name = "linli.residents"
    demo = "linli.residents.demo.load"  # prints the demo estates' public boards (issue 19), adds no data
    verbose_name = _("居民首页")

    def ready(self):
        from linli.core.landing import Landing
        from linli.core.landing import register as register_landing
        from linli.core.nav import NavItem
        from linli.core.nav import register as register_nav

        # A resident who serves no estate as staff lands here; staff who also live somewhere keep their own
        # first page and get the link.
        register_landing(Landing("residents:home", lambda scope, user: bool(scope.home_ids)
                                 and not scope.is_staff_member, order=20))
        register_nav(NavItem(_("我的首页"), "residents:home", lambda scope, user: bool(scope.home_ids), order=1,
                             on_home=True))
