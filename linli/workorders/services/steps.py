"""The steps of a work order after dispatch: accept, reply, visit, close, reopen, extend, escalate, merge …"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.people.actors import system_actor
from linli.workorders import calendar, routing, summary
from linli.workorders.models import (
    Channel,
    Satisfaction,
    Status,
    WorkOrder,
)
from linli.workorders.notify import notify
from linli.workorders.permissions import can_handle, can_manage, can_rate
from linli.workorders.permissions import require as _require

from .common import (
    TRANSITIONS,
    Event,
    IllegalStep,
    _check_status,
    _echo_to_parent,
    _event,
    _handlers,
    _lock,
    _managers,
    _reporter_users,
    is_task_order,
    set_deadlines,
)
from .dispatch import _dispatch


def _step(action: str, order: WorkOrder, *, actor, check, note="", data=None, files=(), now=None, event_type=None,
          **changes):
    order = _lock(order)
    _check_status(order, action)
    _require(check(actor, order))
    before = order.status
    department = order.assignee_org
    target = TRANSITIONS[action][1]
    if target:
        order.status = target
    for key, value in changes.items():
        setattr(order, key, value)
    order.save()
    summary.moved(order)
    _event(order, event_type or action, actor=actor, from_status=before, note=note, data=data or {}, files=files,
           now=now)
    if order.channel == Channel.JOINT_MEETING:  # a meeting's task answers to the order it is about
        _echo_to_parent(order, action, actor=actor, note=note, department=department, now=now)
    return order


@transaction.atomic
def workorder_accept(*, order, actor, note: str = "", now=None) -> WorkOrder:
    now = now or timezone.now()
    return _step("accept", order, actor=actor, check=can_handle, note=note, now=now, accepted_at=now)


@transaction.atomic
def workorder_start(*, order, actor, note: str = "", now=None) -> WorkOrder:
    return _step("start", order, actor=actor, check=can_handle, note=note, now=now)


@transaction.atomic
def workorder_return(*, order, actor, reason: str, now=None) -> WorkOrder:
    """退单: the assignee sends it back with a reason; it waits for a new dispatch."""
    if not (reason or "").strip():
        raise ValidationError({"reason": _("退单必须说明理由")})
    order = _step("return", order, actor=actor, check=can_handle, note=reason, now=now,
                  data={"org": order.assignee_org_id}, assignee_org=None, assignee_user=None, accept_due=None,
                  reply_due=None, needs_triage=True)
    notify(users=_managers(order), order=order, title=_("工单 %(code)s 被退单") % {"code": order.code}, body=reason)
    return order


@transaction.atomic
def workorder_reply(*, order, actor, text: str, files=(), now=None) -> WorkOrder:
    """办结反馈: the result, with photos; the order waits for the callback."""
    if not (text or "").strip():
        raise ValidationError({"text": _("请填写办理结果")})
    now = now or timezone.now()
    order = _step("reply", order, actor=actor, check=can_handle, note=text, files=files, now=now,
                  reply_text=text, replied_at=now)
    if is_task_order(order):
        # No resident to rate it: the convening street checks the department's work (验收).
        notify(users=_managers(order), order=order,
               title=_("任务工单 %(code)s 已办结反馈，请召集街道验收") % {"code": order.code}, body=text)
        return order
    # The resident who reported it reads plain words (workorders/plain.py); the managers the trade's.
    reporters = _reporter_users(order)
    notify(users=reporters, order=order,
           title=_("您反映的问题已处理完，请评价（%(code)s）") % {"code": order.code}, body=text)
    notify(users=[u for u in _managers(order) if u.pk not in {r.pk for r in reporters}], order=order,
           title=_("工单 %(code)s 已办结，请评价") % {"code": order.code}, body=text)
    return order


@transaction.atomic
def workorder_visit(*, order, actor, solved: bool, satisfaction: str, reached: bool = True, note: str = "",
                    now=None) -> WorkOrder:
    """回访: was the resident reached, was it solved, how satisfied. Not satisfied or not solved → 重办.

    A joint meeting's task order has no reporter: its callback is the convening street's check (验收) of the
    department's work, and ``reached`` (was the reporter reached) is recorded as None, not as a call that never
    happened (北京市接诉即办工作条例 第二十三条 calls back the 诉求人; a task has none)."""
    if satisfaction not in Satisfaction.values:
        raise ValidationError({"satisfaction": _("请选择满意度")})
    now = now or timezone.now()
    if is_task_order(order):
        reached = None
    order = _step("visit", order, actor=actor, check=can_rate, note=note, now=now,
                  data={"solved": solved, "satisfaction": satisfaction, "reached": reached},
                  solved=solved, satisfaction=satisfaction, reached=reached)
    if satisfaction == Satisfaction.UNSATISFIED or not solved:
        return _reopen(order, actor=system_actor(), reason=_("回访不满意或未解决，自动重办"), now=now)
    return order


@transaction.atomic
def workorder_close(*, order, actor, note: str = "", now=None) -> WorkOrder:
    now = now or timezone.now()
    return _step("close", order, actor=actor, check=can_manage, note=note, now=now, closed_at=now)


def _reopen(order, *, actor, reason, now=None):
    now = now or timezone.now()
    order = _lock(order)
    before = order.status
    order.status = Status.DISPATCHED
    order.reopen_count += 1
    order.dispatched_at = now
    set_deadlines(order, now)
    order.save()
    summary.moved(order)
    _event(order, Event.REOPEN, actor=actor, from_status=before, note=reason, now=now,
           data={"reopen_count": order.reopen_count})
    if order.channel == Channel.JOINT_MEETING:
        _echo_to_parent(order, "reopen", actor=actor, note=reason, now=now)
    notify(users=_handlers(order), order=order, title=_("工单 %(code)s 重办") % {"code": order.code}, body=reason)
    return order


@transaction.atomic
def workorder_reopen(*, order, actor, reason: str, now=None) -> WorkOrder:
    """重办: back to the same organisation with fresh deadlines."""
    order = _lock(order)
    _check_status(order, "reopen")
    _require(can_manage(actor, order))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("重办必须说明理由")})
    return _reopen(order, actor=actor, reason=reason, now=now)


@transaction.atomic
def workorder_request_extension(*, order, actor, days: int, reason: str, now=None) -> WorkOrder:
    if order.extension_pending:
        raise IllegalStep(_("已有延期申请等待审批"))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("申请延期必须说明理由")})
    if not 1 <= int(days) <= 30:
        raise ValidationError({"days": _("延期天数应为 1 到 30 个工作日")})
    order = _step("request_extension", order, actor=actor, check=can_handle, note=reason, now=now,
                  data={"days": int(days)}, extension_pending=True)
    notify(users=_managers(order), order=order, title=_("工单 %(code)s 申请延期 %(d)s 个工作日") % {
        "code": order.code, "d": days}, body=reason)
    return order


@transaction.atomic
def workorder_decide_extension(*, order, actor, approve: bool, note: str = "", now=None) -> WorkOrder:
    locked = _lock(order)
    if not locked.extension_pending:
        raise IllegalStep(_("没有待审批的延期申请"))
    request = locked.events.filter(kind=Event.REQUEST_EXTENSION).order_by("-at", "-id").first()
    days = request.data.get("days", 0) if request else 0
    changes = {"extension_pending": False}
    if approve:
        changes["reply_due"] = calendar.add_working_days(locked.reply_due or timezone.now(), days)
        changes["overdue"] = False
    order = _step("decide_extension", locked, actor=actor, check=can_manage, note=note, now=now,
                  event_type=Event.APPROVE_EXTENSION if approve else Event.REJECT_EXTENSION, data={"days": days},
                  **changes)
    notify(users=_handlers(order), order=order, title=(_("延期已批准") if approve else _("延期被驳回")) + f" {order.code}")
    return order


@transaction.atomic
def workorder_supervise(*, order, actor, note: str, now=None) -> WorkOrder:
    """督办: an admin presses an overdue (or any running) order."""
    order = _step("supervise", order, actor=actor, check=can_manage, note=note, now=now, supervised=True)
    notify(users=_handlers(order), order=order, title=_("工单 %(code)s 被督办") % {"code": order.code}, body=note)
    return order


@transaction.atomic
def workorder_escalate(*, order, actor, reason: str, now=None) -> WorkOrder:
    """Up one level (楼栋 → 小区 → 社区 → 街道) and re-routed there; fresh deadlines."""
    order = _lock(order)
    _check_status(order, "escalate")
    _require(can_manage(actor, order))
    return _escalate(order, actor=actor, reason=reason, now=now)


def _escalate(order, *, actor, reason, now=None):
    now = now or timezone.now()
    level = routing.next_level(order.level)
    if level is None:
        raise IllegalStep(_("工单已在街道层级，不能再升级；请召集吹哨报到联席会议"))
    found = routing.route(order, level=level)
    order.level = level
    order.supervised = False
    if found.organization is None:
        before = order.status
        order.status = Status.RECEIVED
        order.assignee_org = None
        order.assignee_user = None
        order.needs_triage = True
        order.save()
        summary.moved(order)
        _event(order, Event.ESCALATE, actor=actor, from_status=before, note=reason, now=now,
               data={"level": level, "to": None})
        notify(users=_managers(order), order=order, title=_("工单 %(code)s 升级后需人工派单") % {"code": order.code})
        return order
    order.save(update_fields=["level", "supervised"])
    return _dispatch(order, to=found.organization, actor=actor, note=f"{reason}（{found.reason}）", now=now,
                     event_type=Event.ESCALATE)


@transaction.atomic
def workorder_merge(*, order, into: WorkOrder, actor, note: str = "", now=None) -> WorkOrder:
    if into.pk == order.pk:
        raise ValidationError({"into": _("不能合并到自身")})
    if into.status in (Status.MERGED, Status.CANCELLED):
        raise ValidationError({"into": _("目标工单已合并或撤销")})
    return _step("merge", order, actor=actor, check=can_manage, note=note or _("合并到 %(c)s") % {"c": into.code},
                 data={"into": into.pk, "into_code": into.code}, now=now, duplicate_of=into)


@transaction.atomic
def workorder_cancel(*, order, actor, reason: str, now=None) -> WorkOrder:
    if not (reason or "").strip():
        raise ValidationError({"reason": _("撤销必须说明理由")})
    return _step("cancel", order, actor=actor, check=can_manage, note=reason, now=now)


@transaction.atomic
def workorder_reclassify(*, order, actor, category: str, subcategory: str = "", tier: str | None = None,
                         level: str | None = None, urgent: bool | None = None, now=None) -> WorkOrder:
    """A person confirms or corrects the category, tier, level and urgency (the human triage queue)."""
    changes = {"category": category, "subcategory": subcategory}
    if tier:
        changes["tier"] = tier
    if level:
        changes["level"] = level
    if urgent is not None:
        changes["urgent"] = urgent
    previous = {k: getattr(order, k) for k in changes}
    return _step("reclassify", order, actor=actor, check=can_manage, now=now,
                 data={"before": previous, "after": changes}, **changes)


def allowed_actions(user, order: WorkOrder) -> list[str]:
    """The steps ``user`` may take on ``order`` now (for buttons on pages and in the API)."""
    out = []
    checks = {
        "dispatch": can_manage, "accept": can_handle, "start": can_handle, "return": can_handle, "reply": can_handle,
        "visit": can_rate, "close": can_manage, "reopen": can_manage, "request_extension": can_handle,
        "decide_extension": can_manage, "supervise": can_manage, "escalate": can_manage, "merge": can_manage,
        "cancel": can_manage, "reclassify": can_manage,
    }
    for action, check in checks.items():
        if order.status not in TRANSITIONS[action][0]:
            continue
        if action == "request_extension" and order.extension_pending:
            continue
        if action == "decide_extension" and not order.extension_pending:
            continue
        if action == "escalate" and routing.next_level(order.level) is None:
            continue
        if check(user, order):
            out.append(action)
    return out
