"""Parsing and checking single cells and rows."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils import timezone

from linli.core.uploads import clip

from .columns import (
    HEADER_LOOKUP,
    KIND_BY_LABEL,
    KIND_LABEL,
    MAX_ROWS,
    RELATION_BY_LABEL,
    RELATION_LABEL,
    REQUIRED,
    Column,
    _header_key,
    header,
)
from .reading import cell_text
from .results import ImportResult

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
