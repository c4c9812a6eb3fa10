"""The synthetic city: districts, streets, communities, estates, homes and people, and ``seed()``."""

from __future__ import annotations

import datetime
import random
import time
from collections.abc import Callable

from django.db import connection, transaction
from django.utils import timezone

from linli.core.text import initials
from linli.people.models import Organization
from linli.places.models import Division

from .names import DIGITS, NUMERALS, PLACE_CHARS, NameMaker
from .tables import (
    BUILDING,
    CLUSTER,
    DIVISION,
    ESTATE,
    HOME,
    OCCUPANCY,
    ORGANIZATION,
    PERSON,
    STEWARDSHIP,
    TABLES,
    Table,
    Writer,
)

# -- the city --------------------------------------------------------------------------------------
KINDS = (  # kind, weight, built years, floors, entrances, homes per floor per entrance, area m²
    ("old", 44, (1965, 1999), (5, 7), (1, 3), (2, 2), (35, 75)),
    ("commodity", 30, (2000, 2023), (11, 33), (1, 2), (2, 4), (70, 120)),
    ("affordable", 8, (2010, 2023), (18, 32), (1, 2), (4, 6), (40, 70)),
    ("resettlement", 9, (2005, 2022), (11, 18), (1, 2), (2, 4), (60, 100)),
    ("dormitory", 6, (1960, 1995), (4, 6), (1, 2), (2, 4), (35, 60)),
    ("bungalow", 3, (1950, 1985), (1, 1), (1, 1), (6, 16), (35, 80)),
)
KIND_WEIGHTS = [k[1] for k in KINDS]
MODES = {  # kind → (mode, weight); bundling needs a professionally managed neighbour in the community
    "old": (("custodian", 30), ("market", 15), ("bundled", 15), ("self", 15), ("none", 25)),
    "commodity": (("market", 85), ("custodian", 5), ("self", 5), ("none", 5)),
    "affordable": (("custodian", 60), ("market", 40)),
    "resettlement": (("market", 50), ("custodian", 40), ("self", 10)),
    "dormitory": (("self", 40), ("market", 20), ("custodian", 20), ("none", 20)),
    "bungalow": (("none", 50), ("self", 30), ("custodian", 20)),
}
GOVERNANCE = {"market": "contract", "custodian": "multiparty", "bundled": "multiparty", "self": "self_governed",
              "none": "self_governed"}
SUFFIXES = {
    "old": ("新村", "小区", "一村", "二村", "院落", "宿舍区"),
    "commodity": ("花园", "雅苑", "家园", "名居", "华庭", "佳苑", "公馆"),
    "affordable": ("公租房", "保障房小区", "人才公寓"),
    "resettlement": ("安置小区", "还建房", "新居"),
    "dormitory": ("厂宿舍", "机关宿舍", "医院宿舍", "学校宿舍"),
    "bungalow": ("平房区", "老街"),
}


def _date(d: datetime.date) -> str:
    return d.isoformat()


class City:
    """Generates the rows of the synthetic city, estate by estate, with ids counted from ``last``."""

    def __init__(self, homes: int, rng: random.Random, today: datetime.date, first_district: int,
                 taken_district_names: set[str], taken_org_names: set[str]):
        self.left = homes
        self.rng = rng
        self.today = today
        self.names = NameMaker(rng)
        self.district_no = first_district
        self.taken_district_names = taken_district_names
        self.taken_org_names = taken_org_names
        self.district = self.street = self.community = None
        self.counts = dict.fromkeys(("divisions", "organizations", "clusters", "estates", "stewardships",
                                     "buildings", "homes", "persons", "occupancies"), 0)

    # ids and rows of the chunk being generated
    def _id(self, table: Table) -> int:
        self.last[table.db_table] += 1
        return self.last[table.db_table]

    def _pair(self, taken: set[str], template: str) -> str:
        rng = self.rng
        for _ in range(200):
            name = template.format(rng.choice(PLACE_CHARS) + rng.choice(PLACE_CHARS))
            if name not in taken:
                taken.add(name)
                return name
        n = len(taken)
        while True:  # crowded: add numerals until the name is free
            name = template.format(rng.choice(PLACE_CHARS) + "".join(DIGITS[int(d)] for d in str(n)))
            if name not in taken:
                taken.add(name)
                return name
            n += 1

    def _division(self, name: str, code: str, level: str, parent: dict | None) -> dict:
        pk = self._id(DIVISION)
        path = f"{parent['path'] if parent else ''}{code}/"
        self.rows[DIVISION].append((pk, name, initials(name), code, level, parent["id"] if parent else None, path))
        self.counts["divisions"] += 1
        return {"id": pk, "name": name, "code": code, "path": path, "children": 0, "names": set()}

    def _organization(self, name: str, kind: str, ownership: str, division: dict) -> int:
        pk = self._id(ORGANIZATION)
        credit = f"91{division['code'][:6]}MA{pk % 10_000_000:07d}X"[:18]
        self.rows[ORGANIZATION].append(
            (pk, name, initials(name), kind, ownership, "", division["id"], credit, f"023-{60000000 + pk % 9999999}")
        )
        self.counts["organizations"] += 1
        return pk

    def _new_district(self):
        rng = self.rng
        code = f"{self.district_no:06d}"
        self.district_no += 1
        name = self._pair(self.taken_district_names, "{}区")
        d = self._division(name, code, "district", None)
        d["streets_left"] = rng.randint(8, 14)
        stem = name[:-1]
        d["companies"] = [
            self._organization(self._pair(self.taken_org_names, stem + "{}物业服务有限公司"),
                               "property_company", "market", d)
            for _ in range(3)
        ]
        custodian = f"{stem}城市更新国有物业有限公司"
        if custodian in self.taken_org_names:
            custodian = self._pair(self.taken_org_names, stem + "{}国有物业有限公司")
        self.taken_org_names.add(custodian)
        d["custodian"] = self._organization(custodian, "property_company", "state", d)
        self.district = d

    def _new_street(self):
        rng = self.rng
        d = self.district
        d["children"] += 1
        d["streets_left"] -= 1
        name = self._pair(d["names"], "{}街道")
        s = self._division(name, f"{d['code']}{d['children']:03d}", "street", d)
        s["communities_left"] = rng.randint(6, 12)
        s["clusters"] = []
        for i in range(rng.randint(2, 4)):
            pk = self._id(CLUSTER)
            cname = f"{name[:-2]}{NUMERALS[i]}片区"
            self.rows[CLUSTER].append((pk, cname, initials(cname), s["id"]))
            s["clusters"].append(pk)
        self.counts["clusters"] += len(s["clusters"])
        self.street = s

    def _new_community(self):
        s = self.street
        s["children"] += 1
        s["communities_left"] -= 1
        name = self._pair(s["names"], "{}社区")
        c = self._division(name, f"{s['code']}{s['children']:03d}", "community", s)
        c["estates_left"] = self.rng.randint(4, 8)
        c["leads"] = []  # (estate id, provider id, start) of professionally managed estates, for bundling
        self.community = c

    def _ensure_community(self):
        if self.community is None or self.community["estates_left"] <= 0:
            if self.street is None or self.street["communities_left"] <= 0:
                if self.district is None or self.district["streets_left"] <= 0:
                    self._new_district()
                self._new_street()
            self._new_community()

    def generate(self, target: int, last: dict[str, int]) -> dict[Table, list[tuple]]:
        """Rows for whole estates totalling at least ``target`` homes (or what is left)."""
        self.last = last
        self.rows = {t: [] for t in TABLES}
        made = 0
        while made < target and self.left > 0:
            self._ensure_community()
            n = min(self.left, self.rng.randint(300, 500))
            self._estate(n)
            self.community["estates_left"] -= 1
            self.left -= n
            made += n
        return self.rows

    def _stewardship(self, estate_id: int, kind: str, built: int) -> str:
        rng, today, d, c = self.rng, self.today, self.district, self.community
        modes = MODES[kind]
        mode = rng.choices([m for m, _ in modes], [w for _, w in modes])[0]
        if mode == "bundled" and not c["leads"]:
            mode = "custodian"
        rows = self.rows[STEWARDSHIP]
        before = len(rows)
        since = datetime.date(max(built + 1, 2000), 1, 1)
        provider = lead = None
        contract = ("", None, None)
        start = since
        takeover = datetime.date(rng.randint(2019, 2023), rng.randint(1, 12), 1)
        if mode == "custodian" and since < takeover and rng.random() < 0.3:
            # unmanaged first, then taken over by the state custodian (脱管 → 托管)
            start = takeover
            rows.append((self._id(STEWARDSHIP), estate_id, "none", None, None, _date(since),
                         _date(start - datetime.timedelta(days=1)), "", None, None, "街道摸底登记：无物业服务",
                         "原物业撤出，无人管理", "existing"))
        if mode == "market":
            provider = rng.choice(d["companies"])
            cstart = today - datetime.timedelta(days=rng.randint(0, 1090))
            cend = cstart + datetime.timedelta(days=3 * 365)
            start = cstart
            contract = (f"WY-{estate_id:08d}", _date(cstart), _date(cend))
            basis = "业主大会决定选聘"
        elif mode == "custodian":
            provider = d["custodian"]
            basis = "街道托管框架协议"
        elif mode == "bundled":
            lead, provider, lead_start = rng.choice(c["leads"])
            start = max(start, lead_start)
            basis = "街道指定，由相邻小区物业套管"
        elif mode == "self":
            basis = "业主自行管理"
        else:
            basis = "街道摸底登记：无物业服务"
        # The synthetic city's management predates Linli: each estate's history is its first record (EXISTING,
        # docs/stewardship.md).
        rows.append((self._id(STEWARDSHIP), estate_id, mode, provider, lead, _date(start), None, *contract, basis, "",
                     "existing"))
        self.counts["stewardships"] += len(rows) - before
        if mode in ("market", "custodian"):
            c["leads"].append((estate_id, provider, start))
        return mode

    def _estate(self, n: int) -> None:
        rng, names, c = self.rng, self.names, self.community
        kind, _, years, floors, entrances, per_floor, area = rng.choices(KINDS, KIND_WEIGHTS)[0]
        eid = self._id(ESTATE)
        built = rng.randint(*years)
        name = self._pair(c["names"], "{}" + rng.choice(SUFFIXES[kind]))
        cluster = rng.choice(self.street["clusters"]) if kind == "old" and rng.random() < 0.8 else None
        mode = self._stewardship(eid, kind, built)
        address = f"{rng.choice(PLACE_CHARS)}{rng.choice(PLACE_CHARS)}路{rng.randint(1, 300)}号"
        self.rows[ESTATE].append((eid, name, initials(name), c["id"], cluster, kind, GOVERNANCE[mode], built, address))
        self.counts["estates"] += 1
        moved_in = _date(datetime.date(min(built + 1, self.today.year), rng.randint(1, 12), rng.randint(1, 28)))

        buildings, homes, persons, occupancies = (self.rows[t] for t in (BUILDING, HOME, PERSON, OCCUPANCY))
        last = self.last
        hid, pid, oid = last[HOME.db_table], last[PERSON.db_table], last[OCCUPANCY.db_table]
        rnd, name_of, phone_of = rng.random, names.name, names.phone
        lo, hi = area[0] * 100, area[1] * 100
        left = n
        number = 0
        while left > 0:
            number += 1
            bid = self._id(BUILDING)
            nf, ne, npf = rng.randint(*floors), rng.randint(*entrances), rng.randint(*per_floor)
            buildings.append((bid, eid, f"{number}栋", nf, built))
            bungalow = kind == "bungalow"
            # One floor plan per building: the flat at entrance e, position k has the same area on every floor.
            plan = [[f"{a // 100}.{a % 100:02d}" for a in (rng.randint(lo, hi) for _ in range(npf))]
                    for _ in range(ne)]
            for e in range(ne):
                entrance = "" if bungalow else str(e + 1)
                areas = plan[e]
                for fl in range(1, nf + 1):
                    for k in range(npf):
                        if left == 0:
                            break
                        left -= 1
                        hid += 1
                        pid += 1
                        oid += 1
                        homes.append((hid, bid, eid, entrance, fl, f"{k + 1}号" if bungalow else f"{fl}{k + 1:02d}",
                                      areas[k]))
                        full, ini = name_of()
                        r = rnd()
                        persons.append((pid, full, ini, phone_of(), r < 0.06, 0.06 <= r < 0.09, 0.09 <= r < 0.1,
                                        0.1 <= r < 0.12))
                        occupancies.append((oid, pid, hid, "owner", moved_in, None))
        self.counts["buildings"] += number
        self.counts["homes"] += n
        self.counts["persons"] += n
        self.counts["occupancies"] += n
        last[HOME.db_table], last[PERSON.db_table], last[OCCUPANCY.db_table] = hid, pid, oid


def _first_free_district_number() -> int:
    codes = Division.objects.filter(level=Division.Level.DISTRICT, code__startswith="9").values_list("code", flat=True)
    numbers = [int(c) for c in codes if len(c) == 6 and c.isdigit()]
    return max(numbers, default=900000) + 1


def seed(homes: int, *, seed: int = 1, out: Callable[[str], None] | None = None,
         chunk_homes: int | None = None) -> dict:
    """Add a synthetic city of ``homes`` homes (one owner each); returns the counts and the seconds taken."""
    if homes < 1:
        raise ValueError("homes must be at least 1")
    out = out or (lambda line: None)
    rng = random.Random(seed)
    writer = Writer()
    today = timezone.localdate()
    first = _first_free_district_number()
    if first > 999999:
        raise RuntimeError("no free 9xxxxx district code left")
    city = City(
        homes, rng, today, first,
        set(Division.objects.filter(level=Division.Level.DISTRICT).values_list("name", flat=True)),
        set(Organization.objects.values_list("name", flat=True)),
    )
    chunk = chunk_homes or max(1, min(100_000, -(-homes // 10)))
    out(f"生成 {homes:,} 户（种子 {seed}，区划代码自 {first:06d} 起，{connection.vendor}）")
    started = time.perf_counter()
    rows_written = 0
    next_report = 10
    while city.left > 0:
        with transaction.atomic():
            last = writer.begin_chunk()
            batch = city.generate(chunk, last)
            for table in TABLES:
                writer.write(table, batch[table])
                rows_written += len(batch[table])
            writer.end_chunk(last)
        done = homes - city.left
        pct = done * 100 // homes
        if pct >= next_report or city.left == 0:
            elapsed = time.perf_counter() - started
            out(f"  {pct:3d}%  {done:>12,} 户  {rows_written:>12,} 行  {elapsed:7.1f} 秒  "
                f"{rows_written / elapsed:>10,.0f} 行/秒")
            next_report = (pct // 10 + 1) * 10
    writer.analyze()
    seconds = time.perf_counter() - started
    summary = dict(city.counts, rows=rows_written, seconds=round(seconds, 2))
    out("完成：" + "，".join(f"{k} {v:,}" for k, v in city.counts.items())
        + f"；共 {rows_written:,} 行，{seconds:.1f} 秒（{rows_written / seconds:,.0f} 行/秒）")
    return summary
