"""The work-order state machine. Every step is one function: it checks who may take it and whether the order's
status allows it, changes the order in a transaction, writes the append-only event and notifies.

    received → dispatched → accepted → in_progress → replied → visited → closed
    returned (退单) → received; reopened (重办) → dispatched; merged; cancelled
"""

import datetime
import logging
import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.core.memo import Memo
from linli.people.actors import system_actor
from linli.people.models import Membership, Organization, User
from linli.people.scopes import ADMIN_ROLES, DIVISION_ORG_KINDS
from linli.triage import services as triage_services
from linli.triage.engine import repeats
from linli.workorders import calendar, routing
from linli.workorders.models import (
    LEVEL_ORDER,
    OPEN_STATUSES,
    Attachment,
    Channel,
    Level,
    Satisfaction,
    Status,
    Tier,
    TimeLimit,
    WorkOrder,
    WorkOrderEvent,
)
from linli.workorders.notify import notify
from linli.workorders.permissions import (  # noqa: F401 (re-exported: s.can_manage …)
    can_call_back,
    can_handle,
    can_manage,
    can_rate,
    is_reporter,
)
from linli.workorders.permissions import require as _require

Event = WorkOrderEvent.Type
logger = logging.getLogger(__name__)

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


class IllegalStep(ValidationError):
    """A step the order's status does not allow; the message says why, in Chinese."""


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
    return WorkOrder.objects.select_for_update(of=("self",)).select_related(
        "assignee_org", "assignee_org__division", "community", "street", "estate"
    ).get(pk=order.pk)


def _event(order, type_, *, actor, from_status="", note="", data=None, files=(), now=None) -> WorkOrderEvent:
    event = WorkOrderEvent.objects.create(
        order=order, kind=type_, from_status=from_status, to_status=order.status, actor=actor,
        at=now or timezone.now(), note=note, data=data or {},
    )
    for f in files:
        Attachment.objects.create(order=order, event=event, file=f)
    return event


def _handlers(order) -> list[User]:
    users = []
    if order.assignee_user_id:
        users.append(order.assignee_user)
    org = order.assignee_org
    if org is not None:
        # The organisation's people; a committee or centre also acts through the admins of its division.
        q = Q(memberships__organization=org)
        if org.kind in DIVISION_ORG_KINDS and org.division_id:
            q |= Q(memberships__division=org.division_id, memberships__role__in=ADMIN_ROLES)
        users += [u for u in User.objects.filter(q, is_active=True).distinct() if u not in users]
    return users


def _managers(order) -> list[User]:
    divisions = [d for d in (order.community_id, order.street_id) if d]
    return list(User.objects.filter(memberships__division__in=divisions, memberships__role__in=ADMIN_ROLES,
                                    is_active=True).distinct())


def _reporter_users(order) -> list[User]:
    users = []
    if order.reporter_id:
        users += list(User.objects.filter(person_id=order.reporter_id, is_active=True))
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


# -- intake -----------------------------------------------------------------------------------------


@dataclass
class Place:
    street: object = None
    community: object = None
    estate: object = None
    building: object = None
    home: object = None


def resolve_place(*, estate=None, building=None, home=None, community=None, street=None) -> Place:
    """Fill the place from the most precise part given (a home gives its building, estate, community, street)."""
    if home is not None:
        building = home.building
    if building is not None:
        estate = building.estate
    if estate is not None:
        community = estate.community
    if community is not None:
        street = community.parent
    return Place(street=street, community=community, estate=estate, building=building, home=home)


def _place_level(place: Place) -> str:
    """The lowest level the place allows: a building (not a home) → 楼栋; an estate or a home → 小区; else the
    community or the street."""
    if place.estate is not None:
        return Level.BUILDING if place.building is not None and place.home is None else Level.ESTATE
    return Level.COMMUNITY if place.community is not None else Level.STREET


def _higher(a: str, b: str) -> str:
    return a if LEVEL_ORDER.index(a) >= LEVEL_ORDER.index(b) else b


def intake_triage(text: str, *, street=None) -> dict | None:
    """The triage engine's proposal for a new order, as stored on it (``WorkOrder.triage``); None when the engine
    cannot run (a missing or broken model file must never stop a resident's request from being received)."""
    try:
        result = triage_services.classify(text, street=street)
    except (OSError, ValueError, KeyError):
        logger.exception("triage failed; an order without a category goes to the human triage queue")
        return None
    explanation = result.get("explanation") or {}
    return {
        "source": "engine", "category": result["category"], "subcategory": result["subcategory"] or "",
        "confidence": result["confidence"], "tier": result["tier"] or "", "level": result["level"] or "",
        "urgent": result["urgent"], "uncertain": result["uncertain"], "keywords": result["keywords"][:8],
        "alternatives": explanation.get("alternatives", [])[:3], "urgency": explanation.get("urgency", []),
        "limit_hours": explanation.get("limit_hours"),
    }


REPEAT_CANDIDATES = 40  # open orders of the same estate compared with a new one (the most recent first)


def intake_repeats(order: WorkOrder, *, now) -> dict:
    """Open orders of the same estate in the last days that the new one may repeat, and whether its phone number
    called in the last days (重复来电). Proposals only: a person merges. Called before the new order is written."""
    since = now - datetime.timedelta(days=repeats.DAYS)
    fields = ("id", "code", "text", "estate_id", "building_id", "received_at", "contact_phone", "category")
    candidates = []
    if order.estate_id:
        candidates = list(WorkOrder.objects.filter(estate_id=order.estate_id, received_at__gte=since,
                                                   status__in=OPEN_STATUSES)
                          .order_by("-received_at").values(*fields)[:REPEAT_CANDIDATES])
    if order.contact_phone:
        seen = {c["id"] for c in candidates}
        candidates += [c for c in WorkOrder.objects.filter(contact_phone=order.contact_phone, received_at__gte=since)
                       .order_by("-received_at").values(*fields)[:REPEAT_CANDIDATES]
                       if c["id"] not in seen]
    if not candidates:
        return {}
    codes = {c["id"]: c["code"] for c in candidates}
    for c in candidates:
        c["phone"] = c.pop("contact_phone")
    found = triage_services.propose_repeats(
        {"id": None, "text": order.text, "estate_id": order.estate_id, "building_id": order.building_id,
         "received_at": order.received_at, "phone": order.contact_phone, "category": order.category},
        candidates, now=now)
    out = {}
    if found["proposals"]:
        out["repeats"] = [{"code": codes[p["id"]], "score": p["score"], "reasons": p["reasons"]}
                          for p in found["proposals"][:5]]
    if found["repeated_caller"]:
        out["repeated_caller"] = [codes[i] for i in found["caller_items"][:5] if i in codes]
    return out


def _next_id() -> int | None:
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [WorkOrder._meta.db_table])
        return cursor.fetchone()[0]


def _code(order) -> str:
    return f"{timezone.localtime(order.received_at):%Y%m%d}-{order.pk:04d}"


@transaction.atomic
def workorder_create(
    *,
    channel: str,
    text: str,
    actor=None,
    kind: str = "help",
    title: str = "",
    reporter=None,
    contact_name: str = "",
    contact_phone: str = "",
    anonymous: bool = False,
    place: Place | None = None,
    address: str = "",
    category: str = "",
    subcategory: str = "",
    tier: str = "",
    level: str = "",
    urgent: bool = False,
    external_id: str = "",
    received_at: datetime.datetime | None = None,
    reply_due: datetime.datetime | None = None,
    photos=(),
    auto_route: bool = True,
    triage: dict | None = None,
    classify: bool = True,
    needs_triage: bool = False,
    now: datetime.datetime | None = None,
) -> WorkOrder:
    """Receive a request from any channel: triage it, route it through the street's table and dispatch it at once;
    what the triage is unsure of, or the table cannot place, waits in the human triage queue (待分拣).

    What the caller gives wins over the triage: a category chosen by the resident or by staff stays (and the
    level follows the place, as chosen); the engine then only fills in the subcategory and tier when it agrees.
    Without a category the engine's confident proposal sets category, subcategory, tier and level. An urgent signal (gas, fire,
    people trapped …) makes the order urgent whatever the caller said. ``reply_due`` is a deadline the source set
    (12345's 办理时限): it binds the reply. ``triage``: what the source said about the matter (the hotline's own
    classification), stored beside the engine's proposal; ``classify=False`` skips the engine.
    """
    now = now or timezone.now()
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("请填写反映的内容")})
    if channel not in Channel.values:
        raise ValidationError({"channel": _("未知的渠道：%(c)s") % {"c": channel}})
    place = place or Place()
    if place.street is None and place.estate is None:
        raise ValidationError({"estate": _("请选择小区或所属街道")})
    if place.street is None:
        place = resolve_place(estate=place.estate, building=place.building, home=place.home)
    place_level = _place_level(place)
    proposal = None
    if classify:
        proposal = intake_triage(text, street=place.street)
        if proposal is None and not category:
            needs_triage = True  # nobody classified it and the engine could not: a person does
    if proposal:
        if not category:
            if proposal["uncertain"] or not proposal["category"]:
                needs_triage = True
            else:
                # The engine decides what nobody chose: the category, and with it the level where such a
                # matter is settled (never below what the place allows).
                category, subcategory = proposal["category"], proposal["subcategory"]
                if not level and proposal["level"] in LEVEL_ORDER:
                    level = _higher(place_level, proposal["level"])
        if proposal["category"] == category and not proposal["uncertain"]:
            subcategory = subcategory or proposal["subcategory"]
            tier = tier or proposal["tier"]
        urgent = urgent or proposal["urgent"]
    order = WorkOrder(
        code=f"tmp-{uuid.uuid4().hex[:18]}",
        channel=channel, external_id=external_id, kind=kind, title=title[:120], text=text,
        reporter=reporter, contact_name=contact_name, contact_phone=contact_phone, anonymous=anonymous,
        street=place.street, community=place.community, estate=place.estate, building=place.building, home=place.home,
        address=address, category=category, subcategory=subcategory, tier=tier or Tier.EASY,
        level=level or place_level, urgent=urgent, triage={**(triage or {}), **(proposal or {})}, needs_triage=needs_triage,
        received_at=received_at or now, source_reply_due=reply_due, created_by=actor, created_at=now,
    )
    found = routing.route(order) if auto_route and not needs_triage else None
    if found is not None and found.organization is not None:
        # Routed: the order is written once, already dispatched, with its deadlines.
        order.assignee_org = found.organization
        order.status = Status.DISPATCHED
        order.dispatched_at = now
        set_deadlines(order, now)
    else:
        order.needs_triage = order.needs_triage or auto_route
        order.reply_due = reply_due  # the source's deadline runs even while the order waits for a person
    if order.estate_id or order.contact_phone:
        found_repeats = intake_repeats(order, now=now)
        if found_repeats:
            order.triage = {**order.triage, **found_repeats}
    # A readable code from the day and the row number: unique, no daily cap, no counter to contend on. On
    # PostgreSQL the row number is drawn first so that the order is written once (every write of this row
    # touches all its indexes); elsewhere the code follows the insert.
    order.pk = _next_id()
    if order.pk is not None:
        order.code = _code(order)
        order.save(force_insert=True)
    else:
        order.save(force_insert=True)
        order.code = _code(order)
        WorkOrder.objects.filter(pk=order.pk).update(code=order.code)
    create_data = {"channel": channel}
    create_note = _("渠道：%(c)s") % {"c": order.get_channel_display()}
    if reply_due is not None:
        create_data["source_reply_due"] = reply_due.isoformat()
        create_note += _("；来源办理时限：%(t)s") % {"t": f"{timezone.localtime(reply_due):%Y-%m-%d %H:%M}"}
    events = [WorkOrderEvent(order=order, kind=Event.CREATE, to_status=Status.RECEIVED, actor=actor, at=now,
                             note=create_note, data=create_data)]
    if order.status == Status.DISPATCHED:
        events.append(_dispatch_event(order, Event.DISPATCH, actor=system_actor(), before=Status.RECEIVED, note=found.reason,
                                      now=now))
    events = WorkOrderEvent.objects.bulk_create(events)
    order._created_events = events  # the API answers from these without reading the order back
    order._created_attachments = [Attachment.objects.create(order=order, event=events[0], file=f) for f in photos]
    if order.status == Status.DISPATCHED:
        _notify_dispatch(order)
    return order


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


def _dispatch(order, *, to, person=None, actor, note="", now=None, event_type=Event.DISPATCH) -> WorkOrder:
    now = now or timezone.now()
    before = order.status
    order.assignee_org = to
    order.assignee_user = person
    order.status = Status.DISPATCHED
    order.dispatched_at = now
    order.needs_triage = False
    set_deadlines(order, now)
    order.save()
    event = _dispatch_event(order, event_type, actor=actor, before=before, note=note, now=now)
    event.save()
    _notify_dispatch(order)
    return order


@transaction.atomic
def workorder_dispatch(*, order: WorkOrder, to: Organization, actor, person=None, note: str = "",
                       now=None) -> WorkOrder:
    """Send the order to an organisation (and optionally one of its people); deadlines start now."""
    order = _lock(order)
    _check_status(order, "dispatch")
    internal = person is not None and to.pk == order.assignee_org_id and can_handle(actor, order)
    _require(can_manage(actor, order) or internal)
    if person is not None and not Membership.objects.filter(user=person, organization=to).exists() and to.kind not in DIVISION_ORG_KINDS:
        raise ValidationError({"person": _("承办人必须属于承办单位")})
    return _dispatch(order, to=to, person=person, actor=actor, note=note, now=now)


def _step(action: str, order: WorkOrder, *, actor, check, note="", data=None, files=(), now=None, event_type=None,
          **changes):
    order = _lock(order)
    _check_status(order, action)
    _require(check(actor, order))
    before = order.status
    target = TRANSITIONS[action][1]
    if target:
        order.status = target
    for key, value in changes.items():
        setattr(order, key, value)
    order.save()
    _event(order, event_type or action, actor=actor, from_status=before, note=note, data=data or {}, files=files,
           now=now)
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
    notify(users=_reporter_users(order) + _managers(order), order=order,
           title=_("工单 %(code)s 已办结，请评价") % {"code": order.code}, body=text)
    return order


@transaction.atomic
def workorder_visit(*, order, actor, solved: bool, satisfaction: str, reached: bool = True, note: str = "",
                    now=None) -> WorkOrder:
    """回访: was the resident reached, was it solved, how satisfied. Not satisfied or not solved → 重办."""
    if satisfaction not in Satisfaction.values:
        raise ValidationError({"satisfaction": _("请选择满意度")})
    now = now or timezone.now()
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
    _event(order, Event.REOPEN, actor=actor, from_status=before, note=reason, now=now,
           data={"reopen_count": order.reopen_count})
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
