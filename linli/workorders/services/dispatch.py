"""Dispatch (派单) to an organisation or a person, with its event and notification."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.people.models import Membership, Organization
from linli.people.scopes import DIVISION_ORG_KINDS
from linli.workorders import summary
from linli.workorders.models import (
    Status,
    WorkOrder,
    WorkOrderEvent,
)
from linli.workorders.notify import notify
from linli.workorders.permissions import can_handle, can_manage
from linli.workorders.permissions import require as _require

from .common import Event, _check_status, _handlers, _lock, set_deadlines

# -- the steps --------------------------------------------------------------------------------------


def _dispatch_event(order, event_type, *, actor, before, note, now) -> WorkOrderEvent:
    to = order.assignee_org
    person = order.assignee_user
    return WorkOrderEvent(
        order=order, kind=event_type, from_status=before, to_status=order.status, actor=actor, at=now, note=note,
        data={"to": to.pk if to else None, "to_name": str(to) if to else "", "person": person.pk if person else None,
              "accept_due": order.accept_due.isoformat(), "reply_due": order.reply_due.isoformat()})


def _notify_dispatch(order) -> None:
    notify(users=_handlers(order), order=order, title=_("新工单 %(code)s：%(text)s") % {
        "code": order.code, "text": order.title or order.text[:30]})


def _dispatch(order, *, to, person=None, actor, note="", now=None, event_type=Event.DISPATCH,
              notify_handlers=True) -> WorkOrder:
    now = now or timezone.now()
    before = order.status
    order.assignee_org = to
    order.assignee_user = person
    order.status = Status.DISPATCHED
    order.dispatched_at = now
    order.needs_triage = False
    set_deadlines(order, now)
    order.save()
    summary.moved(order)
    event = _dispatch_event(order, event_type, actor=actor, before=before, note=note, now=now)
    event.save()
    if notify_handlers:
        _notify_dispatch(order)
    return order


@transaction.atomic
def workorder_dispatch(*, order: WorkOrder, to: Organization, actor, person=None, note: str = "",
                       now=None, notify_handlers: bool = True) -> WorkOrder:
    """Send the order to an organisation (and optionally one of its people); deadlines start now.
    ``notify_handlers=False``: the caller sends its own notification instead (a joint meeting's task, which links
    to the meeting)."""
    order = _lock(order)
    _check_status(order, "dispatch")
    internal = person is not None and to.pk == order.assignee_org_id and can_handle(actor, order)
    _require(can_manage(actor, order) or internal)
    if person is not None and not Membership.objects.filter(user=person, organization=to).exists() and to.kind not in DIVISION_ORG_KINDS:
        raise ValidationError({"person": _("承办人必须属于承办单位")})
    return _dispatch(order, to=to, person=person, actor=actor, note=note, now=now, notify_handlers=notify_handlers)
