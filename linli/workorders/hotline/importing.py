"""Importing 12345 records as work orders (who may, and one record at a time)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from linli.core.uploads import clip
from linli.people.actors import is_system
from linli.people.registry_io import cell_text
from linli.people.scopes import scope_for
from linli.places.models import Division
from linli.workorders import services
from linli.workorders.models import Channel, Kind, WorkOrder

from .fields import KIND_BY_LABEL, ImportResult, Item
from .matching import PlaceIndex, map_category
from .reading import parse_datetime, parse_reply_due, read_rows

# -- import -------------------------------------------------------------------------------------------


def allowed_streets(user):
    """Streets an import may file orders in: all of them for the system (the CLI), else the caller's admin area;
    none for nobody (``None``)."""
    streets = Division.objects.filter(level=Division.Level.STREET).select_related("parent")
    if user is None:
        return []
    if is_system(user):
        return list(streets)
    scope = scope_for(user)
    if not scope.admin_paths:
        return []
    q = Q()
    for path in scope.admin_paths:
        q |= Q(path__startswith=path)
    return list(streets.filter(q))


def _text(record, key) -> str:
    return cell_text(record.get(key)).strip()


def import_orders(records: list[tuple[int, dict]], *, actor, dry_run: bool = False, now=None) -> ImportResult:
    """Create a hotline work order for each new record; report every record as created, duplicate or rejected."""
    if actor is None:
        raise PermissionDenied(gettext("导入须由具体账号或系统执行"))
    now = now or timezone.now()
    result = ImportResult(dry_run=dry_run)
    index = PlaceIndex(allowed_streets(actor))
    ids = [_text(r, "external_id") for _n, r in records]
    known = set(WorkOrder.objects.filter(channel=Channel.HOTLINE, external_id__in=[i for i in ids if i])
                .values_list("external_id", flat=True))
    seen: set[str] = set()
    for number, record in records:
        item = _import_one(number, record, index=index, known=known, seen=seen, actor=actor, dry_run=dry_run, now=now)
        result.items.append(item)
    return result


def _import_one(number, record, *, index, known, seen, actor, dry_run, now) -> Item:
    external_id = _text(record, "external_id")
    item = Item(row=number, external_id=external_id, status="rejected")
    if not external_id:
        item.reason = "缺少工单编号"
        return item
    if len(external_id) > 64:
        item.reason = "工单编号超过 64 个字符"
        return item
    if external_id in known or external_id in seen:
        item.status = "duplicate"
        item.reason = "已导入过（工单编号重复），未作改动" if external_id in known else "文件中重复出现，只导入第一条"
        existing = WorkOrder.objects.filter(channel=Channel.HOTLINE, external_id=external_id).values_list(
            "code", flat=True).first()
        item.code = existing or ""
        return item
    title = _text(record, "title")
    text = _text(record, "text") or title
    if not text:
        item.reason = "缺少主要内容"
        return item
    try:
        received_at, _had_time = parse_datetime(record.get("received_at"))
    except ValueError:
        item.reason = f"来电时间“{clip(_text(record, 'received_at'))}”无法识别"
        return item
    received_at = received_at or now
    try:
        reply_due = parse_reply_due(record.get("reply_due"), received_at)
    except ValueError:
        item.reason = f"办理时限“{clip(_text(record, 'reply_due'))}”无法识别"
        return item
    street, why = index.street(record.get("street"))
    if street is None:
        item.reason = why
        return item
    community = index.community(street, record.get("community"))
    estate = index.estate(street, community, record.get("estate"))
    if estate is not None:
        place = services.resolve_place(estate=estate)
    else:
        place = services.Place(street=street, community=community)
    category, subcategory = map_category(record.get("category"))
    kind = KIND_BY_LABEL.get(_text(record, "kind"), Kind.COMPLAINT)
    urgent = _text(record, "urgent") in ("紧急", "是", "特急", "加急", "1", "true", "True")
    needs_triage = estate is None
    address = " ".join(p for p in (_text(record, "community"), _text(record, "estate")) if p)[:200]
    item.needs_triage = needs_triage
    seen.add(external_id)
    if dry_run:
        item.status = "created"
        return item
    try:
        with transaction.atomic():
            order = services.workorder_create(
                channel=Channel.HOTLINE, external_id=external_id, kind=kind, title=title[:120], text=text,
                contact_name=_text(record, "contact_name")[:60], contact_phone=_text(record, "contact_phone")[:20],
                place=place, address=address, category=category, subcategory=subcategory, urgent=urgent,
                received_at=received_at, reply_due=reply_due, needs_triage=needs_triage, actor=actor, now=now,
                triage={"hotline_category": _text(record, "category")} if _text(record, "category") else None,
            )
    except IntegrityError:
        # Pushed twice at the same moment: the other request created it.
        item.status = "duplicate"
        item.reason = "已导入过（工单编号重复），未作改动"
        return item
    except ValidationError as e:
        item.reason = "；".join(e.messages)
        return item
    item.status = "created"
    item.code = order.code
    item.reason = "" if not needs_triage else "未能匹配到小区，已建在街道/社区层级，待人工分拣"
    return item


def import_file(data: bytes, filename: str, *, actor, dry_run: bool = False, now=None) -> ImportResult:
    return import_orders(read_rows(data, filename), actor=actor, dry_run=dry_run, now=now)
