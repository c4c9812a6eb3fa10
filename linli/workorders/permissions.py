"""Who may take which step on a work order: plain ``can_*(user, order) -> bool`` functions, and ``require`` that
raises PermissionDenied (403). The services call them themselves, so the page, the API, a command and the sweep
get one answer. Who may *see* an order is ``WorkOrder.objects.visible_to(user)`` (404 otherwise).

``actor=None`` is nobody: it may do nothing. A machine write passes ``linli.people.actors.system_actor()``.
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from linli.core.memo import Memo
from linli.people.actors import is_system
from linli.people.models import Organization, Role
from linli.people.scopes import ADMIN_ROLES, DIVISION_ORG_KINDS, PROPERTY_ROLES, scope_for
from linli.places.models import Division
from linli.workorders.models import Channel, WorkOrder, WorkOrderEvent

# The service desk (一站式服务窗口): walk-in, phone and WeChat-group requests.
DESK_ROLES = ADMIN_ROLES | {Role.GRID_WORKER}
# Who may file an order through the API.
CREATOR_ROLES = ADMIN_ROLES | PROPERTY_ROLES | {Role.GRID_WORKER}
# The callback desk (回访): a level above the organisations that handle orders.
CALLBACK_ROLES = frozenset({Role.STREET_ADMIN, Role.DISTRICT_ADMIN})
# Steps that make someone one of the order's handlers (who then may not record its satisfaction).
HANDLING_EVENTS = (WorkOrderEvent.Type.ACCEPT, WorkOrderEvent.Type.START, WorkOrderEvent.Type.REPLY,
                   WorkOrderEvent.Type.RETURN, WorkOrderEvent.Type.REQUEST_EXTENSION)


def require(ok: bool, message: str | None = None) -> None:
    """Raise PermissionDenied (403) unless ``ok``."""
    if not ok:
        raise PermissionDenied(message or _("您无权对该工单执行此操作"))


def _org_is_mine(user, organization: Organization | None) -> bool:
    if organization is None or user is None:
        return False
    scope = scope_for(user)
    if organization.pk in scope.own_org_ids:
        return True
    # A community committee or the street's centre acts through the admins of its division.
    return organization.kind in DIVISION_ORG_KINDS and organization.division_id is not None and any(
        organization.division.path == p for p in scope.admin_paths
    )


def _admin_over(user, order: WorkOrder, roles=ADMIN_ROLES) -> bool:
    scope = scope_for(user)
    if not scope.roles & roles:
        return False
    return any(
        (order.community_id and order.community.path.startswith(p)) or (order.street_id and order.street.path.startswith(p))
        for p in scope.admin_paths
    )


def can_manage(user, order: WorkOrder) -> bool:
    """Dispatch, close, supervise, escalate, merge, cancel: community/street/district admins in scope, and the
    system (the deadline sweep, imports)."""
    if user is None:
        return False
    return is_system(user) or _admin_over(user, order)


def can_handle(user, order: WorkOrder) -> bool:
    """Accept, work on, return and reply: the assigned organisation's people or the assigned person."""
    if user is None:
        return False
    if order.assignee_user_id and order.assignee_user_id == user.pk:
        return True
    return _org_is_mine(user, order.assignee_org)


def is_reporter(user, order: WorkOrder) -> bool:
    """The resident who reported the order: the account of its reporter, or the account that filed it on the
    resident page (a resident without a registry record)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    person_id = getattr(user, "person_id", None)
    if person_id and order.reporter_id == person_id:
        return True
    return (order.channel == Channel.RESIDENT and order.created_by_id == user.pk
            and not scope_for(user).is_staff_member)


def can_call_back(user, order: WorkOrder) -> bool:
    """A phone callback (回访) by someone independent of the handling: a street or district admin over the order
    who is not of the organisation it is assigned to, and neither filed it nor handled it. A joint meeting's
    task is filed by the convening street, which then checks the department's work: that is not self-rating."""
    if user is None or not _admin_over(user, order, CALLBACK_ROLES):
        return False
    if _org_is_mine(user, order.assignee_org) or order.assignee_user_id == user.pk:
        return False
    if order.created_by_id == user.pk and order.channel != Channel.JOINT_MEETING:
        return False
    return not order.events.filter(actor=user, kind__in=HANDLING_EVENTS).exists()


def can_rate(user, order: WorkOrder) -> bool:
    """Record the satisfaction (回访): the resident who reported it, or an independent callback desk. Never the
    staff who filed or handled it: that would inflate their own 满意率."""
    return is_reporter(user, order) or can_call_back(user, order)


def can_use_desk(user) -> bool:
    """File walk-in, phone and WeChat-group requests at the service desk."""
    return bool(scope_for(user).roles & DESK_ROLES)

def routing_streets(user):
    """The streets whose routing table (派单规则) ``user`` may read: the streets they see whole (street and
    district admins, auditors, departments of the district). A community admin or grid worker sees only a
    community, not the street's table: the inbox shows them no link to it (issue 18 item 6)."""
    return Division.objects.visible_to(user).filter(level=Division.Level.STREET).order_by("path")


# Whether any street lies under some division paths: asked by the inbox on every request (its link to the table).
streets_memo = Memo("a street under paths", ttl=10, watch=["places.Division"])


def can_view_routing(user) -> bool:
    scope = scope_for(user)
    if not scope.is_staff_member or not scope.paths:
        return False  # ``routing_streets`` finds streets by the paths alone (estates and companies reach communities)
    return streets_memo.get(scope.paths, lambda: routing_streets(user).exists())


# -- joint meetings (吹哨报到) ------------------------------------------------------------------------------
# Who may call a meeting about a street's orders; linli.meetings.permissions builds on it (the order page asks too).
MEETING_CONVENER_ROLES = frozenset({Role.STREET_ADMIN, Role.DISTRICT_ADMIN})


def can_convene_meeting(user, street) -> bool:
    """Admins of the street (a street admin, or a district admin above it)."""
    if user is None or street is None or street.level != "street":
        return False
    scope = scope_for(user)
    return bool(scope.roles & MEETING_CONVENER_ROLES) and scope.can_write_division(street)


# -- assessment rates (考评) -------------------------------------------------------------------------------


def rates_divisions(user):
    """Divisions whose figures ``user`` may see: those under a division the user serves as staff
    (admins, grid workers, department handlers, auditors); property companies and residents see none."""
    scope = scope_for(user)
    if not scope.is_staff_member or not scope.paths:
        return Division.objects.none()
    qs = Division.objects.none()
    for p in scope.paths:
        qs = qs | Division.objects.filter(path__startswith=p)
    return qs


# -- issue 19 (reach): a committee member reads their estate's orders ---------------------------------------------
# A member of an estate's owners' committee or 物业管理委员会 (a current seat, people.scopes) reads the work orders of
# that estate only, read-only and with the reporter's name and phone masked: the committee supervises the property
# service (北京市物业管理条例 art. 44(5); 物业管理条例 art. 15(3)) and its members may not disclose owners'
# information (Beijing art. 47(8)), so they are never given it. They take no step on an order (no can_* above grants
# them one): a committee member is not staff.


def can_read_as_committee(user, estate) -> bool:
    """``user`` sits on the committee of ``estate`` (an Estate or its pk) now."""
    return user is not None and estate is not None and scope_for(user).sits_on_committee_of(estate)


def committee_estate_ids(user) -> frozenset[int]:
    """The estates whose orders ``user`` reads as a committee member."""
    return scope_for(user).committee_estate_ids if user is not None else frozenset()
