"""The registry sheet's columns, their Chinese headers and the label maps of its choices."""

from __future__ import annotations

import re
from dataclasses import dataclass

from linli.core.choices import values_by_chinese_label
from linli.core.text import normalize
from linli.people.models import Occupancy
from linli.places.models import Estate

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
