"""Benchmark of the dashboards (issue 17 item 5) at city scale, behind gunicorn, beside a floor measured in the same run.

    .venv/bin/python bench/dashboard.py [--database linli_bench_dashboard] [--reuse] [--keep] [--clients 10]
                                        [--requests 200] [--workers 4] [--homes 1000000] [--orders 5000000]

1. The city: a PostgreSQL database seeded as bench/pages.py seeds it (``migrate``, ``linli seed --homes N``, ``linli
   seed-orders --orders M --days 730``, which ends by rebuilding the daily summary) — unless ``--reuse`` and the
   database exists, in which case it is migrated and its summary rebuilt if it has none (timed: ``rebuild_s``).
2. A street admin of the busiest street, a district admin of its district and a city user (a district admin of every
   district), signed in.
3. gunicorn (bench/pages_wsgi.py with its bare ``/bench-floor/``), ``--workers`` sync workers.
4. The floor, then the street, district and city dashboards (this month, and last month for the street), one client
   then ``--clients`` concurrent clients: p50/p95. The JSON endpoint for the district too.

5. With ``--live SECONDS``: while the pages are measured, a job thread in this process does every SECONDS what
   production does every minute: a new work order in the busiest street (so that the summary moves), then the
   dashboard job (``linli.dashboard.store.warm``: the summary brought up to date, the overviews opened in the last
   day computed ahead into the shared cache). Its runs are in the JSON (``live_job``).

Goal (issue 17): the street, district and city dashboards p95 ≤ 200 ms with 10 concurrent clients. Printed as a
table and written to bench/results/dashboard.json with the machine and its load average.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from measure import load, machine  # noqa: E402
from pages import PG, ROOT, Server, env, psql, run_pages, seed, sh, table  # noqa: E402

RESULTS = ROOT / "bench" / "results"
GOAL_P95_MS = 200


def database_exists(name: str) -> bool:
    return bool(psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'"))


def prepare(args) -> dict:
    """Seed a missing city; migrate an existing one and rebuild its summary when it has none."""
    if not (args.reuse and database_exists(args.database)):
        return seed(args)
    out = {"migrate_s": sh([sys.executable, "manage.py", "migrate", "-v0"], args.database)}
    built = psql("SELECT count(*) FROM workorders_summarymark", args.database)[0][0]
    if not built or args.rebuild:
        out["rebuild_s"] = sh([sys.executable, "manage.py", "dashboard", "rebuild"], args.database)
    # What the job does every minute (here: everything since the database was last used), before measuring.
    out["refresh_s"] = sh([sys.executable, "manage.py", "dashboard", "refresh"], args.database)
    return out


def make_actors(database: str) -> dict:
    os.environ.update(env(database))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linli.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.db.models import Count

    from linli.core.testing import make_user
    from linli.people.models import Membership, Role, User
    from linli.places.models import Division
    from linli.workorders.models import WorkOrder

    busiest = WorkOrder.objects.values("street_id").annotate(n=Count("pk")).order_by("-n").first()
    street = Division.objects.get(pk=busiest["street_id"])
    district = street.parent
    districts = list(Division.objects.filter(level=Division.Level.DISTRICT).order_by("path"))
    out = {"street": street.code, "street_orders": busiest["n"], "district": district.code,
           "districts": len(districts), "cookie": settings.SESSION_COOKIE_NAME}
    for name, role, division in (("bench_dash_street", Role.STREET_ADMIN, street),
                                 ("bench_dash_district", Role.DISTRICT_ADMIN, district),
                                 ("bench_dash_city", Role.DISTRICT_ADMIN, districts[0])):
        user = User.objects.filter(username=name).first() or make_user(name, role, division=division)
        if name == "bench_dash_city":
            for other in districts[1:]:
                Membership.objects.get_or_create(user=user, role=Role.DISTRICT_ADMIN, division=other)
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.save()
        out[name] = session.session_key
    return out


class LiveJob(threading.Thread):
    """Every ``every`` seconds: one new order in the street, then the dashboard job (docs/dashboard-overview.md)."""

    def __init__(self, every: float, street_code: str):
        super().__init__(daemon=True)
        self.every, self.street_code = every, street_code
        self.stopped = threading.Event()
        self.runs: list[dict] = []

    def run(self):
        from django.db import close_old_connections

        from linli.dashboard import store
        from linli.places.models import Estate
        from linli.workorders import services

        estate = Estate.objects.filter(community__parent__code=self.street_code).order_by("pk").first()
        while not self.stopped.wait(self.every):
            started = time.perf_counter()
            services.workorder_create(place=services.resolve_place(estate=estate), channel="resident",
                                      text="楼道灯坏了（压测）", category="facility")
            result = store.warm()
            self.runs.append({**result, "job_s": round(time.perf_counter() - started, 2)})
            print(f"  live job: {result} in {self.runs[-1]['job_s']} s", flush=True)
            close_old_connections()

    def stop(self):
        self.stopped.set()
        self.join(timeout=120)


def targets(actors: dict) -> list[tuple[str, str, str, bool]]:
    street, district, city = actors["bench_dash_street"], actors["bench_dash_district"], actors["bench_dash_city"]
    today = datetime.date.today()
    last_month = (today.replace(day=1) - datetime.timedelta(days=1)).strftime("%Y-%m")
    return [
        ("floor", "/bench-floor/", street, False),
        ("dashboard_street", "/dashboard/", street, True),
        ("dashboard_street_last_month", f"/dashboard/?period={last_month}", street, True),
        ("dashboard_district", "/dashboard/", district, True),
        ("dashboard_city", "/dashboard/", city, True),
        ("api_district", f"/api/v1/dashboard/?division={actors['district']}", district, True),
        ("wall_district", f"/dashboard/{actors['district']}/wall/", district, True),
        ("rates_street", f"/workorders/rates/{actors['street']}/", street, False),
        ("rates_district", f"/workorders/rates/{actors['district']}/", district, False),
    ]


def main() -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--homes", type=int, default=1_000_000)
    parser.add_argument("--orders", type=int, default=5_000_000)
    parser.add_argument("--days", type=int, default=730)
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--requests", type=int, default=200, help="requests per page with --clients clients")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers (2 × the 2 cores)")
    parser.add_argument("--database", default="linli_bench_dashboard")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="use the database if it exists (seeded earlier)")
    parser.add_argument("--rebuild", action="store_true", help="with --reuse: rebuild the summary (timed)")
    parser.add_argument("--live", type=float, default=0,
                        help="run the dashboard job (a new order, then the job) every this many seconds meanwhile")
    args = parser.parse_args()

    result = {"when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"), "machine": machine(),
              "load_avg_at_start": load(), "args": vars(args), "goal_p95_ms": GOAL_P95_MS, "database": PG}
    started = time.perf_counter()
    result["preparing"] = prepare(args)
    try:
        actors = make_actors(args.database)
        result["city"] = {k: actors[k] for k in ("street", "street_orders", "district", "districts")}
        print(f"city: {result['city']}", flush=True)
        server = Server(args.workers, args.database)
        job = LiveJob(args.live, actors["street"]) if args.live else None
        try:
            random.seed(1)
            if job is not None:
                job.start()
            result["pages"] = run_pages(server.port, actors, args, pages=targets, goal_ms=GOAL_P95_MS)
        finally:
            if job is not None:
                job.stop()
                result["live_job"] = job.runs
            server.stop()
    finally:
        if not args.keep:
            psql(f"DROP DATABASE IF EXISTS {args.database} WITH (FORCE)")
    result["total_s"] = round(time.perf_counter() - started, 1)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "dashboard.json").write_text(json.dumps(result, ensure_ascii=False, indent=2))
    print()
    print(table(result, GOAL_P95_MS))
    print(f"\nwritten to {RESULTS / 'dashboard.json'}")
    return result


if __name__ == "__main__":
    main()
