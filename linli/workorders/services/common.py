"""What the steps share: the state machine's transitions, locking, events, recipients and time limits."""

import datetime
import logging

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.core.errors import Conflict
from linli.core.memo import Memo
from linli.notify.services import recipients
from linli.people.models import User
from linli.people.scopes import ADMIN_ROLES, DIVISION_ORG_KINDS
from linli.workorders import calendar, summary
from linli.workorders.models import (
    OPEN_STATUSES,
    Attachment,
    Channel,
    Satisfaction,
    Status,
    TimeLimit,
    WorkOrder,
    WorkOrderEvent,
)

Event = WorkOrderEvent.Type
logger = logging.getLogger("linli.workorders.services")

# action → the statuses it may start from (and the status it leads to, or None to keep the status)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str | None]] = {
    "dispatch": ((Status.RECEIVED, Status.DISPATCHED), Status.DISPATCHED),
    "accept": ((Status.DISPATCHED,), Status.ACCEPTED),
    "start": ((Status.ACCEPTED,), Status.IN_PROGRESS),
    "return": ((Status.DISPATCHED, Status.ACCEPTED), Status.RECEIVED),
    "reply": ((Status.ACCEPTED, Status.IN_PROGRESS), Status.REPLIED),
    "visit": ((Status.REPLIED,), Status.VISITED),
    "close": ((Status.VISITED,), Status.CLOSED),
    "reopen": ((Status.REPLIED, Status.VISITED, Status.CLOSED), Status.DISPATCHED),
    "request_extension": ((Status.ACCEPTED, Status.IN_PROGRESS), None),
    "decide_extension": ((Status.ACCEPTED, Status.IN_PROGRESS), None),
    "supervise": ((Status.DISPATCHED, Status.ACCEPTED, Status.IN_PROGRESS), None),
    "escalate": (OPEN_STATUSES, Status.DISPATCHED),
    "merge": (OPEN_STATUSES, Status.MERGED),
    "cancel": (OPEN_STATUSES, Status.CANCELLED),
    "reclassify": (OPEN_STATUSES, None),
}

# Lazy: the module is imported once, the labels are shown in the language of each request.
ACTION_LABELS = {
    "dispatch": gettext_lazy("派单"), "accept": gettext_lazy("签收"), "start": gettext_lazy("开始办理"),
    "return": gettext_lazy("退单"), "reply": gettext_lazy("办结反馈"), "visit": gettext_lazy("回访"),
    "close": gettext_lazy("结案"), "reopen": gettext_lazy("重办"), "request_extension": gettext_lazy("申请延期"),
    "decide_extension": gettext_lazy("审批延期"), "supervise": gettext_lazy("督办"), "escalate": gettext_lazy("升级"),
    "merge": gettext_lazy("合并"), "cancel": gettext_lazy("撤销"), "reclassify": gettext_lazy("分拣"),
}

DEFAULT_LIMITS = {False: (2, 5, 0), True: (1, 0, 24)}  # urgent → (accept hours, reply working days, reply hours)


class IllegalStep(Conflict):
    """A step the order's status does not allow; the message says why, in Chinese (API: 409, ``illegal_step``)."""

    default_code = "illegal_step"


def _check_status(order: WorkOrder, action: str) -> None:
    allowed, _target = TRANSITIONS[action]
    if order.status not in allowed:
        raise IllegalStep(
            _("工单当前状态为「%(status)s」，不能%(action)s。") % {
                "status": order.get_status_display(), "action": ACTION_LABELS[action]}
        )


# -- who may do what: linli/workorders/permissions.py (re-exported here for the pages and the API) -------------


# -- plumbing -------------------------------------------------------------------------------------


def _lock(order: WorkOrder) -> WorkOrder:
    """Re-read the order under a row lock so that two steps on one order are serialised."""
    # of=("self",): PostgreSQL cannot lock the nullable side of the outer joins that select_related adds.
    # The key it counts in, for the work-in-hand summary (``summary.moved`` after the step saves it).
    return summary.remember(WorkOrder.objects.select_for_update(of=("self",)).select_related(
        "assignee_org", "assignee_org__division", "community", "street", "estate"
    ).get(pk=order.pk))


def _event(order, type_, *, actor, from_status="", note="", data=None, files=(), now=None) -> WorkOrderEvent:
    event = WorkOrderEvent.objects.create(
        order=order, kind=type_, from_status=from_status, to_status=order.status, actor=actor,
        at=now or timezone.now(), note=note, data=data or {},
    )
    for f in files:
        Attachment.objects.create(order=order, event=event, file=f)
    return event


# The people who act for an organisation, with what a notification needs of each (``recipients``): read at every
# dispatch (every routed intake), changed rarely. Another process sees a new member, a deactivated account or a
# changed channel within ``ttl`` seconds; the process that saved it at once.
handlers_memo = Memo("handlers by organisation", ttl=10, watch=[
    "people.Membership", "people.User", "people.Person", "people.Organization",
    "notify.ChannelPreference", "notify.WeChatBinding"])


def org_handlers(org) -> list[User]:
    """The active users of ``org``; a committee or centre also acts through the admins of its division."""
    def load():
        q = Q(memberships__organization=org)
        if org.kind in DIVISION_ORG_KINDS and org.division_id:
            q |= Q(memberships__division=org.division_id, memberships__role__in=ADMIN_ROLES)
        return list(recipients(User.objects.filter(q, is_active=True).distinct()))

    return handlers_memo.get((org.pk, org.kind, org.division_id), load)


def _handlers(order) -> list[User]:
    users = []
    if order.assignee_user_id:
        users.append(order.assignee_user)
    if order.assignee_org is not None:
        users += [u for u in org_handlers(order.assignee_org) if u not in users]
    return users


def _managers(order) -> list[User]:
    divisions = [d for d in (order.community_id, order.street_id) if d]
    return list(recipients(User.objects.filter(memberships__division__in=divisions, memberships__role__in=ADMIN_ROLES,
                                               is_active=True).distinct()))


def _reporter_users(order) -> list[User]:
    users = []
    if order.reporter_id:
        users += list(recipients(User.objects.filter(person_id=order.reporter_id, is_active=True)))
    if order.created_by_id and order.channel == Channel.RESIDENT:
        users.append(order.created_by)
    return users


# Kept in Django's cache behind each process; the admin, their only writer, clears it (linli/core/memo.py).
limits_memo = Memo("time limits", ttl=10, shared=True)


def time_limits(order: WorkOrder) -> tuple[int, int, int]:
    """(accept hours, reply working days, reply hours) for the order, most specific row first."""
    rows = limits_memo.get(order.street_id, lambda: list(
        TimeLimit.objects.filter(Q(street_id=order.street_id) | Q(street__isnull=True))))
    best = None
    for row in rows:
        if row.urgent != order.urgent or row.category not in ("", order.category):
            continue
        rank = (row.street_id is not None, row.category != "")
        if best is None or rank > best[0]:
            best = (rank, row)
    if best is None:
        return DEFAULT_LIMITS[order.urgent]
    row = best[1]
    return row.accept_hours, row.reply_working_days, row.reply_hours


def set_deadlines(order: WorkOrder, now: datetime.datetime) -> None:
    """Sign and reply deadlines from the time limits, counted from ``now``. A deadline the source channel set
    (12345's 办理时限) binds the reply until the order is reopened."""
    accept_hours, reply_days, reply_hours = time_limits(order)
    order.accept_due = now + datetime.timedelta(hours=accept_hours)
    if order.source_reply_due is not None and not order.reopen_count:
        order.reply_due = order.source_reply_due
    elif reply_hours:
        order.reply_due = now + datetime.timedelta(hours=reply_hours)
    else:
        order.reply_due = calendar.add_working_days(now, reply_days)
    order.reminded = False
    order.overdue = False


# -- a joint meeting's task order answers to the order the meeting was about ----------------------------------
# A joint meeting (吹哨报到, 北京市接诉即办工作条例 第十六条) gives a department a task as a work order of channel
# ``joint_meeting``. The meeting's service writes a ``joint_meeting`` event with ``step: "task"`` on that order whose
# data names the meeting and the order it is about (``about``). The work-order steps read that generic data (this
# app does not import the meetings app) and write each answer of the task — reply, the street's check, closing,
# return, reopening, cancelling — on the order it is about, so that its timeline shows the loop closing.

ECHOED_STEPS = {
    "reply": gettext_lazy("办结反馈"), "visit": gettext_lazy("验收"), "close": gettext_lazy("已结案"),
    "return": gettext_lazy("退单"), "reopen": gettext_lazy("重办"), "cancel": gettext_lazy("已撤销"),
}


def is_task_order(order: WorkOrder) -> bool:
    """A joint meeting's task: no resident reported it; the convening street is the one who checks it."""
    return order.channel == Channel.JOINT_MEETING and not order.reporter_id


def task_origin(order: WorkOrder) -> dict | None:
    """The data of the meeting's ``task`` event on a task order (meeting, title, about, department), or None."""
    if order.channel != Channel.JOINT_MEETING:
        return None
    event = (order.events.filter(kind=WorkOrderEvent.Type.JOINT_MEETING, data__step="task")
             .order_by("at", "id").first())
    return event.data if event is not None else None


def _echo_to_parent(order: WorkOrder, action: str, *, actor, note: str = "", department=None, now=None):
    """Write ``action`` of a task order on the order its meeting was about (an append-only ``joint_meeting``
    event; the parent's status does not change). Nothing for other orders or a task about no order."""
    if action not in ECHOED_STEPS:
        return None
    origin = task_origin(order)
    if not origin or not origin.get("about"):
        return None
    parent = WorkOrder.objects.filter(pk=origin["about"]).first()
    if parent is None:
        return None
    department = department or order.assignee_org
    if action == "visit":
        verdict = _("已解决") if order.solved else _("未解决")
        note = "，".join(str(x) for x in (verdict, dict(Satisfaction.choices).get(order.satisfaction, ""), note) if x)
    text = _("任务工单 %(code)s（%(dept)s）%(step)s") % {
        "code": order.code, "dept": department or "—", "step": ECHOED_STEPS[action]}
    if note:
        text += f"：{note}"
    return WorkOrderEvent.objects.create(
        order=parent, kind=WorkOrderEvent.Type.JOINT_MEETING, from_status=parent.status, to_status=parent.status,
        actor=actor, at=now or timezone.now(), note=text[:2000],
        data={"meeting": origin.get("meeting"), "title": origin.get("title", ""), "step": f"task_{action}",
              "task": order.pk, "task_code": order.code, "task_status": order.status,
              "department": department.pk if department is not None else None},
    )
