"""The deadline sweep: remind, mark overdue, escalate one level, notify (the Celery task
linli.workorders.tasks.sweep_deadlines runs it every minute).

Safe to run twice or in two processes at once: each action first claims its row with a conditional
UPDATE (``… WHERE status = … AND accept_due = <the value read>``), and only the process whose UPDATE
changed the row goes on.
"""

import datetime
import logging
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.people.actors import system_actor
from linli.workorders import services, summary
from linli.workorders.models import Status, WorkOrder, WorkOrderEvent
from linli.workorders.notify import notify

log = logging.getLogger("linli.worker")
Event = WorkOrderEvent.Type

REMIND_ACCEPT_BEFORE = datetime.timedelta(minutes=30)
REMIND_REPLY_BEFORE = datetime.timedelta(hours=24)
BATCH = 500


@dataclass
class SweepResult:
    reminded: list[str] = field(default_factory=list)
    escalated: list[str] = field(default_factory=list)
    overdue: list[str] = field(default_factory=list)

    def __str__(self):
        return f"提醒 {len(self.reminded)}，超期 {len(self.overdue)}，升级 {len(self.escalated)}"


def sweep(now: datetime.datetime | None = None) -> SweepResult:
    now = now or timezone.now()
    result = SweepResult()
    _remind(now, result)
    _accept_overdue(now, result)
    _reply_overdue(now, result)
    return result


# Each claim repeats the condition that made the order due: a sweep that read its list before another sweep
# escalated the order (fresh deadlines, ``reminded`` and ``overdue`` reset) must not act on it again. Two sweeps
# overlap when one takes longer than the period, or when two schedulers run (make deploy-check saw it).


def _remind_due(now) -> Q:
    return Q(reminded=False) & (
        Q(status=Status.DISPATCHED, accept_due__lte=now + REMIND_ACCEPT_BEFORE)
        | Q(status__in=(Status.ACCEPTED, Status.IN_PROGRESS), reply_due__lte=now + REMIND_REPLY_BEFORE))


def _reply_due(now) -> Q:
    return Q(status__in=(Status.ACCEPTED, Status.IN_PROGRESS), overdue=False, reply_due__lt=now)


def claim_remind(pk, now) -> bool:
    return WorkOrder.objects.filter(_remind_due(now), pk=pk).update(reminded=True) == 1


def claim_reply_overdue(pk, now) -> bool:
    return WorkOrder.objects.filter(_reply_due(now), pk=pk).update(overdue=True) == 1


def _remind(now, result):
    due = WorkOrder.objects.filter(_remind_due(now)).values_list("pk", flat=True)[:BATCH]
    for pk in list(due):
        with transaction.atomic():
            if not claim_remind(pk, now):
                continue  # another process took it
            order = WorkOrder.objects.select_related("assignee_org", "assignee_user").get(pk=pk)
            WorkOrderEvent.objects.create(order=order, kind=Event.REMIND, from_status=order.status,
                                          to_status=order.status, at=now, note=_("即将超期"))
            notify(users=services._handlers(order), order=order,
                   title=_("工单 %(code)s 即将超期，请尽快处理") % {"code": order.code})
            result.reminded.append(order.code)


def _accept_overdue(now, result):
    """Not accepted in time: escalate one level (the next level's organisation takes it)."""
    due = WorkOrder.objects.filter(status=Status.DISPATCHED, accept_due__lt=now).values_list("pk", "accept_due")[:BATCH]
    for pk, accept_due in list(due):
        with transaction.atomic():
            claimed = WorkOrder.objects.filter(pk=pk, status=Status.DISPATCHED, accept_due=accept_due).update(
                accept_due=None)
            if claimed != 1:
                continue
            order = services._lock(WorkOrder(pk=pk))
            WorkOrderEvent.objects.create(order=order, kind=Event.OVERDUE, from_status=order.status,
                                          to_status=order.status, at=now, note=_("超过签收时限未签收"),
                                          data={"kind": "accept"})
            try:
                services._escalate(order, actor=system_actor(), reason=_("超时未签收，自动升级"), now=now)
                result.escalated.append(order.code)
            except ValidationError:
                order.overdue = True
                order.save(update_fields=["overdue"])
                summary.moved(order)
                notify(users=services._managers(order), order=order,
                       title=_("工单 %(code)s 超时未签收（已在街道层级）") % {"code": order.code})
                result.overdue.append(order.code)


def _reply_overdue(now, result):
    """Not replied in time: mark overdue, notify the handlers and the admins, escalate one level."""
    due = WorkOrder.objects.filter(_reply_due(now)).values_list("pk", flat=True)[:BATCH]
    for pk in list(due):
        with transaction.atomic():
            if not claim_reply_overdue(pk, now):
                continue  # another process took it, or escalated it since the list was read
            order = services._lock(WorkOrder(pk=pk))
            # the claim set the flag: the order moves from the row it counted in without it
            summary.shift(summary.key_of(order, overdue=False), summary.key_of(order))
            WorkOrderEvent.objects.create(order=order, kind=Event.OVERDUE, from_status=order.status,
                                          to_status=order.status, at=now, note=_("超过办结时限"),
                                          data={"kind": "reply"})
            notify(users=services._handlers(order) + services._managers(order), order=order,
                   title=_("工单 %(code)s 已超期") % {"code": order.code})
            result.overdue.append(order.code)
            try:
                services._escalate(order, actor=system_actor(), reason=_("超期未办结，自动升级"), now=now)
                result.escalated.append(order.code)
            except ValidationError:
                pass  # already at the street: stays overdue on the street's overdue board
