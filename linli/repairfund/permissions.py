"""Who may do what with the repair fund (pages, API and CLI ask the same functions; the services call them).

* run the fund — open the account, record deposits, put an application to the owners, approve it, accept and
  pay its stages: an admin of the estate's street or district (the street office supervises the fund's use on
  the owners' behalf; Beijing 物业管理条例 art. 84 para. 2 names the district housing department's supervision);
* draft an application: those admins, and a member of the estate's owners' committee (the committee applies for
  the fund's use, Civil Code art. 281 para. 2; Beijing art. 83 gives it the top-up notice);
* read the account, its applications and its ledger: the estate's staff (community admin, property company, grid
  worker, auditor …) and the members of its owners' committee;
* a resident reads their own home's statement and the estate's public account (Beijing art. 84 para. 3; Civil
  Code art. 281 para. 1: the fund's raising and use are published regularly).
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from linli.people.actors import is_system
from linli.people.models import Role
from linli.people.scopes import scope_for

from .models import Estate

RUNNER_ROLES = frozenset({Role.STREET_ADMIN, Role.DISTRICT_ADMIN})


def can_run(user, estate) -> bool:
    if user is None:
        return False
    if is_system(user):
        return True
    scope = scope_for(user)
    return bool(scope.roles & RUNNER_ROLES) and scope.can_write_estate(estate)


def can_draft(user, estate) -> bool:
    return can_run(user, estate) or (user is not None and scope_for(user).sits_on_committee_of(estate))


def can_read(user, estate) -> bool:
    if user is None:
        return False
    return can_draft(user, estate) or Estate.objects.filter(
        scope_for(user).estate_q(staff_only=True), pk=estate.pk).exists()


def can_read_home(user, home) -> bool:
    """The home's statement: its readers, and the people living in it now."""
    return home.pk in scope_for(user).home_ids or can_read(user, home.estate)


def is_resident_of(user, estate) -> bool:
    return estate.pk in scope_for(user).resident_estate_ids


def require_run(user, estate) -> None:
    if not can_run(user, estate):
        raise PermissionDenied(_("只有街道或区级管理员可以管理该小区的专项维修资金"))


def require_draft(user, estate) -> None:
    if not can_draft(user, estate):
        raise PermissionDenied(_("只有街道或区级管理员、本小区业主委员会成员可以提出维修资金使用申请"))
