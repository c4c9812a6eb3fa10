"""What inspection rounds declare to the rest of Linli (called from FacilitiesConfig.ready())."""


def ready():
    from django.utils.translation import gettext_lazy as _

    from linli.core.nav import NavItem, register

    # Property staff walk rounds from here; admins and the auditor read them (the routes of the estates they serve).
    register(NavItem(_("巡检"), "facilities:rounds", lambda scope, user: scope.is_staff_member, order=27))
