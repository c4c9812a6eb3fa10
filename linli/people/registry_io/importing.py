"""Planning an import (match rows to what exists, decide what to create and change) and applying it."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from linli.core.text import initials, mask_phone
from linli.core.uploads import clip
from linli.people.actors import is_system
from linli.people.models import Occupancy, Person
from linli.people.scopes import Scope, forget_scopes, scope_for
from linli.places.models import Building, Division, Estate, Home

from .columns import BATCH, KIND_LABEL, header
from .parsing import Row, parse_table
from .reading import FileError, _norm, read_table
from .results import ImportResult

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
                    forget_scopes()  # new occupancies: their residents' scopes grow
                    result.committed = True
        except IntegrityError:
            # Another import wrote the same records at the same moment (PostgreSQL); nothing of ours stays.
            result.committed = False
            result.error(None, "", "导入时登记信息被其他人同时修改，没有写入任何数据，请重新导入")
    else:
        _plan(rows, scope, result)
    result.sort_errors()
    return result
