"""``linli demo``: one street modelled on 九宫庙街道, 大渡口区, 重庆 (seed 002), with a login per role.

The article counts 184 residential buildings, 134 of them old, in 7 communities and 14 clusters (片区),
3,588 households; a street 物业服务中心, 物业服务站 in 锦霞 and 新工, the 红管家 volunteers. The state
custodian taking over unmanaged estates follows seed 000 (聊城). 锦霞社区 and 新工社区 are named in the
article; the other five communities, every estate, company and person are invented.

Running it twice changes nothing. The random choices are seeded, so every run builds the same street
(dates are counted from today, so that contracts end "within 90 days" whenever it is run).
"""

from __future__ import annotations

import datetime
import random
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from linli.core.actors import system_actor
from linli.core.text import initials
from linli.people.models import Membership, Occupancy, Organization, Person, Role, User
from linli.people.scopes import forget_scopes
from linli.people.seed import NameMaker
from linli.places.models import Building, Cluster, Division, Estate, Home
from linli.places.services import stewardship_register_existing

PASSWORD = "linli2026"
SEED = 20220302  # the day the article was posted
TOTAL_HOMES = 3588

DISTRICT = ("大渡口区", "500104")
STREET = ("九宫庙街道", "500104001")
# (name, road used in addresses); codes 500104001001 … in this order.
COMMUNITIES = (
    ("锦霞社区", "锦霞街"),
    ("新工社区", "新工路"),
    ("九宫庙社区", "九宫庙街"),
    ("钢花社区", "钢花路"),
    ("松青社区", "松青路"),
    ("翠园社区", "翠园路"),
    ("金桥社区", "金桥路"),
)
# 14 clusters (组团) of the old buildings; 钢松片区 spans 钢花社区 and 松青社区.
CLUSTERS = (
    "锦霞一片区", "锦霞二片区", "新工东片区", "新工西片区", "九宫庙上片区", "九宫庙下片区", "钢花片区",
    "钢松片区", "松青一片区", "松青二片区", "翠园一片区", "翠园二片区", "金桥一片区", "金桥二片区",
)

MARKET_COMPANY = "重庆渝锦物业服务有限公司"
STATE_CUSTODIAN = "重庆义渡城市更新物业服务有限公司"


# Stewardship steps, oldest first. A date is absolute; an int is days from today.
def market(end_in_days: int, start=None) -> dict:
    return {"mode": "market", "end_in_days": end_in_days, "start": start}


def custodian(start) -> dict:
    return {"mode": "custodian", "start": start}


def bundled(lead: str, start) -> dict:
    return {"mode": "bundled", "lead": lead, "start": start}


def self_managed(start) -> dict:
    return {"mode": "self", "start": start}


def unmanaged(start, note: str = "") -> dict:
    return {"mode": "none", "start": start, "note": note}


D = datetime.date
TAKEOVER = D(2021, 5, 1)  # the street's custodian framework agreement
# (estate, community, kind, buildings, cluster, stewardship history)
ESTATES = (
    ("锦霞小区", "锦霞社区", "old", 8, "锦霞一片区", [unmanaged(D(2016, 3, 1), "原单位物业撤出"), custodian(TAKEOVER)]),
    ("锦霞二村", "锦霞社区", "old", 3, "锦霞一片区", [bundled("锦霞小区", D(2021, 7, 1))]),
    ("锦霞三村", "锦霞社区", "old", 6, "锦霞二片区", [custodian(TAKEOVER)]),
    ("胜利新村", "锦霞社区", "old", 5, "锦霞二片区", [self_managed(D(2019, 1, 1))]),
    ("锦霞苑", "锦霞社区", "commodity", 5, None, [market(45)]),
    ("锦霞公租房", "锦霞社区", "affordable", 3, None, [market(400)]),
    ("新工村", "新工社区", "old", 9, "新工东片区", [unmanaged(D(2015, 1, 1), "无物业、无业委会"), custodian(TAKEOVER)]),
    ("新工二村", "新工社区", "old", 4, "新工东片区", [bundled("新工村", D(2021, 8, 1))]),
    ("重钢新工宿舍", "新工社区", "old", 5, "新工西片区", [market(620)]),
    ("新工老街院落", "新工社区", "old", 4, "新工西片区", [unmanaged(D(2012, 1, 1), "无物业、无业委会、无经营性收益")]),
    ("新工嘉园", "新工社区", "commodity", 4, None, [market(75)]),
    ("新工安置小区", "新工社区", "resettlement", 2, None, [custodian(D(2022, 1, 1))]),
    ("九宫庙小区", "九宫庙社区", "old", 7, "九宫庙上片区", [custodian(TAKEOVER)]),
    ("九宫庙一村", "九宫庙社区", "old", 5, "九宫庙上片区", [bundled("九宫庙小区", D(2021, 9, 1))]),
    ("大堰村小区", "九宫庙社区", "old", 4, "九宫庙下片区", [self_managed(D(2018, 6, 1))]),
    ("九宫庙后街院落", "九宫庙社区", "old", 4, "九宫庙下片区", [unmanaged(D(2010, 1, 1)), custodian(-60)]),
    ("九宫庙花园", "九宫庙社区", "commodity", 5, None, [market(900)]),
    ("钢城宿舍", "九宫庙社区", "dormitory", 3, None, [self_managed(D(2017, 1, 1))]),
    ("钢花村", "钢花社区", "old", 8, "钢花片区", [custodian(TAKEOVER)]),
    ("钢花二村", "钢花社区", "old", 5, "钢花片区", [market(300)]),
    ("钢花路宿舍", "钢花社区", "old", 4, "钢松片区", [bundled("钢花村", D(2021, 10, 1))]),
    ("钢花老院", "钢花社区", "old", 3, "钢松片区", [unmanaged(D(2014, 1, 1))]),
    ("钢花佳苑", "钢花社区", "commodity", 4, None, [market(500)]),
    ("钢花公租房", "钢花社区", "affordable", 2, None, [custodian(D(2020, 3, 1))]),
    ("松青村", "松青社区", "old", 7, "松青一片区", [unmanaged(D(2013, 1, 1)), custodian(TAKEOVER)]),
    ("松青二村", "松青社区", "old", 5, "钢松片区", [custodian(TAKEOVER)]),
    ("松青路院落", "松青社区", "old", 6, "松青二片区", [market(200)]),
    ("松青雅居", "松青社区", "commodity", 5, None, [market(700)]),
    ("松青安置房", "松青社区", "resettlement", 3, None, [market(150)]),
    ("翠园小区", "翠园社区", "old", 6, "翠园一片区", [custodian(TAKEOVER)]),
    ("翠园新村", "翠园社区", "old", 5, "翠园一片区", [bundled("翠园小区", D(2021, 11, 1))]),
    ("电厂宿舍区", "翠园社区", "old", 5, "翠园二片区", [market(365)]),
    ("翠园名居", "翠园社区", "commodity", 5, None, [market(20)]),
    ("翠园单位宿舍", "翠园社区", "dormitory", 3, None, [unmanaged(D(2016, 1, 1), "原产权单位改制后无人管理")]),
    ("金桥村", "金桥社区", "old", 7, "金桥一片区", [custodian(TAKEOVER)]),
    ("金桥二村", "金桥社区", "old", 5, "金桥二片区",
     [market(None, start=D(2016, 7, 1)), unmanaged(D(2019, 7, 1), "原物业服务达不到业主满意，合同到期退出")]),
    ("金桥院落", "金桥社区", "old", 4, "金桥二片区", [self_managed(D(2020, 1, 1))]),
    ("金桥花园", "金桥社区", "commodity", 4, None, [market(1000)]),
    ("金桥公租房", "金桥社区", "affordable", 2, None, [custodian(D(2020, 9, 1))]),
)
GOVERNANCE = {"market": "contract", "custodian": "multiparty", "bundled": "multiparty", "self": "self_governed",
              "none": "self_governed"}
# kind → built years, floors (min, max), entrances weights (1, 2, 3), flats per floor, area m²
LAYOUT = {
    "old": ((1972, 1992), (4, 7), (35, 45, 20), 2, (38, 72)),
    "dormitory": ((1965, 1985), (4, 6), (50, 50, 0), 2, (35, 58)),
    "affordable": ((2012, 2016), (6, 9), (40, 60, 0), 2, (45, 68)),
    "resettlement": ((2008, 2014), (6, 8), (40, 60, 0), 2, (60, 95)),
    "commodity": ((2003, 2015), (6, 9), (50, 50, 0), 2, (78, 120)),
}
DEPARTMENTS = (
    ("大渡口区城市管理局", "urban_management"),
    ("大渡口区园林绿化服务中心", "landscaping"),
    ("大渡口区住房和城乡建设委员会", "housing"),
    ("大渡口区消防救援支队", "fire"),
    ("重庆水务集团大渡口供水分公司", "water"),
    ("国网重庆市电力公司大渡口供电分公司", "power"),
    ("重庆燃气集团大渡口分公司", "gas"),
    ("大渡口区机关事务管理局", "other"),
)


@dataclass(frozen=True)
class Login:
    username: str
    role: str  # Role value; "" for the superuser
    role_label: str
    scope: str


LOGINS = (
    Login("resident", Role.RESIDENT, "居民（业主）", "锦霞社区 锦霞小区 1栋1单元302"),
    Login("property_staff", Role.PROPERTY_STAFF, "物业服务人员", MARKET_COMPANY),
    Login("property_manager", Role.PROPERTY_MANAGER, "物业项目经理", MARKET_COMPANY),
    Login("custodian_manager", Role.PROPERTY_MANAGER, "物业项目经理（国有托管）", STATE_CUSTODIAN),
    Login("grid_worker", Role.GRID_WORKER, "网格员", "新工社区"),
    Login("community_admin", Role.COMMUNITY_ADMIN, "社区管理员", "锦霞社区"),
    Login("street_admin", Role.STREET_ADMIN, "街道管理员", "九宫庙街道"),
    Login("department_handler", Role.DEPARTMENT_HANDLER, "部门承办人", "大渡口区城市管理局"),
    Login("district_admin", Role.DISTRICT_ADMIN, "区级管理员", "大渡口区"),
    Login("auditor", Role.AUDITOR, "审计（只读）", "大渡口区"),
    Login("admin", "", "超级管理员（/admin/）", "全部"),
    # Issue 19: owners' committee members. Their role comes from their seat (a people.Post written by the assembly's
    # demo, linli/assembly/demo.py load_committees), never from a membership: these accounts get none here.
    Login("committee_chair", Role.COMMITTEE_MEMBER, "业主委员会主任", "锦霞小区业主委员会"),
    Login("committee_member", Role.COMMITTEE_MEMBER, "业主委员会委员", "锦霞小区业主委员会"),
)
RESIDENT_HOME = ("锦霞小区", "1栋", "1", "302")
# The demo resident's phone, for 手机验证码登录 (docs/sign-in.md): the code is written to the server's log.
RESIDENT_PHONE = "13900000302"


# -- helpers -------------------------------------------------------------------------------------
CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code(body17: str) -> str:
    """统一社会信用代码 with its check character (GB 32100-2015)."""
    total = sum(CREDIT_CHARS.index(c) * w for c, w in zip(body17, CREDIT_WEIGHTS, strict=True))
    return body17 + CREDIT_CHARS[(31 - total % 31) % 31]


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def login_table() -> list[str]:
    rows = [("用户名", "角色", "范围")] + [(lg.username, lg.role_label, lg.scope) for lg in LOGINS]
    widths = [max(_width(r[i]) for r in rows) for i in range(3)]
    lines = []
    for i, row in enumerate(rows):
        lines.append("  ".join(_pad(cell, widths[j]) for j, cell in enumerate(row)).rstrip())
        if i == 0:
            lines.append("  ".join("-" * w for w in widths))
    return lines


@dataclass
class _Layout:
    estate: str
    number: str
    floors: int
    entrances: int
    per_floor: int
    min_floors: int
    max_floors: int
    missing: int = 0  # flats missing on the top floor (merged into a duplex), to hit the article's total

    @property
    def homes(self) -> int:
        return self.floors * self.entrances * self.per_floor - self.missing


def fit_layouts(layouts: list[_Layout], target: int, rng: random.Random) -> None:
    """Adjust floors (within each kind's range), then top-floor flats, until the homes add up to ``target``."""
    total = sum(lay.homes for lay in layouts)
    order = list(range(len(layouts)))
    changed = True
    while changed and total != target:
        changed = False
        rng.shuffle(order)
        for i in order:
            lay, diff = layouts[i], target - total
            step = lay.entrances * lay.per_floor
            if diff >= step and lay.floors < lay.max_floors:
                lay.floors += 1
                total += step
                changed = True
            elif diff <= -step and lay.floors > lay.min_floors:
                lay.floors -= 1
                total -= step
                changed = True
    if total < target:  # one more floor somewhere, then take flats off top floors
        lay = max(layouts, key=lambda x: x.max_floors - x.floors)
        lay.floors += 1
        total += lay.entrances * lay.per_floor
    for i in order * 4:
        if total == target:
            break
        lay = layouts[i]
        if lay.missing < lay.per_floor * lay.entrances - 1:
            lay.missing += 1
            total -= 1
    if total != target:
        raise RuntimeError(f"cannot lay out {target} homes (got {total})")


# -- the loader ------------------------------------------------------------------------------------
# The street is the first part of ``linli demo`` (see linli.core.demo): PeopleConfig.demo names load() and
# PeopleConfig.demo_done names print_logins(), which runs after every other app has added its part.


def demo_exists() -> bool:
    return Division.objects.filter(code=STREET[1]).exists()


def load(*, out: Callable[[str], None]) -> bool:
    """Load the demo street; False (and nothing written) if it is already there."""
    if demo_exists():
        out("演示数据已存在（九宫庙街道 500104001），未做任何修改。")
        return False
    with transaction.atomic():
        counts = _load()
        forget_scopes()  # memberships and occupancies written
    out("已载入演示数据：大渡口区 九宫庙街道，" + "，".join(f"{k} {v:,}" for k, v in counts.items()) + "。")
    return True


def print_logins(*, out: Callable[[str], None]) -> None:
    out("")
    out(f"演示账号（密码均为 {PASSWORD}）：")
    for line in login_table():
        out("  " + line)
    out(f"手机验证码登录：居民 resident 的手机号 {RESIDENT_PHONE}；未配置短信服务时，验证码写在服务器日志里"
        "（LOG_LEVEL=INFO，见 docs/sign-in.md）。")


def _load() -> dict[str, int]:
    rng = random.Random(SEED)
    names = NameMaker(rng)
    today = timezone.localdate()

    def when(value) -> datetime.date:
        return today + datetime.timedelta(days=value) if isinstance(value, int) else value

    # divisions
    district = Division.objects.filter(code=DISTRICT[1]).first() or Division.objects.create(
        name=DISTRICT[0], code=DISTRICT[1], level=Division.Level.DISTRICT
    )
    street = Division.objects.create(name=STREET[0], code=STREET[1], level=Division.Level.STREET, parent=district)
    communities = {
        name: Division.objects.create(name=name, code=f"{STREET[1]}{i:03d}", level=Division.Level.COMMUNITY,
                                      parent=street)
        for i, (name, _) in enumerate(COMMUNITIES, start=1)
    }
    roads = dict(COMMUNITIES)
    clusters = {c.name: c for c in Cluster.objects.bulk_create(
        [Cluster(name=n, initials=initials(n), street=street) for n in CLUSTERS]
    )}

    # organisations
    def org(name, kind, division, ownership="", field="", code=""):
        return Organization(name=name, initials=initials(name), kind=kind, division=division, ownership=ownership,
                            field=field, credit_code=code, phone=f"023-6{rng.randrange(10**7):07d}")

    orgs = [
        org(MARKET_COMPANY, "property_company", district, "market", code=credit_code("91500104MA5U7K3P2")),
        org(STATE_CUSTODIAN, "property_company", district, "state", code=credit_code("91500104MA60BN8Q1")),
        org("九宫庙街道办事处", "street_office", street),
        org("九宫庙街道物业服务中心", "property_centre", street),
        org("中共九宫庙街道工作委员会", "party_branch", street),
        org("九宫庙街道“红管家”志愿服务队", "volunteer_team", street),
        org("锦霞社区物业服务站", "service_station", communities["锦霞社区"], code=credit_code("52500104MJP4021X7")),
        org("新工社区物业服务站", "service_station", communities["新工社区"], code=credit_code("52500104MJP40225L")),
    ]
    orgs += [org(f"{name[:-2]}社区居民委员会", "community_committee", c) for name, c in communities.items()]
    orgs += [org(name, "department", district, field=f) for name, f in DEPARTMENTS]
    committees = {}
    for name, community, _, _, _, steps in ESTATES:
        if steps[-1]["mode"] == "self":
            committees[name] = org(f"{name}自管委员会", "self_management", communities[community])
    owners_committees = [org(f"{n}业主委员会", "owners_committee", communities[c]) for n, c in
                         (("锦霞苑", "锦霞社区"), ("九宫庙花园", "九宫庙社区"))]
    Organization.objects.bulk_create(orgs + list(committees.values()) + owners_committees)
    by_name = {o.name: o for o in orgs}
    company, state = by_name[MARKET_COMPANY], by_name[STATE_CUSTODIAN]

    # estates
    estates = {}
    for name, community, kind, _, cluster, steps in ESTATES:
        years = LAYOUT[kind][0]
        estates[name] = Estate(
            name=name, initials=initials(name), community=communities[community],
            cluster=clusters[cluster] if cluster else None, kind=kind, governance=GOVERNANCE[steps[-1]["mode"]],
            built_year=rng.randint(*years), address=f"{roads[community]}{rng.randint(1, 180)}号",
            latitude=Decimal(f"29.{rng.randint(470000, 500000)}"), longitude=Decimal(f"106.{rng.randint(470000, 500000)}"),
        )
    Estate.objects.bulk_create(list(estates.values()))

    # who manages each estate, in order so that a bundled estate's lead is managed before it
    contract_no = iter(range(1, 100))
    for name, _, _, _, _, steps in sorted(ESTATES, key=lambda e: any(s["mode"] == "bundled" for s in e[5])):
        estate = estates[name]
        history = []  # the estate's management before Linli, recorded at once as its first record (EXISTING)
        for step in steps:
            mode, kwargs = step["mode"], {}
            if mode == "market":
                if step["end_in_days"] is None:  # a past contract, ended by the next step
                    start = step["start"]
                    end = start.replace(year=start.year + 3) - datetime.timedelta(days=1)
                else:
                    end = when(step["end_in_days"])
                    start = end.replace(year=end.year - 3) + datetime.timedelta(days=1)
                kwargs = dict(provider=company, contract_no=f"YJWY-JGM-{start.year}-{next(contract_no):03d}",
                              contract_start=start, contract_end=end, basis="业主大会决定选聘（民法典第278条）")
            elif mode == "custodian":
                start = when(step["start"])
                kwargs = dict(provider=state, contract_no=f"YDTG-{start.year}-{next(contract_no):03d}",
                              contract_start=start, basis="九宫庙街道老旧小区国有托管框架协议")
            elif mode == "bundled":
                start = when(step["start"])
                kwargs = dict(lead_estate=estates[step["lead"]], basis="街道物业服务中心统筹，由相邻小区物业套管")
            elif mode == "self":
                start = when(step["start"])
                kwargs = dict(provider=committees[name], basis="居民议事会决定自管")
            else:
                start = when(step["start"])
                kwargs = dict(note=step.get("note", ""), basis="街道物业服务中心摸底登记：无物业服务")
            history.append(dict(mode=mode, start=start, **kwargs))
        stewardship_register_existing(estate=estate, history=history, actor=system_actor())

    # buildings, laid out to the article's 184 buildings and 3,588 homes
    layouts = []
    for name, _, kind, count, _, _ in ESTATES:
        _, (fmin, fmax), entrance_weights, per_floor, _ = LAYOUT[kind]
        for n in range(1, count + 1):
            layouts.append(_Layout(
                estate=name, number=f"{n}栋", floors=rng.randint(fmin, fmax),
                entrances=rng.choices((1, 2, 3), entrance_weights)[0], per_floor=per_floor,
                min_floors=fmin, max_floors=fmax + 1,
            ))
    fit_layouts(layouts, TOTAL_HOMES, rng)
    buildings = Building.objects.bulk_create([
        Building(estate=estates[lay.estate], number=lay.number, floors=lay.floors,
                 built_year=estates[lay.estate].built_year)
        for lay in layouts
    ])

    homes = []
    for lay, building in zip(layouts, buildings, strict=True):
        estate = estates[lay.estate]
        lo, hi = (a * 100 for a in LAYOUT[estate.kind][4])
        plan = [[Decimal(rng.randint(lo, hi)) / 100 for _ in range(lay.per_floor)] for _ in range(lay.entrances)]
        for e in range(lay.entrances):
            for floor in range(1, lay.floors + 1):
                for k in range(lay.per_floor):
                    # the last flats of the top floor of the last entrances are merged (duplex)
                    top_missing = lay.missing - (lay.entrances - 1 - e) * lay.per_floor
                    if floor == lay.floors and k >= lay.per_floor - top_missing:
                        continue
                    homes.append(Home(building=building, estate_id=estate.pk, entrance=str(e + 1), floor=floor,
                                      number=f"{floor}{k + 1:02d}", area=plan[e][k].quantize(Decimal("0.01"))))
    Home.objects.bulk_create(homes, batch_size=1000)

    # residents
    resident_home = next(
        h for h in homes
        if (h.building.estate.name, h.building.number, h.entrance, h.number) == RESIDENT_HOME
    )
    persons, ties = [], []  # ties: (person index, home, relation, start)

    def person(old: bool) -> int:
        name, _ = names.name()
        r = rng.random()
        persons.append(Person(
            name=name, initials=initials(name), phone=names.phone(),
            is_party_member=r < 0.08,
            is_elderly_alone=rng.random() < (0.06 if old else 0.01),
            is_disabled=rng.random() < 0.015,
            is_hardship=rng.random() < (0.04 if old else 0.005),
        ))
        return len(persons) - 1

    resident_index = None
    for home in homes:
        estate = home.building.estate
        old = estate.kind in ("old", "dormitory")
        if home is resident_home or rng.random() < 0.93:
            moved_in = D(rng.randint(estate.built_year + 1, today.year - 1), rng.randint(1, 12), rng.randint(1, 28))
            owner = person(old)
            ties.append((owner, home, Occupancy.Relation.OWNER, moved_in))
            if home is resident_home:
                resident_index = owner
            elif rng.random() < 0.18:
                ties.append((person(old), home, Occupancy.Relation.CO_OWNER, moved_in))
            if rng.random() < 0.06:
                ties.append((person(old), home, Occupancy.Relation.FAMILY, moved_in))
        if home is not resident_home and rng.random() < 0.09:
            ties.append((person(False), home, Occupancy.Relation.TENANT,
                         today - datetime.timedelta(days=rng.randint(30, 1200))))
    persons[resident_index].phone = RESIDENT_PHONE  # a known number (no draw of rng: the rest stays the same)
    Person.objects.bulk_create(persons, batch_size=1000)
    Occupancy.objects.bulk_create(
        [Occupancy(person=persons[i], home=home, relation=relation, start=start) for i, home, relation, start in ties],
        batch_size=1000,
    )

    # logins, one password hash for all (the password is printed anyway)
    password = make_password(PASSWORD)
    scopes = {
        "resident": {"estate": estates[RESIDENT_HOME[0]]},
        "property_staff": {"organization": company},
        "property_manager": {"organization": company},
        "custodian_manager": {"organization": state},
        "grid_worker": {"division": communities["新工社区"]},
        "community_admin": {"division": communities["锦霞社区"]},
        "street_admin": {"division": street},
        "department_handler": {"organization": by_name["大渡口区城市管理局"]},
        "district_admin": {"division": district},
        "auditor": {"division": district},
    }
    taken = set(User.objects.filter(username__in=[lg.username for lg in LOGINS]).values_list("username", flat=True))
    for lg in LOGINS:
        if lg.username in taken:
            continue
        display, _ = names.name()
        user = User.objects.create(
            username=lg.username, password=password,
            display_name=f"{display}（{lg.role_label}）"[:60] if lg.role else "系统管理员",
            is_staff=not lg.role, is_superuser=not lg.role,
        )
        if lg.username == "resident":
            user.person = persons[resident_index]
            user.display_name = persons[resident_index].name
            user.save(update_fields=["person", "display_name"])
        if lg.role and lg.role != Role.COMMITTEE_MEMBER:  # a committee seat is a Post (issue 19), not a membership
            Membership.objects.create(user=user, role=lg.role, **scopes[lg.username])

    return {
        "社区": len(communities), "片区": len(clusters), "小区": len(estates), "楼栋": len(buildings),
        "房屋": len(homes), "人员": len(persons), "居住关系": len(ties), "组织": Organization.objects.count(),
    }
