"""Volunteers and care at street scale, timed: balances, rankings, redemptions, the wish sweep, overdue care notices.

Runs on the configured database (SQLite by default, PostgreSQL with DATABASE_URL), migrates it if needed, builds
its data inside a transaction and rolls it back at the end, so the database is left as it was. Prints one JSON
object and writes it into bench/results/volunteers.json under the database vendor.

    .venv/bin/python bench/volunteers.py [--people 2000] [--entries 50]
"""

import argparse
import datetime
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linli.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from linli.care import services as care  # noqa: E402
from linli.care.models import CareSubject, VisitPlan  # noqa: E402
from linli.core.testing import build_world  # noqa: E402
from linli.people.models import Occupancy, Person  # noqa: E402
from linli.places.models import Building, Home  # noqa: E402
from linli.volunteers import services, wishes  # noqa: E402
from linli.volunteers.models import PointsAccount, PointsEntry, Volunteer, Wish  # noqa: E402
from linli.volunteers.selectors import ranking  # noqa: E402

OUT = Path(__file__).parent / "results" / "volunteers.json"


class Rollback(Exception):
    pass


def ms(fn, runs=3):
    start = time.perf_counter()
    result = fn()
    cold = (time.perf_counter() - start) * 1000
    warm = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        warm.append((time.perf_counter() - start) * 1000)
    return {"cold_ms": round(cold, 1), "warm_ms": round(statistics.median(warm), 1)}, result


def database_version() -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("select sqlite_version()")
            return "SQLite " + cursor.fetchone()[0]
        cursor.execute("show server_version")
        return "PostgreSQL " + cursor.fetchone()[0]


def build(people: int, per_person: int, rng: random.Random):
    w = build_world()
    now = timezone.now()
    building = Building.objects.create(estate=w.estate_a, number="bench")
    homes = Home.objects.bulk_create([Home(building=building, estate_id=w.estate_a.pk, number=str(i), area=50)
                                      for i in range(people)])
    persons = Person.objects.bulk_create([Person(name=f"志愿者{i}", initials=f"zyz{i}", is_elderly_alone=i % 10 == 0)
                                          for i in range(people)])
    Occupancy.objects.bulk_create([Occupancy(person=p, home=h, relation="owner") for p, h in zip(persons, homes,
                                                                                                 strict=True)])
    Volunteer.objects.bulk_create([Volunteer(person=p, community=w.c1) for p in persons])
    accounts = PointsAccount.objects.bulk_create([PointsAccount(person=p) for p in persons])
    entries = [PointsEntry(account=a, amount=rng.randint(5, 30), kind="activity", reason="bench", community=w.c1,
                           estate=w.estate_a, at=now - datetime.timedelta(days=rng.randrange(365)))
               for a in accounts for _ in range(per_person)]
    PointsEntry.objects.bulk_create(entries, batch_size=5000)
    return w, persons, len(entries)


def main(people: int, per_person: int) -> dict:
    call_command("migrate", verbosity=0)
    rng = random.Random(7)
    figures = {"database": database_version()}
    try:
        with transaction.atomic():
            start = time.perf_counter()
            w, persons, n_entries = build(people, per_person, rng)
            figures["rows"] = {"people": people, "points_entries": n_entries,
                               "build_s": round(time.perf_counter() - start, 1)}
            today = timezone.localdate()
            figures["balance_of_one_person"], _ = ms(lambda: services.balance(persons[0]))
            figures["ranking_community_30_days_top_10"], rows = ms(
                lambda: ranking(start=today - datetime.timedelta(days=29), end=today, community=w.c1))
            figures["ranking_community_365_days_top_50"], _ = ms(
                lambda: ranking(start=today - datetime.timedelta(days=364), end=today, community=w.c1, limit=50))
            reward = services.reward_create(actor=w.community_admin, community=w.c1, name="bench", cost=1, stock=10**6)
            times = []
            for person in persons[:200]:
                t = time.perf_counter()
                services.redeem(actor=w.community_admin, reward=reward, person=person)
                times.append((time.perf_counter() - t) * 1000)
            figures["redeem_one_median_ms"] = round(statistics.median(times), 1)
            figures["redeem_one_p95_ms"] = round(sorted(times)[int(len(times) * 0.95)], 1)

            # 1,000 claimed wishes, all overdue: the sweep returns them, the second run finds nothing.
            beneficiary = persons[1]
            past = timezone.now() - datetime.timedelta(days=30)
            Wish.objects.bulk_create([Wish(community=w.c1, beneficiary=beneficiary, title=f"心愿{i}", status="claimed",
                                           entered_by=w.community_admin, claimed_by_user=w.community_admin,
                                           claimed_at=past, claim_due=past + datetime.timedelta(days=14))
                                      for i in range(1000)])
            t = time.perf_counter()
            released = wishes.wishes_release_overdue()
            figures["wish_sweep_1000_overdue_ms"] = round((time.perf_counter() - t) * 1000, 1)
            t = time.perf_counter()
            again = wishes.wishes_release_overdue()
            figures["wish_sweep_again_ms"] = round((time.perf_counter() - t) * 1000, 1)
            assert (len(released), len(again)) == (1000, 0)

            # Care: every tenth person lives alone; all their weekly plans are overdue.
            subjects = CareSubject.objects.bulk_create([
                CareSubject(person=p, kinds=["elderly_alone"], community=w.c1, estate=w.estate_a,
                            created_by=w.community_admin) for p in persons if p.is_elderly_alone])
            plans = VisitPlan.objects.bulk_create([VisitPlan(subject=s, frequency="weekly", created_by=w.community_admin,
                                                             next_due=today - datetime.timedelta(days=3))
                                                   for s in subjects])
            VisitPlan.visitors.through.objects.bulk_create([VisitPlan.visitors.through(visitplan_id=p.pk,
                                                                                       user_id=w.grid_worker.pk)
                                                            for p in plans])
            t = time.perf_counter()
            made = care.notify_overdue(today=today)
            figures[f"care_notify_{len(plans)}_overdue_ms"] = round((time.perf_counter() - t) * 1000, 1)
            figures["care_notifications_made"] = made
            t = time.perf_counter()
            care.notify_overdue(today=today)
            figures["care_notify_again_ms"] = round((time.perf_counter() - t) * 1000, 1)
            raise Rollback
    except Rollback:
        pass
    return figures


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--entries", type=int, default=50, help="points entries per person")
    args = parser.parse_args()
    result = main(args.people, args.entries)
    OUT.parent.mkdir(exist_ok=True)
    # One file, one entry per database vendor (sqlite, postgresql).
    saved = json.loads(OUT.read_text()) if OUT.exists() else {}
    if "database" in saved:
        saved = {saved["database"].split()[0].lower(): saved}
    saved[connection.vendor] = result
    OUT.write_text(json.dumps(saved, ensure_ascii=False, indent=2))
    print(json.dumps(result, ensure_ascii=False, indent=2))
