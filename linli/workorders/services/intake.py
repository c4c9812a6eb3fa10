"""Intake from every channel: the place, the triage proposal, repeats, and ``workorder_create``."""

import datetime
import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.choices import label
from linli.people.actors import system_actor
from linli.triage import services as triage_services
from linli.triage.engine import repeats
from linli.workorders import routing, summary
from linli.workorders.models import (
    LEVEL_ORDER,
    OPEN_STATUSES,
    Attachment,
    Channel,
    Level,
    Status,
    Tier,
    WorkOrder,
    WorkOrderEvent,
)

from .common import Event, logger, set_deadlines
from .dispatch import _dispatch_event, _notify_dispatch

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
    called in the last days (重复来电). Proposals only: a person merges. Called before the new order is written.

    The candidates are read as plain rows and handed to the repeat check as its own items (no model instances,
    no generic conversion): with 40 candidates that conversion cost more than the comparison itself."""
    since = now - datetime.timedelta(days=repeats.DAYS)
    fields = ("id", "code", "text", "estate_id", "building_id", "received_at", "contact_phone", "category")
    rows = []
    if order.estate_id:
        rows = list(WorkOrder.objects.filter(estate_id=order.estate_id, received_at__gte=since,
                                             status__in=OPEN_STATUSES)
                    .order_by("-received_at").values_list(*fields)[:REPEAT_CANDIDATES])
    if order.contact_phone:
        seen = {r[0] for r in rows}
        rows += [r for r in WorkOrder.objects.filter(contact_phone=order.contact_phone, received_at__gte=since)
                 .order_by("-received_at").values_list(*fields)[:REPEAT_CANDIDATES]
                 if r[0] not in seen]
    if not rows:
        return {}
    codes = {r[0]: r[1] for r in rows}
    candidates = [repeats.Item(id=pk, text=text or "", estate=estate, building=building, created=received,
                               phone=phone or "", category=category or "")
                  for pk, _code, text, estate, building, received, phone, category in rows]
    found = triage_services.propose_repeats(
        repeats.Item(id=None, text=order.text, estate=order.estate_id, building=order.building_id,
                     created=order.received_at, phone=order.contact_phone or "", category=order.category or ""),
        candidates, now=now)
    out = {}
    if found["proposals"]:
        out["repeats"] = [{"code": codes[p["id"]], "score": p["score"], "reasons": p["reasons"]}
                          for p in found["proposals"][:5]]
    if found["repeated_caller"]:
        out["repeated_caller"] = [codes[i] for i in found["caller_items"][:5] if i in codes]
    return out


def _next_id(order) -> int | None:
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        # the same statement counts the new order in the work-in-hand summary (the intake's statement budget)
        cursor.execute(*summary.next_id_counted(WorkOrder._meta.db_table, order))
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
    order.pk = _next_id(order)
    if order.pk is not None:
        order.code = _code(order)
        order.save(force_insert=True)
    else:
        order.save(force_insert=True)
        order.code = _code(order)
        WorkOrder.objects.filter(pk=order.pk).update(code=order.code)
        summary.moved(order)  # one more order in hand (PostgreSQL: counted with the row number)
    create_data = {"channel": channel}
    create_note = _("渠道：%(c)s") % {"c": label(Channel, channel)}  # the label as get_channel_display gives it
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
