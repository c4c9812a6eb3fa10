"""12345 hotline adapter: orders in (CSV, Excel, JSON or a pushed JSON body), replies out in the same columns.

One function, ``import_orders``, serves ``linli import-12345`` and ``POST /api/v1/hotline/orders/``. Every row
gets an answer: created, duplicate (its 工单编号 was imported before: nothing changes) or rejected with a
reason. A row whose street is known but whose community or estate cannot be matched is still created at the
street (or community) and queued for a person (needs_triage); only a row without a known street is rejected.

Place names are matched after ``linli.core.text.normalize`` (Traditional → Simplified, full-width → half-width),
so 「錦霞小區」 finds 锦霞小区. 问题分类 is mapped onto Linli's categories with ``data/hotline_category_map.csv``
(built from the three-level classification tree hotlines use); anything it does not know stays uncategorised.
"""

from __future__ import annotations

import csv
import datetime
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from linli.core.choices import values_by_chinese_label
from linli.core.exports import append_row, append_rows, csv_bytes, new_workbook, workbook_bytes
from linli.core.text import normalize
from linli.core.uploads import clip, max_bytes
from linli.people.actors import is_system
from linli.people.registry_io import FileError, cell_text, read_table
from linli.people.scopes import scope_for
from linli.places.models import Division, Estate
from linli.workorders import calendar, services
from linli.workorders.models import Channel, Kind, Status, WorkOrder

MAP_CSV = Path(__file__).parent / "data" / "hotline_category_map.csv"
MAX_ROWS = 20_000

# key → accepted headers (the first is the one written on export and documented); compared after _header_key.
FIELDS: dict[str, tuple[str, ...]] = {
    "external_id": ("工单编号", "工单号", "编号", "工单ID", "诉求编号", "案件编号", "order_id", "id"),
    "title": ("标题", "工单标题", "诉求标题", "title"),
    "text": ("主要内容", "诉求内容", "来电内容", "内容", "问题描述", "反映内容", "content"),
    "category": ("问题分类", "诉求分类", "问题类别", "分类", "业务分类", "category"),
    "received_at": ("来电时间", "受理时间", "登记时间", "来电日期", "派单时间", "received_at"),
    "street": ("被反映区/街乡镇", "街乡镇", "街道/乡镇", "被反映街乡镇", "所属街道", "街道", "乡镇", "street"),
    "community": ("社区", "社区/村", "所属社区", "社区(村)", "community"),
    "estate": ("小区点位", "小区", "点位", "小区名称", "详细地址", "地址", "estate", "address"),
    "contact_name": ("联系人", "来电人", "诉求人", "姓名", "contact_name"),
    "contact_phone": ("联系电话", "来电号码", "联系方式", "电话", "手机", "contact_phone"),
    "reply_due": ("办理时限", "办结时限", "时限", "截止时间", "reply_due"),
    "kind": ("诉求类型", "来电类型", "工单类型", "类型", "kind"),
    "urgent": ("紧急程度", "是否紧急", "urgent"),
}

EXPORT_HEADERS = ["工单编号", "办理结果", "回复内容", "办结时间", "办理单位"]
KIND_BY_LABEL = values_by_chinese_label(Kind)
STREET_SUFFIXES = ("街道办事处", "街道", "镇", "乡", "街")
COMMUNITY_SUFFIXES = ("社区居委会", "居委会", "社区", "村委会", "村")


def _header_key(text: str) -> str:
    text = normalize(text).replace(" ", "").lower()
    text = re.sub(r"\(.*?\)", "", text)  # "社区(村)" → "社区"; NFKC already turned （） into ()
    return text.strip("*:")


HEADER_LOOKUP = {_header_key(h): key for key, headers in FIELDS.items() for h in headers}


# -- results -----------------------------------------------------------------------------------------


@dataclass
class Item:
    """What happened to one row: created, duplicate or rejected (with the reason)."""

    row: int
    external_id: str
    status: str
    reason: str = ""
    code: str = ""
    needs_triage: bool = False

    def as_dict(self) -> dict:
        return {"row": self.row, "external_id": self.external_id, "status": self.status, "reason": self.reason,
                "code": self.code, "needs_triage": self.needs_triage}


@dataclass
class ImportResult:
    items: list[Item] = field(default_factory=list)
    dry_run: bool = False

    def count(self, status: str) -> int:
        return sum(1 for i in self.items if i.status == status)

    @property
    def rejected(self) -> list[Item]:
        return [i for i in self.items if i.status == "rejected"]

    def as_dict(self) -> dict:
        return {"dry_run": self.dry_run, "created": self.count("created"), "duplicates": self.count("duplicate"),
                "rejected": self.count("rejected"), "items": [i.as_dict() for i in self.items]}


# -- reading ----------------------------------------------------------------------------------------


def read_rows(data: bytes, filename: str) -> list[tuple[int, dict]]:
    """(row number as the hotline staff see it, raw record keyed by header) from .csv/.xlsx/.json bytes."""
    ext = Path(filename).suffix.lower()
    if len(data) > max_bytes("sheet"):  # the sheet cap of the upload gate, for JSON too
        raise FileError(gettext("文件过大（最大 %(mb)s MB），请拆分后分批导入")
                        % {"mb": max_bytes("sheet") // (1024 * 1024)})
    if ext == ".json":
        try:
            payload = json.loads(_decode_json(data))
        except ValueError as e:
            raise FileError(gettext("JSON 格式有误：%(error)s") % {"error": clip(e, 80)}) from e
        return records_from_json(payload)
    if ext not in (".csv", ".xlsx", ".xls"):
        raise FileError(gettext("只支持 .csv、.xlsx 和 .json 文件"))
    table = read_table(data, filename)
    while table and not any(cell_text(v) for v in table[0][1]):
        table.pop(0)
    if not table:
        return []
    _, header = table[0]
    keys = [HEADER_LOOKUP.get(_header_key(cell_text(h))) for h in header]
    if "external_id" not in keys:
        raise FileError(gettext("找不到“工单编号”列（表头必须在第一行）"))
    out = []
    for number, values in table[1:]:
        record = {}
        for key, value in zip(keys, values, strict=False):
            if key and key not in record:
                record[key] = value
        if any(cell_text(v) for v in record.values()):
            out.append((number, record))
    if len(out) > MAX_ROWS:
        raise FileError(gettext("一次最多导入 %(n)s 行") % {"n": MAX_ROWS})
    return out


def _decode_json(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030")


def records_from_json(payload) -> list[tuple[int, dict]]:
    """A JSON object or list of objects (or {"data"/"orders"/"items": [...]}) as numbered records (from 1)."""
    if isinstance(payload, dict):
        for key in ("orders", "items", "data", "records"):
            if isinstance(payload.get(key), list):
                payload = payload[key]
                break
        else:
            payload = [payload]
    if not isinstance(payload, list):
        raise FileError(gettext("JSON 应为一个工单对象或工单对象的列表"))
    if len(payload) > MAX_ROWS:
        raise FileError(gettext("一次最多导入 %(n)s 条") % {"n": MAX_ROWS})
    out = []
    for number, obj in enumerate(payload, start=1):
        record = {}
        if isinstance(obj, dict):
            for name, value in obj.items():
                key = HEADER_LOOKUP.get(_header_key(str(name)))
                if key and key not in record:
                    record[key] = value
        out.append((number, record))
    return out


# -- parsing cells ----------------------------------------------------------------------------------

DATETIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y-%m-%dT%H:%M:%S",
                    "%Y%m%d%H%M%S", "%Y年%m月%d日 %H:%M:%S", "%Y年%m月%d日 %H:%M", "%Y年%m月%d日%H时%M分")
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%Y年%m月%d日")
DURATION = re.compile(r"^(\d+)\s*(个)?\s*(工作日|天|日|小时|h)$", re.IGNORECASE)


def _aware(moment: datetime.datetime) -> datetime.datetime:
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def parse_datetime(value) -> tuple[datetime.datetime | None, bool]:
    """(moment, had_time) from a cell: Excel datetime, ISO 8601, 2024/5/1 8:30, 2024年5月1日 …; (None, False) if blank.

    Raises ValueError when the cell is not a date."""
    if value in (None, ""):
        return None, False
    if isinstance(value, datetime.datetime):
        return _aware(value), True
    if isinstance(value, datetime.date):
        return _aware(datetime.datetime.combine(value, datetime.time())), False
    text = cell_text(value)
    if not text:
        return None, False
    try:
        moment = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
        return _aware(moment), ("T" in text or " " in text or ":" in text)
    except ValueError:
        pass
    for fmt in DATETIME_FORMATS:
        try:
            return _aware(datetime.datetime.strptime(text, fmt)), True
        except ValueError:
            continue
    for fmt in DATE_FORMATS:
        try:
            return _aware(datetime.datetime.strptime(text, fmt)), False
        except ValueError:
            continue
    raise ValueError(text)


def parse_reply_due(value, received_at: datetime.datetime) -> datetime.datetime | None:
    """办理时限: a date (end of that day), a date and time, or a duration (5个工作日, 3天, 24小时) from the call."""
    text = cell_text(value).replace(" ", "") if not isinstance(value, datetime.date) else ""
    match = DURATION.match(text) if text else None
    if match:
        n, unit = int(match.group(1)), match.group(3)
        if unit == "工作日":
            return calendar.add_working_days(received_at, n)
        if unit in ("天", "日"):
            return received_at + datetime.timedelta(days=n)
        return received_at + datetime.timedelta(hours=n)
    if text.isdigit() and len(text) <= 3:  # a bare number: working days, as hotline sheets usually mean
        return calendar.add_working_days(received_at, int(text))
    moment, had_time = parse_datetime(value)
    if moment is None:
        return None
    if not had_time:
        moment = moment.replace(hour=23, minute=59, second=59)
    return moment


# -- categories ---------------------------------------------------------------------------------------


@dataclass
class CategoryMap:
    paths: dict
    by_level: list[dict]  # [一级, 二级, 三级] → {name: {(category, subcategory)}}
    pairs: dict


@lru_cache(maxsize=1)
def category_map() -> CategoryMap:
    paths, pairs = {}, {}
    by_level: list[dict] = [{}, {}, {}]
    with open(MAP_CSV, encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            names = [normalize(row["一级分类"]), normalize(row["二级分类"]), normalize(row["三级分类"])]
            value = (row["category"], row["subcategory"])
            if names[0] and names[1]:
                paths[tuple(names)] = value
                pairs[(names[1], names[2])] = value
            for level, name in enumerate(names):
                if name:
                    by_level[level].setdefault(name, set()).add(value)
    return CategoryMap(paths=paths, by_level=by_level, pairs=pairs)


def _agreed(values: set) -> tuple[str, str] | None:
    categories = {c for c, _s in values}
    if len(categories) != 1:
        return None
    subs = {s for _c, s in values}
    return next(iter(categories)), (next(iter(subs)) if len(subs) == 1 else "")


def map_category(value) -> tuple[str, str]:
    """问题分类 ("城乡建设/住房保障与房地产/物业服务", "物业服务", "噪音扰民" …) → (category, subcategory), or ("", "")."""
    text = normalize(cell_text(value))
    if not text:
        return "", ""
    parts = [p for p in re.split(r"\s*[-/>|\\、,;→＞—]+\s*", text) if p]
    table = category_map()
    if len(parts) >= 3 and tuple(parts[-3:]) in table.paths:
        return table.paths[tuple(parts[-3:])]
    if len(parts) >= 2 and tuple(parts[-2:]) in table.pairs:
        return table.pairs[tuple(parts[-2:])]
    for part in reversed(parts):
        for level in (2, 1, 0):
            values = table.by_level[level].get(part)
            if values and (agreed := _agreed(values)) and agreed[0]:
                return agreed
    return "", ""


# -- places -----------------------------------------------------------------------------------------


def _strip(name: str, suffixes) -> str:
    for suffix in suffixes:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


class PlaceIndex:
    """Streets, their communities and estates, normalised once per import."""

    def __init__(self, streets):
        self.streets = [(s, normalize(s.name), _strip(normalize(s.name), STREET_SUFFIXES)) for s in streets]
        self._communities: dict[int, list] = {}
        self._estates: dict[int, list] = {}
        self._districts = {d.pk: normalize(d.name) for d in Division.objects.filter(level=Division.Level.DISTRICT)}

    def street(self, value) -> tuple[Division | None, str]:
        text = normalize(cell_text(value)).replace(" ", "")
        if not text:
            return None, "缺少“被反映区/街乡镇”"
        for street, _name, _short in self.streets:
            if text == street.code:
                return street, ""
        found = [s for s, name, short in self.streets if text == name or name in text or (len(short) >= 2 and short in text)]
        if len({s.pk for s in found}) > 1:
            # Same street name in two districts: the district in the cell decides.
            named = [s for s in found if self._districts.get(s.parent_id) and self._districts[s.parent_id] in text]
            found = named if len(named) == 1 else found
            if len(found) > 1:
                longest = max(len(normalize(s.name)) for s in found)
                found = [s for s in found if len(normalize(s.name)) == longest]
        if len(found) == 1:
            return found[0], ""
        if found:
            return None, f"街道“{clip(text)}”不唯一，请写明所属区"
        return None, f"找不到街道“{clip(text)}”"

    def communities(self, street) -> list:
        if street.pk not in self._communities:
            self._communities[street.pk] = [
                (c, normalize(c.name), _strip(normalize(c.name), COMMUNITY_SUFFIXES))
                for c in Division.objects.filter(parent=street, level=Division.Level.COMMUNITY)
            ]
        return self._communities[street.pk]

    def community(self, street, value) -> Division | None:
        text = normalize(cell_text(value)).replace(" ", "")
        if not text:
            return None
        rows = self.communities(street)
        for stage in (lambda n, s: text == n, lambda n, s: n in text, lambda n, s: len(s) >= 2 and s in text):
            found = [c for c, name, short in rows if stage(name, short)]
            if len(found) == 1:
                return found[0]
            if found:
                return None
        return None

    def estates(self, street) -> list:
        if street.pk not in self._estates:
            self._estates[street.pk] = [
                (e, normalize(e.name).replace(" ", ""), normalize(e.address).replace(" ", ""))
                for e in Estate.objects.filter(community__parent=street).select_related("community")
            ]
        return self._estates[street.pk]

    def estate(self, street, community, value) -> Estate | None:
        return match_estate(self.estates(street), value, community=community)


def match_estate(rows, value, *, community=None) -> Estate | None:
    """The estate named by ``value`` (小区点位 or an address): exact name, then name contained in the value, then the
    value contained in one name, then the address; within the community when known. None when unsure."""
    text = normalize(cell_text(value)).replace(" ", "")
    if not text:
        return None
    if community is not None:
        inside = [r for r in rows if r[0].community_id == community.pk]
        found = _match_estate_in(inside, text)
        if found is not None:
            return found
    return _match_estate_in(rows, text)


def _match_estate_in(rows, text: str) -> Estate | None:
    exact = [e for e, name, _a in rows if name == text]
    if len(exact) == 1:
        return exact[0]
    contained = [(len(name), e) for e, name, _a in rows if len(name) >= 2 and name in text]
    if contained:
        longest = max(n for n, _e in contained)
        best = [e for n, e in contained if n == longest]
        return best[0] if len(best) == 1 else None
    within = [e for e, name, _a in rows if len(text) >= 2 and text in name]
    if len(within) == 1:
        return within[0]
    by_address = [e for e, _n, address in rows if address and (address == text or address in text or
                                                                 (len(text) >= 4 and text in address))]
    if len({e.pk for e in by_address}) == 1:
        return by_address[0]
    return None


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


# -- export -------------------------------------------------------------------------------------------

REPLIED = (Status.REPLIED, Status.VISITED, Status.CLOSED)


def result_label(order: WorkOrder) -> str:
    if order.solved is True:
        return "已解决"
    if order.solved is False:
        return "未解决"
    return "已办结"


def export_rows(*, since: datetime.date | None = None) -> list[list[str]]:
    """Replies of hotline orders (replied, called back or closed), oldest reply first."""
    orders = WorkOrder.objects.filter(channel=Channel.HOTLINE, status__in=REPLIED).select_related("assignee_org")
    if since is not None:
        start = timezone.make_aware(datetime.datetime.combine(since, datetime.time()))
        orders = orders.filter(replied_at__gte=start)
    rows = []
    for order in orders.order_by("replied_at", "id"):
        replied = timezone.localtime(order.replied_at).strftime("%Y-%m-%d %H:%M:%S") if order.replied_at else ""
        rows.append([order.external_id, result_label(order), order.reply_text, replied,
                     order.assignee_org.name if order.assignee_org else ""])
    return rows


def export_bytes(fmt: str, rows: list[list[str]], *, encoding: str = "utf-8") -> bytes:
    if fmt == "json":
        return json.dumps([dict(zip(EXPORT_HEADERS, r, strict=True)) for r in rows], ensure_ascii=False,
                          indent=2).encode("utf-8")
    if fmt == "xlsx":
        wb = new_workbook()
        ws = wb.active
        ws.title = "办理结果"
        append_row(ws, EXPORT_HEADERS)
        append_rows(ws, rows)
        return workbook_bytes(wb)
    if fmt == "csv":
        # UTF-8 with a BOM (Excel on Chinese Windows) or the hotline's own encoding, e.g. gbk.
        return csv_bytes(EXPORT_HEADERS, rows, encoding=encoding)
    raise ValueError(f"unknown format {fmt!r}")
