"""Benchmark of the reports people take to meetings (issue 17 item 3) on the seeded city, beside a floor measured in
the same run.

    .venv/bin/python bench/reports.py [--database linli_city_dash] [--month 2026-11] [--week 2026-W47] [--runs 3]

The database is a city made with ``linli seed --homes 1000000`` and ``linli seed-orders --orders 5000000 --days 730``
(issue 17); the bench only reads it (its connection is set read-only). It takes the street of the street admin the
seed's benches sign in as (``bench_pages_street``, the busiest street) — or else the street with the most orders in
the month —, then, ``--runs`` times each, in this process:

* **the floor**: one ``COUNT(*)`` of the street's orders received in the month (the least any month report must read)
  and an empty A4 PDF with the Chinese font embedded (the least any PDF costs);
* **the monthly street report**: gathering its figures (``reports.data.month_report``), then the PDF and the XLSX;
* **the weekly joint-meeting briefing**: figures, PDF, XLSX;
* **the 12345 assessment export** of the month: figures (per organisation), XLSX and CSV.

Goal: the monthly report (figures + PDF, and figures + XLSX) ≤ 10 s for a street of the city. The first run is cold
(the database's caches hold whatever ran before), the others warm; the table shows the first and the median. Printed,
and written to bench/results/reports.json with the machine and its load average.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from measure import load, machine  # noqa: E402

RESULTS = ROOT / "bench" / "results"
PG = "postgres://postgres@127.0.0.1:5432"
GOAL_S = 10.0


def last_full_month(today: datetime.date) -> str:
    first = today.replace(day=1) - datetime.timedelta(days=1)
    return f"{first:%Y-%m}"


def timed(fn, runs: int) -> tuple[list[float], object]:
    times, result = [], None
    for _i in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return times, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default=os.environ.get("LINLI_BENCH_DATABASE", "linli_city_dash"))
    parser.add_argument("--month", default="")
    parser.add_argument("--week", default="")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    import psycopg

    try:
        psycopg.connect(f"{PG}/{args.database}").close()
    except psycopg.OperationalError as exc:
        raise SystemExit(f"bench/reports.py needs the seeded city in database {args.database} ({exc}). Make it with "
                         f"DATABASE_URL={PG}/{args.database}: linli migrate; linli seed --homes 1000000; "
                         "linli seed-orders --orders 5000000 --days 730") from None
    os.environ["DATABASE_URL"] = f"{PG}/{args.database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linli.settings")
    os.environ.pop("LINLI_DATABASE_REPLICA_URL", None)
    import django

    django.setup()
    from django.db import connection
    from django.db.models import Count
    from django.utils import timezone

    from linli.dashboard.reports import data, pdf, xlsx
    from linli.people.models import Membership, User
    from linli.places.models import Division
    from linli.workorders.models import WorkOrder

    with connection.cursor() as cursor:  # this bench never writes to the shared city
        cursor.execute("SET default_transaction_read_only = on")

    today = timezone.localdate()
    month = data.month_period(args.month or last_full_month(today))
    week = data.week_period(args.week or data.week_key(today - datetime.timedelta(days=7)))
    member = (Membership.objects.filter(user__username="bench_pages_street", division__level="street")
              .select_related("division", "user").first())
    if member is not None:
        street, user = member.division, member.user
    else:
        top = (WorkOrder.objects.filter(received_at__gte=month.start, received_at__lt=month.end)
               .values("street_id").annotate(n=Count("pk")).order_by("-n").first())
        street = Division.objects.get(pk=top["street_id"])
        user = User.objects.filter(is_superuser=True).first()
    in_month = WorkOrder.objects.filter(street=street, received_at__gte=month.start, received_at__lt=month.end)
    print(f"database {args.database}: street {street.name} ({street.code}), month {month.key}, week {week.key}, "
          f"user {user.username if user else None}", flush=True)

    def empty_pdf():
        doc = pdf.ReportPDF(title="floor", place=street.name, period=month.key, stamp="")
        doc.add_page()
        doc.title_block()
        return bytes(doc.output())

    rows = {}

    def measure(name, fn):
        times, result = timed(fn, args.runs)
        rows[name] = {"first_s": round(times[0], 3), "median_s": round(statistics.median(times), 3),
                      "max_s": round(max(times), 3), "runs": args.runs}
        print(f"  {name:<28} first {times[0]:7.3f} s   median {statistics.median(times):7.3f} s", flush=True)
        return result

    orders = measure("floor: count of the month", in_month.count)
    measure("floor: empty PDF with font", empty_pdf)
    report = measure("month: figures", lambda: data.month_report(street, month, user=user))
    month_pdf = measure("month: PDF", lambda: pdf.month_pdf(report))
    month_xlsx = measure("month: XLSX", lambda: xlsx.month_xlsx(report))
    weekly = measure("week: figures", lambda: data.week_report(street, week, user=user))
    measure("week: PDF", lambda: pdf.week_pdf(weekly))
    measure("week: XLSX", lambda: xlsx.week_xlsx(weekly))
    lines, total = measure("assessment: figures", lambda: data.assessment(street, month))
    measure("assessment: XLSX", lambda: xlsx.assessment_xlsx(street, month, lines, total, generated_by="bench"))
    measure("assessment: CSV", lambda: xlsx.assessment_csv(lines, total))

    def total_of(*names, key="median_s"):
        return round(sum(rows[n][key] for n in names), 3)

    goals = {
        "month_pdf_total_first_s": total_of("month: figures", "month: PDF", key="first_s"),
        "month_pdf_total_median_s": total_of("month: figures", "month: PDF"),
        "month_xlsx_total_median_s": total_of("month: figures", "month: XLSX"),
        "floor_median_s": total_of("floor: count of the month", "floor: empty PDF with font"),
    }
    worst = max(goals["month_pdf_total_first_s"], goals["month_pdf_total_median_s"], goals["month_xlsx_total_median_s"])
    met = worst <= GOAL_S
    print(f"MONTHLY REPORT ({street.name}, {orders:,} orders received in {month.key}): figures + PDF "
          f"{goals['month_pdf_total_first_s']:.2f} s cold, {goals['month_pdf_total_median_s']:.2f} s warm; figures + "
          f"XLSX {goals['month_xlsx_total_median_s']:.2f} s; floor {goals['floor_median_s']:.2f} s; goal ≤ {GOAL_S:.0f} s "
          f"— {'met' if met else 'MISSED'}", flush=True)
    print(f"  PDF {len(month_pdf):,} bytes; XLSX {len(month_xlsx):,} bytes; overdue now {report.overdue_count:,}, "
          f"repeats {report.repeat.num:,}; load average {load()}", flush=True)

    RESULTS.mkdir(parents=True, exist_ok=True)
    out = {"bench": "reports", "at": timezone.now().isoformat(), "machine": machine(), "load": load(),
           "database": args.database, "street": {"code": street.code, "name": street.name},
           "month": month.key, "week": week.key, "orders_in_month": orders, "rows": rows, "goals": goals,
           "goal_s": GOAL_S, "met": met, "pdf_bytes": len(month_pdf), "xlsx_bytes": len(month_xlsx)}
    (RESULTS / "reports.json").write_text(json.dumps(out, ensure_ascii=False, indent=2))
    print(f"written {RESULTS / 'reports.json'}")


if __name__ == "__main__":
    main()
