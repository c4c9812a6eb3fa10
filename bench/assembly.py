"""Benchmark of owners' votes: the pure count at 10k–1M homes, the CLI on a big file, and a whole vote in a
database (electorate snapshot, ballots, count and notice) on SQLite and PostgreSQL.

    .venv/bin/python bench/assembly.py [--homes 5000] [--db sqlite|postgres|both]

Prints the figures and writes bench/results/assembly.json. The database part runs in a subprocess per
database with DATABASE_URL set: SQLite in a temporary file, PostgreSQL in ``linli_bench_assembly`` (created
and dropped here).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results"
PG = "postgres://postgres@127.0.0.1:5432/"
PG_DATABASE = "linli_bench_assembly"


def synthetic(n_homes: int, seed: int = 278):
    """Homes with owner keys (1 in 10 owners has two homes, the developer keeps 2%), and ballots from 80%."""
    rng = random.Random(seed)
    homes, owner = [], 0
    i = 0
    while i < n_homes:
        if rng.random() < 0.02:
            homes.append({"id": str(i), "owner": "developer", "area": str(Decimal(rng.randrange(4000, 12000)) / 100)})
            i += 1
            continue
        owner += 1
        for _ in range(2 if rng.random() < 0.1 else 1):
            homes.append({"id": str(i), "owner": f"o{owner}", "area": str(Decimal(rng.randrange(3500, 14000)) / 100)})
            i += 1
    owners = sorted({h["owner"] for h in homes})
    ballots = [{"owner": o, "choice": rng.choice(["for"] * 8 + ["against", "abstain"])} for o in owners
               if rng.random() < 0.8]
    return {"matter": "raise_repair_fund", "homes": homes[:n_homes], "ballots": ballots}


def pure_counts() -> list[dict]:
    from linli.assembly.tally import tally_document

    rows = []
    for n in (10_000, 100_000, 1_000_000):
        doc = synthetic(n)
        start = time.perf_counter()
        result = tally_document(doc)
        rows.append({"homes": n, "owners": result.total_owners, "ballots": result.voting_owners,
                     "ms": round((time.perf_counter() - start) * 1000, 1)})
    return rows


def cli_run() -> dict:
    doc = synthetic(100_000)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "vote.json"
        path.write_text(json.dumps(doc))
        env = {**os.environ, "DATABASE_URL": "postgres://nobody@127.0.0.1:1/no_such_database"}
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "linli.manage", "assembly", "tally", str(path)],
                              capture_output=True, text=True, env=env, cwd=ROOT)
        wall = time.perf_counter() - start
    assert done.returncode == 0, done.stderr
    return {"homes": 100_000, "file_mb": round(len(json.dumps(doc)) / 1e6, 1), "wall_s": round(wall, 2),
            "approved": json.loads(done.stdout)["approved"]}


def db_vote(homes: int) -> dict:
    """Runs inside a subprocess with DATABASE_URL set and the schema migrated."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linli.settings")
    import django

    django.setup()
    from django.core.files.base import ContentFile
    from django.db import connection
    from django.utils import timezone

    from linli.assembly import services
    from linli.core.testing import build_world
    from linli.people.models import Occupancy, Person
    from linli.places.models import Building, Home

    world = build_world()
    estate = world.estate_b
    rng = random.Random(1)
    per_building = 120
    buildings = Building.objects.bulk_create([Building(estate=estate, number=f"B{b}")
                                              for b in range(homes // per_building + 1)])
    new = []
    for i in range(homes):
        b = buildings[i // per_building]
        new.append(Home(building=b, estate=estate, entrance="1", number=str(i), area=Decimal(rng.randrange(3500, 14000)) / 100))
    Home.objects.bulk_create(new, batch_size=2000)
    people = Person.objects.bulk_create([Person(name=f"业主{i}", initials="yz") for i in range(homes)], batch_size=2000)
    Occupancy.objects.bulk_create([Occupancy(person=p, home=h, relation="owner") for p, h in zip(people, new, strict=True)],
                                  batch_size=2000)
    now = timezone.now()
    opens = now - timezone.timedelta(hours=1)  # announced the notice period before, open the minimum period
    motion = services.motion_create(estate=estate, matter="hire_manager", title="bench", actor=world.street_admin,
                                    opens_at=opens, closes_at=opens + timezone.timedelta(days=7),
                                    manager_mode="market", provider=world.company,
                                    now=opens - timezone.timedelta(days=15))
    out = {"database": connection.vendor, "homes": homes + 1}
    start = time.perf_counter()
    services.motion_open(motion=motion, actor=world.street_admin, now=now)
    out["open_snapshot_s"] = round(time.perf_counter() - start, 2)
    electors = list(motion.electors.order_by("id")[:1000])
    start = time.perf_counter()
    for e in electors:
        services.ballot_cast(motion=motion, elector=e, choice="for", actor=world.street_admin, channel="paper",
                             sheet=ContentFile(b"x", name="s.pdf"), now=now)
    out["ballot_ms_each"] = round((time.perf_counter() - start) * 1000 / len(electors), 2)
    start = time.perf_counter()
    services.motion_close(motion=motion, actor=world.street_admin, now=motion.closes_at)
    out["close_count_s"] = round(time.perf_counter() - start, 2)
    return out


def run_db(kind: str, homes: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        if kind == "sqlite":
            url = f"sqlite:///{tmp}/bench.sqlite3"
        else:
            subprocess.run(["psql", PG + "postgres", "-qc", f"drop database if exists {PG_DATABASE}"], check=True)
            subprocess.run(["psql", PG + "postgres", "-qc", f"create database {PG_DATABASE}"], check=True)
            url = PG + PG_DATABASE
        env = {**os.environ, "DATABASE_URL": url, "MEDIA_ROOT": f"{tmp}/media"}
        try:
            subprocess.run([sys.executable, "-m", "linli.manage", "migrate", "-v0"], env=env, cwd=ROOT, check=True,
                           capture_output=True)
            done = subprocess.run([sys.executable, __file__, "--inner", str(homes)], env=env, cwd=ROOT,
                                  capture_output=True, text=True)
            if done.returncode != 0:
                raise RuntimeError(done.stderr[-2000:])
            return json.loads(done.stdout.strip().splitlines()[-1])
        finally:
            if kind == "postgres":
                subprocess.run(["psql", PG + "postgres", "-qc", f"drop database if exists {PG_DATABASE}"])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--homes", type=int, default=5000)
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--inner", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inner:
        print(json.dumps(db_vote(args.inner)))
        return
    results = {"machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}",
               "pure_tally": pure_counts(), "cli_tally": cli_run(), "database_vote": []}
    for kind in (["sqlite", "postgres"] if args.db == "both" else [args.db]):
        results["database_vote"].append(run_db(kind, args.homes))
    print(json.dumps(results, ensure_ascii=False, indent=2))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "assembly.json").write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n")


if __name__ == "__main__":
    main()
