"""Who may do what with fees (the same answers for pages, API and CLI): the services call these themselves.

* record payments: property manager or staff of the estate's **current** provider (物业服务人);
* fee plans, billing runs and ledger entries: the provider's property manager, or a community/street/
  district admin of the estate;
* approve relief (减免): a community/street/district admin of the estate — a named role;
* read bills, payments, ledger, figures: those, plus the auditor (read-only);
* a resident reads the bills and payments of their own home and the public accounts of any estate;
* nobody (``None``) may do anything; the system actor (the ``bill`` command) may run billing for every estate.
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from linli.people.actors import is_system
from linli.people.models import Membership, Role
from linli.people.scopes import ADMIN_ROLES, PROPERTY_ROLES, scope_for
from linli.places.models import Stewardship

from .models import FEE_READER_ROLES


def provider_roles(user, estate) -> set[str]:
    """The property roles ``user`` holds in the estate's current provider (empty if none).

    Cached on the user object, like the scope, for the length of a request (or of a CLI/demo run).
    """
    cache = getattr(user, "_fees_provider_roles", None)
    if cache is None:
        cache = {}
        if user is not None:
            user._fees_provider_roles = cache
    if estate.pk not in cache:
        cache[estate.pk] = _provider_roles(user, estate)
    return cache[estate.pk]


def _provider_roles(user, estate) -> set[str]:
    scope = scope_for(user)
    roles = scope.roles & PROPERTY_ROLES
    if not roles or not scope.org_ids:
        return set()
    if not Stewardship.objects.current().filter(estate_id=estate.pk, provider_id__in=scope.org_ids).exists():
        return set()

    return set(
        Membership.objects.filter(user_id=user.pk, role__in=PROPERTY_ROLES, organization_id__in=scope.org_ids)
        .values_list("role", flat=True)
    )


def reads_fees(user) -> bool:
    return bool(scope_for(user).roles & FEE_READER_ROLES)


def can_collect(user, estate) -> bool:
    return bool(provider_roles(user, estate))


def can_manage(user, estate) -> bool:
    if user is None:
        return False
    return (is_system(user) or Role.PROPERTY_MANAGER in provider_roles(user, estate)
            or scope_for(user).can_write_estate(estate))


def can_bill_every_estate(user) -> bool:
    """A billing run over all estates at once is a machine job (the ``bill`` command)."""
    return is_system(user)


def can_approve_relief(user, estate) -> bool:
    return scope_for(user).can_write_estate(estate)


def role_on(user, estate) -> str:
    """The role under which ``user`` acts on ``estate`` (recorded with approvals)."""
    scope = scope_for(user)
    admin = sorted(scope.roles & ADMIN_ROLES, key=[Role.COMMUNITY_ADMIN, Role.STREET_ADMIN, Role.DISTRICT_ADMIN].index)
    if admin and scope.can_write_estate(estate):
        return admin[0]
    roles = provider_roles(user, estate)
    if Role.PROPERTY_MANAGER in roles:
        return Role.PROPERTY_MANAGER
    return next(iter(roles), "")


def require_collector(user, estate) -> None:
    if not can_collect(user, estate):
        raise PermissionDenied(_("只有该小区当前物业服务人的人员可以登记收款"))


def require_manager(user, estate) -> None:
    if not can_manage(user, estate):
        raise PermissionDenied(_("您无权管理该小区的收费和台账"))


def require_relief_approver(user, estate) -> None:
    if not can_approve_relief(user, estate):
        raise PermissionDenied(_("减免须由社区、街道或区级管理员批准"))


# -- issue 19 (reach): a committee member reads their estate's accounts and collection figures -----------------------
# The owners' committee (or 物业管理委员会) of an estate supervises the property service and the common funds and urges
# owners to pay (北京市物业管理条例 art. 44(4)(5); art. 56 for a 物业管理委员会) and keeps the accounts of the common
# parts (art. 44(7)); the property company publishes its accounts to all owners (art. 70(4)(5)). So a member reads
# the public accounts and the collection figures of their own estate — aggregated: no household's name, bill or
# payment (art. 47(8)). They record, bill and approve nothing.


def can_read_as_committee(user, estate) -> bool:
    """``user`` sits on the committee of ``estate`` (an Estate or its pk) now."""
    return user is not None and estate is not None and scope_for(user).sits_on_committee_of(estate)
