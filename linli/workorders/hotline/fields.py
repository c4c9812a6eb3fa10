"""The 12345 sheet's fields and their Chinese headers, and what an import reports."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from linli.core.choices import values_by_chinese_label
from linli.core.text import normalize
from linli.workorders.models import Kind

MAP_CSV = Path(__file__).parent.parent / "data" / "hotline_category_map.csv"
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
