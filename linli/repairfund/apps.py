from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RepairFundConfig(AppConfig):
    """The special repair fund (专项维修资金), issue 20: an account per estate with a share per home, deposits and
    top-ups (Beijing 物业管理条例 art. 83), who holds it (art. 84), its use from application through the owners'
    decision to a staged payout (art. 86; Civil Code art. 281), emergency use, and its hash-chained ledger."""

    name = "linli.repairfund"
    label = "repairfund"
    verbose_name = _("专项维修资金")
    demo = "linli.repairfund.demo.load"  # its part of `linli demo` (linli.core.demo)

    def ready(self):
        from linli.core.nav import NavItem, register

        # Staff and committee members read accounts; a resident reads their home's statement and the public account.
        register(NavItem(_("维修资金"), "repairfund:index", lambda scope, user: scope.is_member, order=46,
                         on_home=False))
