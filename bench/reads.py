"""Registry reads at scale, timed; run by bench/run.py after ``linli seed`` with DATABASE_URL set.

Prints one JSON object: the row counts, the database version and, per read, the first (cold) time and the
median of three more (warm), in milliseconds. The users it needs are made in a transaction rolled back
at the end, so the database is left as the seed made it.
"""

import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linli.settings")

import django  # noqa: E402

django.setup()

from django.core.paginator import Paginator  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402

from linli.core.testing import make_user  # noqa: E402
from linli.people.models import Occupancy, Person, Role  # noqa: E402
from linli.places.filters import EstateFilterSet, search_q  # noqa: E402
from linli.places.models import Building, Division, Estate, Home  # noqa: E402
from linli.places.selectors import coverage, with_current_mode  # noqa: E402

WARM_RUNS = 3


def timed(fn) -> dict:
    start = time.perf_counter()
    result = fn()
    cold = (time.perf_counter() - start) * 1000
    warm = []
    for _ in range(WARM_RUNS):
        start = time.perf_counter()
        fn()
        warm.append((time.perf_counter() - start) * 1000)
    return {"cold_ms": round(cold, 1), "warm_ms": round(statistics.median(warm), 1), "result": result}


def database_version() -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("select sqlite_version()")
            return "SQLite " + cursor.fetchone()[0]
        cursor.execute("show server_version")
        return "PostgreSQL " + cursor.fetchone()[0]


def main() -> dict:
    counts = {m.__name__: m.objects.count() for m in (Division, Estate, Building, Home, Person, Occupancy)}
    # The largest synthetic district, one of its streets and one of its estates.
    district = (Division.objects.filter(level="district", code__startswith="9")
                .annotate(n=Count("children")).order_by("-n", "code").first())
    street = Division.objects.filter(parent=district).order_by("code").first()
    estate = Estate.objects.filter(community__path__startswith=street.path).order_by("pk").first()
    query = estate.initials[:2]
    person_query = Person.objects.order_by("pk").values_list("initials", flat=True).first()[:2]
    reads = {}
    with transaction.atomic():
        district_admin = make_user("bench_district_admin", Role.DISTRICT_ADMIN, division=district)
        street_admin = make_user("bench_street_admin", Role.STREET_ADMIN, division=street)

        def coverage_district():
            cov = coverage(district)
            return {"estates": cov.estates_total, "homes": cov.homes_total, "unmanaged": len(cov.unmanaged),
                    "expiring": len(cov.expiring)}

        def coverage_page():
            # what /places/coverage/<district>/ computes: the district, then each street, within the user's scope
            estates = Estate.objects.visible_to(district_admin)
            coverage(district, estates=estates)
            streets = Division.objects.visible_to(district_admin).filter(parent=district)
            return {"streets": len([coverage(s, estates=estates) for s in streets])}

        def estate_search(q):
            # the estate list page: visible estates with their current mode, searched by name or pinyin initials
            def read():
                qs = with_current_mode(Estate.objects.visible_to(district_admin).select_related("community", "cluster"))
                qs = EstateFilterSet({"q": q}, queryset=qs).qs.order_by("community__path", "name")
                page = Paginator(qs, 50).get_page(1)
                return {"query": q, "matches": page.paginator.count, "shown": len(list(page))}
            return read

        def unmanaged_in_street():
            qs = with_current_mode(Estate.objects.visible_to(street_admin)).filter(mode="none")
            return {"estates": qs.count()}

        def person_search():
            qs = Person.objects.visible_to(street_admin).filter(search_q(person_query, "name")).order_by("name", "id")
            return {"query": person_query, "shown": len(list(qs[:50]))}

        def homes_of_a_building():
            building = estate.buildings.order_by("number").first()
            homes = Home.objects.visible_to(street_admin).filter(building=building).order_by("entrance", "floor", "number")
            # As places.views.building_homes asks it (an explicit order, not Occupancy.Meta.ordering's joins).
            owners = list(Occupancy.objects.current().filter(home__in=homes).select_related("person")
                          .order_by("relation", "pk"))
            return {"homes": homes.count(), "occupancies": len(owners)}

        def homes_in_district():
            return {"homes": Home.objects.visible_to(district_admin).count()}

        reads["coverage(district)"] = timed(coverage_district)
        reads["coverage page (district + streets)"] = timed(coverage_page)
        reads["estate list, search by initials"] = timed(estate_search(query))
        reads["estate list, search by name"] = timed(estate_search("花园"))
        reads["unmanaged estates of a street"] = timed(unmanaged_in_street)
        reads["person search by initials (street admin)"] = timed(person_search)
        reads["homes and occupants of a building"] = timed(homes_of_a_building)
        reads["count homes visible to district admin"] = timed(homes_in_district)
        transaction.set_rollback(True)
    return {
        "database": database_version(),
        "counts": counts,
        "district": {"code": district.code, "name": district.name},
        "reads": reads,
    }


if __name__ == "__main__":
    print(json.dumps(main(), ensure_ascii=False))
