"""The default taxonomy of property complaints, kept as data in ``data/taxonomy.json`` (no Django here).

The one source of the work-order categories: the intake forms, the Open311 service list, the seed command and
the pages all read them from ``default()`` (names in Chinese and English; ``linli.triage.labels`` picks the one of
the active language). 12 categories, 49 subcategories; each subcategory carries a default tier (易事 easy / 难事 hard /
大事 major), the level where it should be settled (楼栋 building, 小区 estate, 社区 community,
街道 street, 部门 department) and a time limit in hours. A street can change tier, level and limit of
its own copy (``linli.triage.models.StreetSubcategory``); this module only reads the defaults.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

PATH = Path(__file__).resolve().parent.parent / "data" / "taxonomy.json"
TIERS = ("easy", "hard", "major")
LEVELS = ("building", "estate", "community", "street", "department")


@dataclass(frozen=True)
class Subcategory:
    code: str  # "facility.lift"
    name: str
    category: str  # "facility"
    category_name: str
    tier: str
    level: str
    limit_hours: int
    keywords: tuple[str, ...] = ()
    name_en: str = ""


@dataclass(frozen=True)
class Category:
    code: str  # "facility"
    name: str  # 公共设施设备
    name_en: str
    group: str  # a wider group of categories (Open311's ``group``): 房屋与设施
    group_en: str


@dataclass(frozen=True)
class Taxonomy:
    categories: dict[str, str]  # code → Chinese name, in order
    subcategories: dict[str, Subcategory]
    details: dict[str, Category] = field(default_factory=dict)  # code → the category with its English and group

    def get(self, code: str) -> Subcategory | None:
        return self.subcategories.get(code)

    def lexicon(self, labels) -> dict[str, list[str]]:
        """{subcategory code: keywords} for those of ``labels`` that are subcategories of this taxonomy."""
        return {code: list(self.subcategories[code].keywords) for code in labels
                if code in self.subcategories and self.subcategories[code].keywords}

    def of_category(self, category: str) -> list[Subcategory]:
        return [s for s in self.subcategories.values() if s.category == category]


def parse(data: dict) -> Taxonomy:
    categories, subs, details = {}, {}, {}
    for cat in data["categories"]:
        categories[cat["code"]] = cat["name"]
        details[cat["code"]] = Category(cat["code"], cat["name"], cat.get("name_en", ""), cat.get("group", ""),
                                        cat.get("group_en", ""))
        for sub in cat["subcategories"]:
            if not sub["code"].startswith(cat["code"] + "."):
                raise ValueError(f"{sub['code']}: must start with {cat['code']}.")
            if sub["tier"] not in TIERS or sub["level"] not in LEVELS:
                raise ValueError(f"{sub['code']}: unknown tier or level")
            subs[sub["code"]] = Subcategory(sub["code"], sub["name"], cat["code"], cat["name"], sub["tier"],
                                            sub["level"], int(sub["limit_hours"]),
                                            tuple(sub.get("keywords", ())), sub.get("name_en", ""))
    return Taxonomy(categories, subs, details)


@lru_cache(maxsize=1)
def default() -> Taxonomy:
    """The default taxonomy, read once per process."""
    return parse(json.loads(PATH.read_text(encoding="utf-8")))
