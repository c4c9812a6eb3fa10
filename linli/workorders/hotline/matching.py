"""Matching a 12345 record's category and place to Linli's taxonomy and estates."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache

from linli.core.text import normalize
from linli.core.uploads import clip
from linli.people.registry_io import cell_text
from linli.places.models import Division, Estate

from .fields import COMMUNITY_SUFFIXES, MAP_CSV, STREET_SUFFIXES

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
