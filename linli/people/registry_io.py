"""Import and export of the registry: estates, buildings, homes and the people tied to them.

One row of a sheet is one home (户), optionally with one person and that person's relation to it.
Every cell is normalised first (Traditional → Simplified, full-width → half-width, whitespace).
The whole file is validated before anything is written; a file with any error writes nothing, a
clean file is written in one transaction. Records are matched by natural keys, so importing the
same file twice changes nothing (the rules are in docs/registry-import.md).

No HTTP here: the import page and the ``import-registry`` / ``export-registry`` commands call
``import_registry``, ``export_registry`` and ``template_file``.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from linli.core.choices import values_by_chinese_label
from linli.core.exports import append_row, append_rows, csv_bytes, new_workbook, workbook_bytes
from linli.core.text import initials, mask_phone, normalize
from linli.core.uploads import UploadError, clip, read_csv, read_xlsx
from linli.people.actors import is_system
from linli.people.models import AuditEvent, Occupancy, Person
from linli.people.scopes import Scope, scope_for
from linli.people.services import audit
from linli.places.models import Building, Division, Estate, Home

FORMATS = ("xlsx", "csv")
MAX_ROWS = 50_000
BATCH = 500
DATA_SHEET = "登记表"
HELP_SHEET = "填写说明"


@dataclass(frozen=True)
class Column:
    """One column of the sheet: its key in code, its Chinese header and what may go in it."""

    key: str
    header: str
    required: bool
    help: str
    allowed: str = ""
    aliases: tuple[str, ...] = ()
    text: bool = True  # kept as text in the template, so Excel does not eat leading zeros
    width: int = 12


KIND_BY_LABEL = values_by_chinese_label(Estate.Kind)
RELATION_BY_LABEL = values_by_chinese_label(Occupancy.Relation)
KIND_LABEL = {value: label for label, value in KIND_BY_LABEL.items()}
RELATION_LABEL = {value: label for label, value in RELATION_BY_LABEL.items()}
RELATION_ORDER = {value: i for i, value in enumerate(Occupancy.Relation.values)}

COLUMNS: tuple[Column, ...] = (
    Column("community_code", "社区代码", True, "社区的区划代码，必须是系统中已有的社区。", width=16,
           aliases=("区划代码", "社区编码")),
    Column("community", "社区", False, "社区名称，仅用于核对；填写时必须与社区代码对应的社区一致。",
           aliases=("社区名称",)),
    Column("estate", "小区", True, "小区名称；该社区内没有这个小区时会新建。", width=16, aliases=("小区名称",)),
    Column("estate_kind", "小区类型", False, "新建小区不填时按“老旧小区”登记；已有小区填写后会更新类型。",
           allowed="、".join(KIND_BY_LABEL)),
    Column("built_year", "建成年份", False, "四位数年份，如 1985。", text=False),
    Column("address", "地址", False, "小区地址，如 锦霞街1号。", width=20),
    Column("building", "楼栋", True, "楼栋号，如 1栋、2号楼；同一小区内按楼栋号识别。", aliases=("楼栋号", "楼号")),
    Column("entrance", "单元", False, "单元号，如 1；没有单元的留空（“1单元”会按“1”登记）。", aliases=("单元号",)),
    Column("floor", "楼层", False, "整数，地下为负数，如 3 或 -1。", text=False),
    Column("number", "门牌号", True, "房号，如 301；同一楼栋同一单元内不能重复。", aliases=("房号", "户号")),
    Column("area", "面积", True, "专有部分面积（平方米），大于0，最多两位小数，如 62.5。", text=False,
           aliases=("专有部分面积", "房屋面积", "面积m2")),
    Column("name", "姓名", False, "与该户有关的一个人；不填则只登记房屋。", aliases=("人员姓名",)),
    Column("phone", "手机", False, "以1开头的11位手机号；固定电话只能包含数字和“-”，如 023-68812345。", width=14,
           aliases=("手机号", "手机号码", "电话", "联系电话")),
    Column("relation", "关系", False, "填写了姓名时必填。", allowed="、".join(RELATION_BY_LABEL),
           aliases=("与房屋关系", "居住关系")),
)
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}
REQUIRED = tuple(c for c in COLUMNS if c.required)


def _header_key(text: str) -> str:
    text = normalize(text).replace(" ", "")
    text = re.sub(r"\(.*\)$", "", text)  # "面积(m²)" → "面积"; NFKC already turned （） into ()
    return text.strip("*").lower()


HEADER_LOOKUP: dict[str, Column] = {}
for _c in COLUMNS:
    for _name in (_c.header, _c.key, *_c.aliases):
        HEADER_LOOKUP[_header_key(_name)] = _c


def header(key: str) -> str:
    return COLUMN_BY_KEY[key].header


# -- results ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class RowError:
    """A problem in the file: the row as Excel numbers it (header = 1), the column header, a message."""

    row: int | None
    column: str
    message: str

    def __str__(self):
        where = f"第{self.row}行" if self.row else "文件"
        return f"{where}{' ' + self.column if self.column else ''}：{self.message}"


COUNT_LABELS = (
    ("estates_created", "新建小区"),
    ("estates_changed", "更新小区信息"),
    ("buildings_created", "新建楼栋"),
    ("homes_created", "新建房屋"),
    ("homes_changed", "房屋面积/楼层变更"),
    ("persons_created", "新建人员"),
    ("persons_changed", "补充手机号的人员"),
    ("occupancies_created", "新建居住关系"),
    ("rows_unchanged", "无变化的行"),
)


@dataclass
class ImportResult:
    """What an import did (or, in a dry run, would do)."""

    filename: str = ""
    rows: int = 0
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys([k for k, _ in COUNT_LABELS], 0))
    errors: list[RowError] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)  # readable lines: what an existing record changes to
    ignored_columns: list[str] = field(default_factory=list)
    committed: bool = False

    MAX_CHANGES = 500

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def count_items(self) -> list[tuple[str, int]]:
        return [(label, self.counts[key]) for key, label in COUNT_LABELS]

    @property
    def writes_anything(self) -> bool:
        return any(v for k, v in self.counts.items() if k != "rows_unchanged")

    def error(self, row: int | None, key_or_header: str, message: str) -> None:
        col = COLUMN_BY_KEY[key_or_header].header if key_or_header in COLUMN_BY_KEY else key_or_header
        self.errors.append(RowError(row, col, message))

    def change(self, line: str) -> None:
        if len(self.changes) < self.MAX_CHANGES:
            self.changes.append(line)

    def sort_errors(self) -> None:
        order = {c.header: i for i, c in enumerate(COLUMNS)}
        self.errors.sort(key=lambda e: (e.row or 0, order.get(e.column, -1)))


# -- reading the file -------------------------------------------------------------------------------

class FileError(Exception):
    """The file cannot be read at all (wrong format, broken file, unknown encoding)."""


def read_table(data: bytes, filename: str) -> list[tuple[int, list]]:
    """The rows of the first sheet as (row number as Excel shows it, cell values)."""
    ext = Path(filename).suffix.lower()
    if ext == ".xlsx":
        return _read_xlsx(data)
    if ext == ".csv":
        return _read_csv(data)
    if ext == ".xls":
        raise FileError(gettext("不支持旧版 .xls 文件，请在 Excel 中“另存为” .xlsx 或 CSV 后再导入"))
    raise FileError(gettext("只支持 .xlsx 和 .csv 文件"))


def _read_xlsx(data: bytes) -> list[tuple[int, list]]:
    # Through the upload gate: the zip is checked before openpyxl unpacks it; rows and cells are capped.
    try:
        return read_xlsx(data, rows=MAX_ROWS + 20, sheet=DATA_SHEET)
    except UploadError as e:
        raise FileError(e.messages[0]) from e


def _read_csv(data: bytes) -> list[tuple[int, list]]:
    # One record is one row in Excel, even when a quoted cell spans several lines.
    try:
        return read_csv(data, rows=MAX_ROWS + 20)
    except UploadError as e:
        raise FileError(e.messages[0]) from e


@lru_cache(maxsize=200_000)
def _norm(text: str) -> str:
    return normalize(text)


def cell_text(value) -> str:
    """A cell as normalised text; 101.0 from Excel reads as "101", a date as 2024-01-31."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return _norm(repr(value))
    if isinstance(value, datetime.datetime | datetime.date):
        return value.strftime("%Y-%m-%d")
    return _norm(str(value))


# -- parsing and checking single cells -------------------------------------------------------------

MOBILE = re.compile(r"1\d{10}")
LANDLINE = re.compile(r"[02-9][\d-]{5,18}\d")
DECIMAL = re.compile(r"\d+(\.\d+)?")
AREA_UNIT = re.compile(r"(m2|平方米|平米|平方)$", re.IGNORECASE)
MAX_AREA = Decimal("100000")


def parse_phone(text: str) -> str | None:
    """A mobile (11 digits starting with 1, dashes dropped) or a landline (digits and dashes); None if neither."""
    text = text.replace(" ", "")
    text = re.sub(r"^(\+86|0086)-?", "", text)
    if MOBILE.fullmatch(text.replace("-", "")):
        return text.replace("-", "")
    if LANDLINE.fullmatch(text) and "--" not in text and 7 <= sum(ch.isdigit() for ch in text) <= 16:
        return text
    return None


def parse_area(text: str) -> Decimal | str:
    """The area as a Decimal, or the error message."""
    text = AREA_UNIT.sub("", text.replace(" ", ""))
    if not DECIMAL.fullmatch(text):
        return "面积必须是大于0的数字"
    try:
        value = Decimal(text)
    except InvalidOperation:
        return "面积必须是大于0的数字"
    if value <= 0:
        return "面积必须是大于0的数字"
    if value != value.quantize(Decimal("0.01")):
        return "面积最多保留两位小数"
    if value > MAX_AREA:
        return "面积不能超过100000平方米"
    return value.quantize(Decimal("0.01"))


def parse_year(text: str) -> int | None:
    m = re.fullmatch(r"(\d{4})年?", text.replace(" ", ""))
    if not m:
        return None
    year = int(m.group(1))
    return year if 1900 <= year <= timezone.localdate().year else None


def parse_floor(text: str) -> int | None:
    m = re.fullmatch(r"(-?\d{1,3})(层|楼|F|f)?", text.replace(" ", ""))
    if not m:
        return None
    floor = int(m.group(1))
    return floor if -10 <= floor <= 200 else None


# The template's example row; left in a sheet by mistake, it is refused rather than imported.
EXAMPLE_KEYS = ("estate", "building", "entrance", "number", "name", "phone")
EXAMPLE_VALUES = ("锦霞小区", "1栋", "1", "301", "张三", "13800000000")

MAX_LENGTH = {"community_code": 20, "community": 100, "estate": 100, "address": 200, "building": 40,
              "entrance": 20, "number": 40, "name": 60, "phone": 20}


@dataclass
class Row:
    """One checked row of the sheet."""

    number: int
    community_code: str
    community_name: str
    estate: str
    kind: str | None
    built_year: int | None
    address: str
    building: str
    entrance: str
    floor: int | None
    home_number: str
    area: Decimal
    name: str
    phone: str
    relation: str | None


def _parse_row(number: int, cells: dict[str, str], result: ImportResult) -> Row | None:
    before = len(result.errors)

    def err(key, message):
        result.error(number, key, message)

    for col in REQUIRED:
        if not cells.get(col.key):
            err(col.key, f"{col.header}不能为空")
    for key, limit in MAX_LENGTH.items():
        if len(cells.get(key, "")) > limit:
            err(key, f"{header(key)}不能超过{limit}个字")

    kind = None
    if cells.get("estate_kind"):
        kind = KIND_BY_LABEL.get(cells["estate_kind"]) or (
            cells["estate_kind"].lower() if cells["estate_kind"].lower() in KIND_LABEL else None
        )
        if kind is None:
            err("estate_kind", f"未知的小区类型“{clip(cells['estate_kind'])}”，可填：{'、'.join(KIND_BY_LABEL)}")
    built_year = None
    if cells.get("built_year"):
        built_year = parse_year(cells["built_year"])
        if built_year is None:
            err("built_year", "建成年份必须是1900年至今的四位数年份，如 1985")
    floor = None
    if cells.get("floor"):
        floor = parse_floor(cells["floor"])
        if floor is None:
            err("floor", "楼层必须是整数，如 3 或 -1")
    area = None
    if cells.get("area"):
        parsed = parse_area(cells["area"])
        if isinstance(parsed, str):
            err("area", parsed)
        else:
            area = parsed
    phone = ""
    if cells.get("phone"):
        phone = parse_phone(cells["phone"]) or ""
        if not phone:
            err("phone", "手机号必须是以1开头的11位数字；固定电话只能包含数字和“-”，如 023-68812345")
    relation = None
    if cells.get("relation"):
        value = cells["relation"]
        relation = RELATION_BY_LABEL.get(value) or (value.lower() if value.lower() in RELATION_LABEL else None)
        if relation is None:
            err("relation", f"未知的关系“{clip(value)}”，可填：{'、'.join(RELATION_BY_LABEL)}")
    name = cells.get("name", "")
    if not name and (cells.get("phone") or cells.get("relation")):
        err("name", "填写了手机或关系时必须填写姓名")
    if name and not cells.get("relation"):
        err("relation", f"填写了姓名时必须填写关系（{'、'.join(RELATION_BY_LABEL)}）")

    if [cells.get(k, "") for k in EXAMPLE_KEYS] == [str(v) for v in EXAMPLE_VALUES]:
        err("name", "这是模板中的示例行，导入前请删除")

    if len(result.errors) > before:
        return None
    entrance = re.sub(r"单元$", "", cells.get("entrance", ""))
    return Row(
        number=number, community_code=cells["community_code"], community_name=cells.get("community", ""),
        estate=cells["estate"], kind=kind, built_year=built_year, address=cells.get("address", ""),
        building=cells["building"], entrance=entrance, floor=floor, home_number=cells["number"], area=area,
        name=name, phone=phone, relation=relation,
    )


def parse_table(table: list[tuple[int, list]], result: ImportResult) -> list[Row]:
    """Find the header, check that the required columns are there, then check each row's cells."""
    header_at = None
    for i, (_, values) in enumerate(table[:10]):
        known = {HEADER_LOOKUP[_header_key(cell_text(v))].key for v in values if _header_key(cell_text(v)) in HEADER_LOOKUP}
        if len(known) >= 2:
            header_at = i
            break
    if header_at is None:
        header_at = next((i for i, (_, values) in enumerate(table) if any(cell_text(v) for v in values)), None)
    if header_at is None:
        result.error(None, "", "文件是空的")
        return []
    header_row, header_values = table[header_at]
    found = [cell_text(v) for v in header_values]
    columns: dict[int, Column] = {}
    seen: dict[str, str] = {}
    for index, text in enumerate(found):
        if not text:
            continue
        col = HEADER_LOOKUP.get(_header_key(text))
        if col is None:
            result.ignored_columns.append(text)
            continue
        if col.key in seen:
            result.error(header_row, col.header, f"列“{clip(seen[col.key])}”和“{clip(text)}”重复，请只保留一列")
            continue
        seen[col.key] = text
        columns[index] = col
    missing = [c.header for c in REQUIRED if c.key not in seen]
    if missing:
        result.error(
            header_row, "表头",
            f"缺少必填列：{'、'.join(missing)}。文件中的列为：{'、'.join(t for t in found if t) or '（空）'}。"
            "请使用导入模板的表头。",
        )
    if result.errors:
        return []

    rows = []
    for number, values in table[header_at + 1:]:
        cells = {}
        for index, col in columns.items():
            if index < len(values):
                cells[col.key] = cell_text(values[index])
        if not any(cells.values()):
            continue  # blank lines between blocks are common in hand-kept sheets
        result.rows += 1
        if result.rows > MAX_ROWS:
            result.error(number, "", f"一次最多导入{MAX_ROWS}行，请把文件拆开后分批导入")
            break
        row = _parse_row(number, cells, result)
        if row is not None:
            rows.append(row)
    if result.rows == 0 and not result.errors:
        result.error(None, "", "文件中没有数据行")
    return rows


# -- planning: match rows to what exists, decide what to create and change ---------------------------

@dataclass
class _Plan:
    new_estates: list[Estate] = field(default_factory=list)
    changed_estates: dict[int, Estate] = field(default_factory=dict)
    new_buildings: list[Building] = field(default_factory=list)
    new_homes: list[Home] = field(default_factory=list)
    changed_homes: dict[int, Home] = field(default_factory=dict)
    new_persons: list[Person] = field(default_factory=list)
    changed_persons: dict[int, Person] = field(default_factory=dict)
    new_occupancies: list[Occupancy] = field(default_factory=list)


def _chunks(items, size=BATCH):
    items = list(items)
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _home_label(estate_name: str, building: str, entrance: str, number: str) -> str:
    return f"{estate_name} {building}{f'{entrance}单元' if entrance else ''}{number}"


HOME_TWICE = "是同一户（社区代码、小区、楼栋、单元、门牌号都相同）；一户有多人时每行都要填写姓名"
PERSON_TWICE = "重复：同一户、同一人、同一关系"


def _plan(rows: list[Row], scope: Scope | None, result: ImportResult) -> _Plan:
    plan = _Plan()
    counts = result.counts
    level_label = dict(Division.Level.choices)

    # Communities, and who may write into them.
    divisions = {d.code: d for d in Division.objects.filter(code__in={r.community_code for r in rows})}
    placed: list[tuple[Row, Division]] = []
    for r in rows:
        d = divisions.get(r.community_code)
        if d is None:
            result.error(r.number, "community_code", f"社区代码“{clip(r.community_code)}”不存在")
        elif d.level != Division.Level.COMMUNITY:
            result.error(r.number, "community_code",
                         f"“{clip(r.community_code)}”是{level_label[d.level]}（{d.name}），不是社区")
        elif r.community_name and r.community_name != _norm(d.name):
            result.error(r.number, "community", f"社区名称与社区代码不符：{d.code} 是{d.name}")
        else:
            placed.append((r, d))

    # Everything that exists in those communities, keyed the way the sheet names it.
    community_ids = {d.pk for _, d in placed}
    estates: dict[tuple, Estate] = {}
    for e in Estate.objects.filter(community_id__in=community_ids):
        estates[(e.community_id, _norm(e.name))] = e
    wanted = {(d.pk, r.estate) for r, d in placed}
    estate_ids = [e.pk for key, e in estates.items() if key in wanted]
    estate_key_by_id = {e.pk: key for key, e in estates.items()}
    buildings: dict[tuple, Building] = {}
    for b in Building.objects.filter(estate_id__in=estate_ids):
        buildings[(estate_key_by_id[b.estate_id], _norm(b.number))] = b
    building_key_by_id = {b.pk: key for key, b in buildings.items()}
    homes: dict[tuple, Home] = {}
    for h in Home.objects.filter(estate_id__in=estate_ids).only("id", "building_id", "estate_id", "entrance",
                                                                  "number", "floor", "area"):
        homes[(building_key_by_id[h.building_id], _norm(h.entrance), _norm(h.number))] = h
    persons_by_phone: dict[tuple, Person] = {}
    for chunk in _chunks({r.phone for r, _ in placed if r.phone}):
        for p in Person.objects.filter(phone__in=chunk).only("id", "name", "phone").order_by("id"):
            persons_by_phone.setdefault((p.phone, _norm(p.name)), p)
    open_occupancies: set[tuple[int, int, str]] = set()
    persons_at_home: dict[tuple[int, str], Person] = {}
    occupancies = (Occupancy.objects.filter(home__estate_id__in=estate_ids, end__isnull=True)
                   .select_related("person").only("person_id", "home_id", "relation", "person__id",
                                                  "person__name", "person__phone").order_by("id"))
    for o in occupancies:
        open_occupancies.add((o.person_id, o.home_id, o.relation))
        persons_at_home.setdefault((o.home_id, _norm(o.person.name)), o.person)

    estate_values: dict[tuple, dict[str, tuple]] = defaultdict(dict)  # first value given per estate, with its row
    home_rows: dict[tuple, Row] = {}
    home_people: dict[tuple, dict[tuple, int]] = defaultdict(dict)  # (person key, relation) → row
    new_persons: dict[tuple, Person] = {}
    flagged_duplicates: set[int] = set()

    for r, d in placed:
        touched = False
        ek = (d.pk, r.estate)
        estate = estates.get(ek)
        if scope is not None and not scope.can_write_division(d) and not (
            estate is not None and estate.pk in scope.admin_estate_ids
        ):
            result.error(r.number, "community_code", f"您无权导入到{d.name}（{d.code}）")
            continue

        # The same estate must be described the same way on every row that gives a value.
        conflict = False
        for key, attr, value in (("estate_kind", "kind", r.kind), ("built_year", "built_year", r.built_year),
                                 ("address", "address", r.address)):
            if value in (None, ""):
                continue
            first = estate_values[ek].get(attr)
            if first is None:
                estate_values[ek][attr] = (value, r.number)
            elif first[0] != value:
                shown = KIND_LABEL.get(first[0], first[0]) if attr == "kind" else first[0]
                result.error(r.number, key, f"同一小区在第{first[1]}行填写的{header(key)}为“{clip(shown)}”，前后不一致")
                conflict = True
        if conflict:
            continue

        # The same home may appear on several rows only to list several people, with the same area.
        hk = ((ek, r.building), r.entrance, r.home_number)
        first = home_rows.get(hk)
        person_key = (("phone", r.phone, r.name) if r.phone else ("home", hk, r.name)) if r.name else None
        if first is not None:
            same_person_row = home_people[hk].get((person_key, r.relation)) if person_key else None
            if not (first.name and r.name) or same_person_row:
                other, what = ((first.number, HOME_TWICE) if same_person_row is None
                               else (same_person_row, PERSON_TWICE))
                if other not in flagged_duplicates:
                    result.error(other, "number", f"与第{r.number}行{what}")
                    flagged_duplicates.add(other)
                result.error(r.number, "number", f"与第{other}行{what}")
                continue
            if r.area != first.area:
                result.error(r.number, "area", f"同一户在第{first.number}行填写的面积为{first.area}，前后不一致")
                continue
            if r.floor is not None and first.floor is not None and r.floor != first.floor:
                result.error(r.number, "floor", f"同一户在第{first.number}行填写的楼层为{first.floor}，前后不一致")
                continue
        else:
            home_rows[hk] = r
        if person_key:
            home_people[hk][(person_key, r.relation)] = r.number

        # Estate.
        if estate is None:
            estate = Estate(name=r.estate, community=d, kind=r.kind or Estate.Kind.OLD,
                            built_year=r.built_year, address=r.address)
            estate.initials = initials(estate.name)
            estates[ek] = estate
            plan.new_estates.append(estate)
            counts["estates_created"] += 1
            touched = True
        elif estate.pk is None:
            # Created by an earlier row: fill what that row left blank.
            estate.kind = r.kind or estate.kind
            estate.built_year = r.built_year or estate.built_year
            estate.address = r.address or estate.address
        else:
            updates = []
            if r.kind and r.kind != estate.kind:
                updates.append(f"小区类型 {KIND_LABEL.get(estate.kind, estate.kind)} → {KIND_LABEL[r.kind]}")
                estate.kind = r.kind
            if r.built_year and r.built_year != estate.built_year:
                updates.append(f"建成年份 {estate.built_year or '（空）'} → {r.built_year}")
                estate.built_year = r.built_year
            if r.address and r.address != estate.address:
                updates.append(f"地址 {estate.address or '（空）'} → {r.address}")
                estate.address = r.address
            if updates:
                if estate.pk not in plan.changed_estates:
                    counts["estates_changed"] += 1
                plan.changed_estates[estate.pk] = estate
                result.change(f"{estate.name}：{'；'.join(updates)}")
                touched = True

        # Building.
        bk = (ek, r.building)
        building = buildings.get(bk)
        if building is None:
            building = Building(estate=estate, number=r.building)
            buildings[bk] = building
            plan.new_buildings.append(building)
            counts["buildings_created"] += 1
            touched = True

        # Home.
        home = homes.get(hk)
        if home is None:
            home = Home(building=building, estate=estate, entrance=r.entrance, floor=r.floor,
                        number=r.home_number, area=r.area)
            homes[hk] = home
            plan.new_homes.append(home)
            counts["homes_created"] += 1
            touched = True
        elif home.pk is not None:
            updates = []
            if r.area != home.area:
                updates.append(f"面积 {home.area} → {r.area}")
                home.area = r.area
            if r.floor is not None and r.floor != home.floor:
                updates.append(f"楼层 {home.floor if home.floor is not None else '（空）'} → {r.floor}")
                home.floor = r.floor
            if updates:
                if home.pk not in plan.changed_homes:
                    counts["homes_changed"] += 1
                plan.changed_homes[home.pk] = home
                result.change(f"{_home_label(r.estate, r.building, r.entrance, r.home_number)}：{'；'.join(updates)}")
                touched = True

        # Person: by phone and name when a phone is given, else by name among the people of this home.
        if person_key:
            person = new_persons.get(person_key)
            if person is None and r.phone:
                person = persons_by_phone.get((r.phone, r.name))
            if person is None and home.pk is not None:
                at_home = persons_at_home.get((home.pk, r.name))
                if at_home is not None and (not r.phone or not at_home.phone):
                    person = at_home
                    if r.phone and not at_home.phone:
                        at_home.phone = r.phone
                        plan.changed_persons[at_home.pk] = at_home
                        counts["persons_changed"] += 1
                        result.change(f"{r.name}（{_home_label(r.estate, r.building, r.entrance, r.home_number)}）"
                                      f"：补充手机号 {mask_phone(r.phone)}")
                        touched = True
            if person is None:
                person = Person(name=r.name, phone=r.phone)
                person.initials = initials(person.name)
                plan.new_persons.append(person)
                counts["persons_created"] += 1
                touched = True
            new_persons.setdefault(person_key, person)

            # Occupancy (open: no end date).
            if person.pk is None or home.pk is None or (person.pk, home.pk, r.relation) not in open_occupancies:
                plan.new_occupancies.append(Occupancy(person=person, home=home, relation=r.relation))
                counts["occupancies_created"] += 1
                touched = True

        if not touched:
            counts["rows_unchanged"] += 1
    return plan


def _apply(plan: _Plan) -> None:
    """Write the plan; parents first so that children can take their keys."""
    Estate.objects.bulk_create(plan.new_estates, batch_size=BATCH)
    Estate.objects.bulk_update(plan.changed_estates.values(), ["kind", "built_year", "address"], batch_size=BATCH)
    for b in plan.new_buildings:
        b.estate_id = b.estate.pk
    Building.objects.bulk_create(plan.new_buildings, batch_size=BATCH)
    for h in plan.new_homes:
        # Home.save() copies the estate from the building; bulk_create does not call save().
        # (Setting building_id drops the cached building, so read it once.)
        building = h.building
        h.building_id, h.estate_id = building.pk, building.estate_id
    Home.objects.bulk_create(plan.new_homes, batch_size=BATCH)
    Home.objects.bulk_update(plan.changed_homes.values(), ["area", "floor"], batch_size=BATCH)
    Person.objects.bulk_create(plan.new_persons, batch_size=BATCH)
    Person.objects.bulk_update(plan.changed_persons.values(), ["phone"], batch_size=BATCH)
    for o in plan.new_occupancies:
        o.person_id = o.person.pk
        o.home_id = o.home.pk
    Occupancy.objects.bulk_create(plan.new_occupancies, batch_size=BATCH)


def import_registry(data: bytes, filename: str, *, user, commit: bool = False) -> ImportResult:
    """Check a sheet and, with ``commit``, write it in one transaction if it has no error at all.

    ``user`` limits the import to the communities that user may write; the system actor is a trusted operator
    (the command line without ``--user``); ``None`` is nobody and is refused.
    """
    if user is None:
        raise PermissionDenied(gettext("导入须由具体账号或系统执行"))
    result = ImportResult(filename=filename)
    scope = None if is_system(user) else scope_for(user)
    try:
        table = read_table(data, filename)
    except FileError as e:
        result.error(None, "", str(e))
        return result
    rows = parse_table(table, result)
    if result.errors and not rows:
        result.sort_errors()
        return result
    if commit:
        try:
            with transaction.atomic():
                # Planned inside the transaction, so what is written matches what was just checked.
                plan = _plan(rows, scope, result)
                if not result.errors:
                    _apply(plan)
                    result.committed = True
        except IntegrityError:
            # Another import wrote the same records at the same moment (PostgreSQL); nothing of ours stays.
            result.committed = False
            result.error(None, "", "导入时登记信息被其他人同时修改，没有写入任何数据，请重新导入")
    else:
        _plan(rows, scope, result)
    result.sort_errors()
    return result


# -- export and template ---------------------------------------------------------------------------

HEADERS = [c.header for c in COLUMNS]


def export_table(*, user=None, division: Division | None = None) -> tuple[list[list], int]:
    """Rows in the template's column order: one per open occupancy, or one per home with nobody tied to it.

    ``user`` limits the export to ``Home.objects.visible_to(user)`` and masks phone numbers unless the
    user is a registry admin; ``None`` (the command line) exports everything in full.
    """
    if user is None:
        homes = Home.objects.all()
        occupancies = Occupancy.objects.all()
        whole_phones = True
    else:
        homes = Home.objects.visible_to(user)
        occupancies = Occupancy.objects.visible_to(user)
        whole_phones = scope_for(user).is_registry_admin
    if division is not None:
        homes = homes.filter(estate__community__path__startswith=division.path)
    homes = homes.select_related("building", "estate", "estate__community").order_by(
        "estate__community__path", "estate__name", "building__number", "entrance", "number", "id"
    )
    people: dict[int, list[Occupancy]] = defaultdict(list)
    for o in occupancies.filter(end__isnull=True, home__in=homes.values("pk")).select_related("person"):
        people[o.home_id].append(o)
    rows = []
    count = 0
    for h in homes:
        count += 1
        e = h.estate
        base = [e.community.code, e.community.name, e.name, KIND_LABEL.get(e.kind, e.kind), e.built_year,
                e.address, h.building.number, h.entrance, h.floor, h.number, h.area]
        ties = sorted(people.get(h.pk, []), key=lambda o: (RELATION_ORDER.get(o.relation, 9), o.person_id))
        if not ties:
            rows.append([*base, "", "", ""])
        for o in ties:
            phone = o.person.phone if whole_phones else mask_phone(o.person.phone)
            rows.append([*base, o.person.name, phone, RELATION_LABEL.get(o.relation, o.relation)])
    return rows, count


def _csv_bytes(rows: list[list]) -> bytes:
    # Formula-like text is neutralised and UTF-8 gets a BOM (Excel on Chinese Windows) in linli.core.exports.
    return csv_bytes(HEADERS, rows)


def _workbook(rows: list[list], *, styled: bool) -> bytes:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = new_workbook()
    ws = wb.active
    ws.title = DATA_SHEET
    append_row(ws, HEADERS)
    append_rows(ws, rows)
    bold = Font(bold=True)
    required_fill = PatternFill("solid", fgColor="FDE2E0")
    for index, col in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        cell = ws.cell(row=1, column=index)
        cell.font = bold
        if col.required:
            cell.fill = required_fill
        ws.column_dimensions[letter].width = col.width + 2
        if col.text:
            ws.column_dimensions[letter].number_format = "@"
    ws.freeze_panes = "A2"
    if styled:
        for key, labels in (("estate_kind", KIND_BY_LABEL), ("relation", RELATION_BY_LABEL)):
            letter = get_column_letter(HEADERS.index(header(key)) + 1)
            dv = DataValidation(type="list", formula1=f'"{",".join(labels)}"', allow_blank=True,
                                showErrorMessage=True, errorTitle="请从列表中选择", error=f"可填：{'、'.join(labels)}")
            dv.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
            ws.add_data_validation(dv)

    help_ws = wb.create_sheet(HELP_SHEET)
    append_row(help_ws, ["列名", "英文列名", "是否必填", "说明", "可填的值"])
    for col in COLUMNS:
        append_row(help_ws, [col.header, col.key, "必填" if col.required else "选填", col.help, col.allowed])
    append_row(help_ws, [])
    for line in (
        "一行登记一户房屋，可同时登记一位与该户有关的人；同一户有多人时，每人一行，房屋各列照抄。",
        "表头必须在第一行，列的顺序可以调整；不认识的列会被忽略。",
        "繁体字、全角数字和多余空格会自动转换后再比对。",
        "导入前请删除示例行。上传后先预检，显示将新建和变更的数量及错误，确认后才写入。",
        "文件中只要有一处错误，就不会写入任何数据。",
        "重复导入同一文件不会重复登记：小区按社区+名称、楼栋按小区+楼栋号、房屋按楼栋+单元+门牌号、"
        "人员按手机号+姓名（没有手机号时按同一户内的姓名）识别。",
    ):
        append_row(help_ws, [line])
    for cell in help_ws[1]:
        cell.font = bold
    for letter, width in zip("ABCDE", (10, 16, 10, 60, 44), strict=True):
        help_ws.column_dimensions[letter].width = width
    for row in help_ws.iter_rows(min_row=2, max_col=5):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    return workbook_bytes(wb)


def export_registry(fmt: str, *, user=None, division: Division | None = None, request=None,
                    username: str = "") -> tuple[bytes, int]:
    """The registry as .xlsx or .csv bytes, in the template's columns, and the number of homes in it.

    Names and phones leave the system here, so every export is written to the audit log (PIPL): the page
    passes its ``request``, the command a ``username`` such as ``cli:<os user>``.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    rows, homes = export_table(user=user, division=division)
    data = _workbook(rows, styled=False) if fmt == "xlsx" else _csv_bytes(rows)
    audit(action=AuditEvent.Action.EXPORT, user=user, request=request, username=username,
          target=f"places.registry:{division.code if division else 'all'}", count=len(rows),
          data={"format": fmt, "homes": homes,
                "phones": "full" if user is None or scope_for(user).is_registry_admin else "masked"})
    return data, homes


def example_row(community: Division | None = None) -> list:
    code, name = (community.code, community.name) if community is not None else ("500104001001", "锦霞社区")
    example = dict(zip(EXAMPLE_KEYS, EXAMPLE_VALUES, strict=True))
    return [code, name, example["estate"], "老旧小区", 1985, "锦霞街1号", example["building"], example["entrance"], 3,
            example["number"], Decimal("62.50"), example["name"], example["phone"], "业主"]


def template_file(fmt: str, *, community: Division | None = None) -> bytes:
    """The import template: Chinese headers and one example row; the .xlsx has a sheet explaining each column."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    rows = [example_row(community)]
    return _workbook(rows, styled=True) if fmt == "xlsx" else _csv_bytes(rows)
