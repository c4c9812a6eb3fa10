"""The monthly assessment (考核) at city scale: how long ``scores_compute`` takes for the busiest district-month.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h_assess_city .venv/bin/python bench/assessment_scores.py

Needs a migrated copy of a city database (``linli seed`` + ``linli seed-orders``; e.g. ``CREATE DATABASE
h_assess_city TEMPLATE linli_city_dash`` then ``linli migrate``). Picks the district and month with the most orders
received, then times, in one process, each twice (cold, then warm):

* **the floor**: ``linli.workorders.rates.compute(district, month)`` — the rates page's own computation of the same
  district and month (the one walk of the events that the scores also need);
* **the scores**: ``assessment.build_rows`` (every figure, score and rank of every company, estate and community,
  not stored), and one ``scores_compute`` (stored: a ``computed`` event and its rows) inside a transaction that is
  rolled back, so the database is left as it was.

Prints the figures and writes bench/results/assessment_scores.json (not committed).
"""

import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linli.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.db.models.functions import TruncMonth  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench.measure import load, machine  # noqa: E402
from linli.dashboard import assessment  # noqa: E402
from linli.places.models import Division  # noqa: E402
from linli.workorders import rates  # noqa: E402
from linli.workorders.models import WorkOrder  # noqa: E402


def timed(fn):
    start = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        result = fn()
    return round(time.perf_counter() - start, 2), len(queries), result


def busiest() -> tuple[Division, object, int]:
    """The (street → district, month) with the most orders received."""
    row = (WorkOrder.objects.annotate(month=TruncMonth("received_at")).values("street_id", "month")
           .annotate(n=Count("pk")).order_by("-n").first())
    street = Division.objects.get(pk=row["street_id"])
    district = street.parent
    month = row["month"].date() if hasattr(row["month"], "date") else row["month"]
    month = assessment.first_day(month)
    period = rates.parse_period(f"{month:%Y-%m}")
    n = WorkOrder.objects.filter(rates.division_orders_q(district), received_at__gte=period.start,
                                 received_at__lt=period.end).count()
    return district, month, n


class Rollback(Exception):
    pass


def main() -> dict:
    district, month, orders = busiest()
    period = rates.parse_period(f"{month:%Y-%m}")
    out = {"machine": machine(), "load_before": load(), "database": connection.settings_dict["NAME"],
           "district": district.code, "month": f"{month:%Y-%m}", "orders_received_in_month": orders}
    print(f"district {district.code} {district.name}, {month:%Y-%m}: {orders:,} orders received")
    for label, fn in (("floor_rates_compute", lambda: rates.compute(district, period)),
                      ("build_rows", lambda: assessment.build_rows(district, month))):
        for run in ("cold", "warm"):
            seconds, queries, result = timed(fn)
            out[f"{label}_{run}_s"] = seconds
            out[f"{label}_queries"] = queries
            print(f"{label} ({run}): {seconds:.2f} s, {queries} queries")
        if label == "build_rows":
            out["subjects"] = len(result)
            print(f"  {len(result):,} subjects scored")

    def stored():
        try:
            with transaction.atomic():
                event = assessment.scores_compute(month=month, district=district)
                out["stored_rows"] = event.scores.count()
                raise Rollback
        except Rollback:
            pass

    seconds, queries, _ = timed(stored)
    out["scores_compute_s"], out["scores_compute_queries"] = seconds, queries
    print(f"scores_compute (stored, rolled back): {seconds:.2f} s, {queries} queries, {out['stored_rows']:,} rows")
    out["ratio_to_floor"] = round(out["build_rows_warm_s"] / out["floor_rates_compute_warm_s"], 2)
    print(f"build_rows = {out['ratio_to_floor']} × the floor (rates.compute of the same district-month)")
    out["load_after"] = load()
    results = Path(__file__).resolve().parent / "results"
    results.mkdir(exist_ok=True)
    (results / "assessment_scores.json").write_text(json.dumps(out, indent=2, ensure_ascii=False))
    return out


if __name__ == "__main__":
    main()
