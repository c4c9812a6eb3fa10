"""Benchmark of fees: a billing run over N homes, payments per second, the public accounts with five years
of ledger, and the ledger verification.

    .venv/bin/python bench/fees.py [--homes 1000000] [--db sqlite|postgres] [--payments 2000]

It makes an empty database (SQLite: a file in a temporary directory; PostgreSQL: ``linli_bench_fees``,
created and dropped here), runs ``linli migrate`` and ``linli seed --homes N`` in subprocesses, then runs
itself with ``--inner`` against that database:

1. one fee plan per estate (10 元/户/月, or 0.85 元/m²/月 for every third estate);
2. ``linli bill --period 2026-12`` (the command, timed from outside) and the same again (idempotent run);
3. ``payment_record`` for ``--payments`` homes, one after another, as a property manager would;
4. five years of one estate's ledger (each month's payments of its homes plus income and expenses by
   category, hash-chained like ``_ledger_append`` does, written in bulk), then the public accounts page
   rendered through the test client for the latest year, and ``linli ledger verify`` over everything.

The figures are printed and written to bench/results/fees.json.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PG_DATABASE = "linli_bench_fees"
PERIOD = "2026-12"


def run(cmd, env, label) -> tuple[float, str]:
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = []
    for line in proc.stdout:
        lines.append(line)
        if "WARNING" not in line and "HINT" not in line and "fields.E010" not in line and "System check" not in line:
            print(f"    {label} | {line.rstrip()}", flush=True)
    if proc.wait():
        sys.exit(f"{label} failed:\n{''.join(lines[-30:])}")
    return time.perf_counter() - start, "".join(lines)


def outer(args) -> dict:
    python = sys.executable
    with tempfile.TemporaryDirectory(prefix="linli-bench-fees-") as tmp:
        if args.db == "sqlite":
            url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        else:
            import psycopg

            with psycopg.connect(args.pg_url, autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
                conn.execute(f"CREATE DATABASE {PG_DATABASE}")
            url = f"{args.pg_url.rsplit('/', 1)[0]}/{PG_DATABASE}"
        env = dict(os.environ, DATABASE_URL=url, LINLI_DATA_DIR=tmp, DJANGO_SETTINGS_MODULE="linli.settings")
        try:
            run([python, "manage.py", "migrate", "--no-input", "-v", "0"], env, "migrate")
            seed_s, _ = run([python, "manage.py", "seed", "--homes", str(args.homes), "--seed", "1"], env, "seed")
            setup_s, setup_out = run([python, __file__, "--inner", "plans"], env, "plans")
            bill_s, bill_out = run([python, "manage.py", "bill", "--period", PERIOD], env, "bill")
            again_s, again_out = run([python, "manage.py", "bill", "--period", PERIOD], env, "bill again")
            _, inner_out = run([python, __file__, "--inner", "rest", "--payments", str(args.payments)], env, "rest")
            verify_s, verify_out = run([python, "manage.py", "ledger", "verify"], env, "verify")
        finally:
            if args.db == "postgres":
                import psycopg

                with psycopg.connect(args.pg_url, autocommit=True) as conn:
                    conn.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
    inner = json.loads(inner_out.strip().splitlines()[-1])
    made = re.search(r"新生成账单 ([\d,]+) 张.*用时 ([\d.]+) s", bill_out)
    again = re.search(r"新生成账单 ([\d,]+) 张.*用时 ([\d.]+) s", again_out)
    bills = int(made.group(1).replace(",", ""))
    return {
        "database": inner["database"],
        "homes": args.homes,
        "seed_s": round(seed_s, 1),
        "plans": json.loads(setup_out.strip().splitlines()[-1]),
        "bill": {"command": f"linli bill --period {PERIOD}", "wall_s": round(bill_s, 1),
                 "inner_s": float(made.group(2)), "bills": bills,
                 "bills_per_s": round(bills / float(made.group(2))),
                 "output": [x for x in bill_out.splitlines() if "%" in x or "账期" in x]},
        "bill_again": {"wall_s": round(again_s, 1), "inner_s": float(again.group(2)),
                       "bills": int(again.group(1).replace(",", ""))},
        **inner["figures"],
        "verify": {"wall_s": round(verify_s, 1), "output": verify_out.strip().splitlines()[-1]},
    }


# -- inside the benchmark database ----------------------------------------------------------------------


def setup_django():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linli.settings")
    import django

    django.setup()


def database_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("select sqlite_version()")
            return "SQLite " + cursor.fetchone()[0]
        cursor.execute("show server_version")
        return "PostgreSQL " + cursor.fetchone()[0].split()[0]


def inner_plans() -> dict:
    from decimal import Decimal

    from linli.fees.models import FeePlan
    from linli.places.models import Estate

    start = time.perf_counter()
    plans = []
    for i, pk in enumerate(Estate.objects.order_by("pk").values_list("pk", flat=True)):
        per_area = i % 3 == 2
        plans.append(FeePlan(estate_id=pk, basis="per_area" if per_area else "per_home",
                             rate=Decimal("0.85") if per_area else Decimal("10"), effective_from=datetime.date(2026, 1, 1),
                             decision="bench"))
    FeePlan.objects.bulk_create(plans, batch_size=2000)
    return {"plans": len(plans), "seconds": round(time.perf_counter() - start, 2)}


def inner_rest(payments: int) -> dict:
    import hashlib
    import random
    import statistics
    from decimal import Decimal

    from django.db import transaction
    from django.test import Client
    from django.utils import timezone

    from linli.core.testing import make_user
    from linli.fees import services
    from linli.fees.models import Bill, LedgerEntry, LedgerHead, Payment
    from linli.people.models import Membership
    from linli.places.models import Home, Stewardship

    figures = {}
    # 3. payments, as the manager of the company that manages the most estates
    provider_id = (Stewardship.objects.current().exclude(provider=None).values("provider_id")
                   .order_by("provider_id").first()["provider_id"])
    manager = make_user("bench_fees_manager")
    Membership.objects.create(user=manager, role="property_manager", organization_id=provider_id)
    estates = list(Stewardship.objects.current().filter(provider_id=provider_id).values_list("estate_id", flat=True))
    homes = list(Home.objects.filter(estate_id__in=estates, bills__period=PERIOD).order_by("pk")[:payments])
    now = timezone.now()
    times = []
    start = time.perf_counter()
    for i, home in enumerate(homes):
        t = time.perf_counter()
        services.payment_record(home=home, amount=Decimal("30") if i % 5 else Decimal("7.50"), method="wechat",
                                idempotency_key=f"bench:{home.pk}", actor=manager, now=now)
        times.append((time.perf_counter() - t) * 1000)
    seconds = time.perf_counter() - start
    t = time.perf_counter()
    for home in homes[:200]:  # retried: nothing new
        services.payment_record(home=home, amount=Decimal("30") if homes.index(home) % 5 else Decimal("7.50"),
                                method="wechat", idempotency_key=f"bench:{home.pk}", actor=manager, now=now)
    retry_ms = (time.perf_counter() - t) * 1000 / max(1, min(200, len(homes)))
    figures["payments"] = {
        "count": len(homes), "seconds": round(seconds, 2), "per_s": round(len(homes) / seconds, 1),
        "median_ms": round(statistics.median(times), 1), "p95_ms": round(sorted(times)[int(len(times) * 0.95) - 1], 1),
        "retry_same_key_ms": round(retry_ms, 2), "payments_in_db": Payment.objects.count(),
    }

    # 4. five years of ledger for one estate, then its public accounts page
    estate_id = Bill.objects.filter(period=PERIOD).values("estate_id").order_by("estate_id").first()["estate_id"]
    estate_homes = Home.objects.filter(estate_id=estate_id).count()
    rng = random.Random(5)
    head = LedgerHead.objects.filter(estate_id=estate_id).first()
    seq, prev = (head.seq, head.hash) if head else (0, "0" * 64)
    rows = []
    first_year = 2022
    t = time.perf_counter()
    approver = manager
    categories = (("income", "subsidy", 3000), ("income", "parking", 1800), ("income", "canteen", 900),
                  ("income", "advertising", 300), ("expense", "cleaning", 3600), ("expense", "security", 4200),
                  ("expense", "utilities", 450), ("expense", "repairs", 800), ("expense", "greening", 300),
                  ("expense", "staff", 2500), ("expense", "insurance", 100), ("expense", "repair_fund", 0))
    for year in range(first_year, 2027):
        for month in range(1, 13):
            day = datetime.date(year, month, 28)
            for _ in range(int(estate_homes * 0.85)):  # resident fees: one entry per payment, as payments write them
                seq += 1
                entry = LedgerEntry(estate_id=estate_id, seq=seq, direction="income", category="resident_fees",
                                    amount=Decimal("10.00"), occurred_on=day, description="物业费 收据",
                                    approved_by=approver, approver_role="property_manager", created_at=now,
                                    prev_hash=prev)
                entry.row_hash = prev = entry.compute_hash()
                rows.append(entry)
            for direction, category, base in categories:
                if base == 0 and rng.random() < 0.8:
                    continue
                seq += 1
                amount = Decimal(base or rng.randint(2000, 9000)) + Decimal(rng.randint(0, 9999)) / 100
                entry = LedgerEntry(estate_id=estate_id, seq=seq, direction=direction, category=category, amount=amount,
                                    occurred_on=day, description=f"{month}月", evidence=f"fees/evidence/{seq}.jpg",
                                    evidence_sha256=hashlib.sha256(str(seq).encode()).hexdigest(),
                                    approved_by=approver, approver_role="property_manager", created_at=now,
                                    prev_hash=prev)
                entry.row_hash = prev = entry.compute_hash()
                rows.append(entry)
    with transaction.atomic():
        LedgerEntry.objects.bulk_create(rows, batch_size=5000)
        LedgerHead.objects.update_or_create(estate_id=estate_id, defaults={"seq": seq, "hash": prev})
    written_s = time.perf_counter() - t
    link = services.public_link_for(__import__("linli.places.models", fromlist=["Estate"]).Estate.objects.get(pk=estate_id))
    client = Client()
    page = {}
    for year in (2026, 2022):
        t = time.perf_counter()
        response = client.get(f"/fees/public/{link.token}/?year={year}", HTTP_HOST="localhost")
        cold = (time.perf_counter() - t) * 1000
        assert response.status_code == 200, response.status_code
        warm = []
        for _ in range(3):
            t = time.perf_counter()
            client.get(f"/fees/public/{link.token}/?year={year}", HTTP_HOST="localhost")
            warm.append((time.perf_counter() - t) * 1000)
        page[str(year)] = {"cold_ms": round(cold), "warm_ms": round(statistics.median(warm)),
                           "bytes": len(response.content)}
    t = time.perf_counter()
    problems = services.ledger_verify(estate_ids=[estate_id])
    verify_one = time.perf_counter() - t
    figures["public_accounts"] = {
        "estate_homes": estate_homes, "ledger_entries": LedgerEntry.objects.filter(estate_id=estate_id).count(),
        "years": f"{first_year}–2026", "ledger_written_s": round(written_s, 1), "page": page,
        "verify_one_estate_s": round(verify_one, 2), "verify_problems": len(problems),
    }
    # 5. collection figures of the biggest district and its arrears, at this scale
    from linli.fees import selectors
    from linli.places.models import Division, Estate

    district = Division.objects.filter(level="district").order_by("code").last()
    estates = Estate.objects.filter(community__path__startswith=district.path).values("pk")
    t = time.perf_counter()
    c = selectors.collection(estates, datetime.date(2026, 12, 1), datetime.date(2026, 12, 31))
    figures["collection_district"] = {"district": district.name, "homes": c.homes,
                                      "ms": round((time.perf_counter() - t) * 1000)}
    t = time.perf_counter()
    per_estate = selectors.collection_by_estate(estates, datetime.date(2026, 12, 1), datetime.date(2026, 12, 31))
    figures["collection_by_estate_district"] = {"estates": len(per_estate),
                                                "ms": round((time.perf_counter() - t) * 1000)}
    return {"database": database_version(), "figures": figures}


def report(r: dict) -> list[str]:
    p, a = r["payments"], r["public_accounts"]
    return [
        f"{r['database']}, {r['homes']:,} homes (seed {r['seed_s']} s), {r['plans']['plans']:,} fee plans",
        f"linli bill --period {PERIOD}: {r['bill']['bills']:,} bills in {r['bill']['inner_s']} s inside the command "
        f"({r['bill']['wall_s']} s wall clock), {r['bill']['bills_per_s']:,} bills/s",
        f"  again (idempotent): {r['bill_again']['bills']} new bills, {r['bill_again']['inner_s']} s",
        f"payments: {p['count']:,} in {p['seconds']} s = {p['per_s']}/s (median {p['median_ms']} ms, p95 {p['p95_ms']} ms); "
        f"a retry with the same key {p['retry_same_key_ms']} ms",
        f"public accounts, {a['ledger_entries']:,} ledger entries over {a['years']} ({a['estate_homes']} homes): "
        + ", ".join(f"{y}: {v['cold_ms']} ms cold / {v['warm_ms']} ms warm" for y, v in a["page"].items()),
        f"ledger verify of that estate: {a['verify_one_estate_s']} s; linli ledger verify (all): {r['verify']['wall_s']} s "
        f"wall clock — {r['verify']['output']}",
        f"collection of {r['collection_district']['district']} ({r['collection_district']['homes']:,} homes billed): "
        f"{r['collection_district']['ms']} ms; per estate ({r['collection_by_estate_district']['estates']} estates): "
        f"{r['collection_by_estate_district']['ms']} ms",
    ]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--homes", type=int, default=1_000_000)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--payments", type=int, default=2000)
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--inner", choices=("plans", "rest"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.inner:
        setup_django()
        result = inner_plans() if args.inner == "plans" else inner_rest(args.payments)
        print(json.dumps(result, ensure_ascii=False, default=str))
        return
    result = outer(args)
    result["date"] = datetime.datetime.now().astimezone().isoformat(timespec="seconds")
    result["machine"] = {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version(),
                         "load_average_at_end": os.getloadavg()}
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / ("fees.json" if args.db == "sqlite" else f"fees-{args.db}.json")
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    print()
    for line in report(result):
        print(line)
    print(f"\nwritten to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
