"""Benchmark of the list pages at city scale, on PostgreSQL behind gunicorn, beside a floor measured in the same run.

    .venv/bin/python bench/pages.py [--homes 1000000] [--orders 5000000] [--days 730] [--clients 10]
                                    [--requests 300] [--workers 4] [--database linli_bench_pages] [--keep] [--reuse]
                                    [--cache redis|db]

1. A fresh PostgreSQL database (``linli_bench_pages``): ``migrate``, ``linli seed --homes N``, ``linli seed-orders
   --orders M --days D`` — with the defaults about 1.46 million orders in the busiest district and 156,000 in its
   busiest street (issue 13). ``--reuse`` keeps a database already seeded (with ``--keep`` by an earlier run).
2. A street admin of the street with the most orders, one of the street with the fewest, and a district admin of
   the busiest street's district, signed in (sessions).
3. gunicorn (``bench/pages_wsgi.py``: the application plus ``/bench-floor/``, a bare signed-in view), ``--workers``
   sync workers, persistent database connections, the cache in Redis as in production (``--cache db``: the
   database table that ``make run`` uses).
4. Each page with one client, then with ``--clients`` concurrent clients: p50 and p95. The floor first, the same way.

Goal (issue 13): inbox, list API, both boards and the coverage page p95 ≤ 100 ms with 10 concurrent clients on a
2-core machine. The figures are printed as a table and written to bench/results/pages.json with the machine and its
load average (other processes on the machine make the figures worse, never better). The database is dropped at the
end unless ``--keep``.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from measure import ServerCpu, drive, load, machine, percentile  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PG = "postgres://postgres@127.0.0.1:5432"
BIN = Path(sys.executable).parent
GOAL_P95_MS = 100
REDIS = "redis://127.0.0.1:6379/14"


def env(database: str, **extra) -> dict:
    out = dict(os.environ, DATABASE_URL=f"{PG}/{database}", DEBUG="0", DB_CONN_MAX_AGE="600",
               LINLI_INPROCESS_WORKER="0", PYTHONWARNINGS="ignore", PYTHONPATH=str(ROOT))
    out.update(extra)
    return out


def sh(cmd: list[str], database: str) -> float:
    print(f"$ {' '.join(map(str, cmd))}", flush=True)
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, env=env(database), text=True, capture_output=True)
    for line in proc.stdout.splitlines()[-3:]:
        print("  " + line, flush=True)
    if proc.returncode:
        print(proc.stderr, file=sys.stderr)
        raise SystemExit(f"{cmd[2]} failed")
    return round(time.perf_counter() - start, 1)


def psql(sql: str, db: str = "postgres"):
    import psycopg

    with psycopg.connect(f"{PG}/{db}", autocommit=True) as conn:
        cursor = conn.execute(sql)
        return cursor.fetchall() if cursor.description else None


# -- the city and its users (this process, Django pointed at the bench database) ------------------------------------


def seed(args) -> dict:
    psql(f"DROP DATABASE IF EXISTS {args.database} WITH (FORCE)")
    psql(f"CREATE DATABASE {args.database}")
    py = sys.executable
    return {"migrate_s": sh([py, "manage.py", "migrate", "-v0"], args.database),
            "seed_s": sh([py, "manage.py", "seed", "--homes", str(args.homes)], args.database),
            "seed_orders_s": sh([py, "manage.py", "seed-orders", "--orders", str(args.orders), "--days",
                                 str(args.days)], args.database)}


def make_actors(database: str) -> dict:
    """A street admin of the street with the most orders and one of the street with the fewest; a district admin of
    the first one's district (sessions)."""
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
    from linli.people.models import Role, User
    from linli.places.models import Division
    from linli.workorders.models import WorkOrder

    per_street = WorkOrder.objects.filter(street__isnull=False).values("street_id").annotate(n=Count("pk"))
    busiest, fewest = per_street.order_by("-n").first(), per_street.order_by("n").first()
    street = Division.objects.get(pk=busiest["street_id"])
    smallest = Division.objects.get(pk=fewest["street_id"])
    district = street.parent
    out = {"street": street.code, "street_orders": busiest["n"], "district": district.code,
           "district_orders": WorkOrder.objects.filter(street__parent=district).count(),
           "smallest_street": smallest.code, "smallest_street_orders": fewest["n"],
           "cookie": settings.SESSION_COOKIE_NAME}
    for name, role, division in (("bench_pages_street", Role.STREET_ADMIN, street),
                                 ("bench_pages_district", Role.DISTRICT_ADMIN, district),
                                 ("bench_pages_smallest", Role.STREET_ADMIN, smallest)):
        user = User.objects.filter(username=name).first() or make_user(name, role, division=division)
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.save()
        out[name] = session.session_key
    return out


def empty_redis(url: str = REDIS) -> str:
    """``url``, its database emptied: entries of another run (scopes by user id) must not answer this one."""
    import redis

    redis.Redis.from_url(url).flushdb()
    return url


# -- the HTTP load --------------------------------------------------------------------------------------------------


class Server:
    def __init__(self, workers: int, database: str, cache_url: str = ""):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.proc = subprocess.Popen(
            [str(BIN / "gunicorn"), "bench.pages_wsgi:application", "-w", str(workers), "-b",
             f"127.0.0.1:{self.port}", "--log-level", "warning", "--timeout", "120"],
            cwd=ROOT, env=env(database, **({"REDIS_URL": cache_url} if cache_url else {})), start_new_session=True)
        deadline = time.time() + 90
        while time.time() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", "/accounts/login/")
                conn.getresponse().read()
                return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise SystemExit("gunicorn did not start")

    def stop(self):
        os.killpg(self.proc.pid, signal.SIGTERM)
        self.proc.wait(timeout=30)


def load_test(port: int, path: str, headers: dict, total: int, clients: int) -> dict:
    """``clients`` threads, each with its own keep-alive connection, share ``total`` GETs of ``path``."""
    latencies, errors, seconds = drive(port, lambda rng: ("GET", path, None, headers, 200), total, clients,
                                       timeout=120)
    ms = [x * 1000 for x in latencies]
    return {"requests": len(ms), "errors": errors, "throughput_rps": round(len(ms) / seconds, 1),
            "p50_ms": round(percentile(ms, 50), 1), "p95_ms": round(percentile(ms, 95), 1),
            "max_ms": round(max(ms), 1), "load_avg": load()}


def targets(actors: dict) -> list[tuple[str, str, str, bool]]:
    """(name, path, session, held to the goal)."""
    street, district = actors["bench_pages_street"], actors["bench_pages_district"]
    return [
        ("floor", "/bench-floor/", street, False),
        ("inbox", "/workorders/", street, True),
        ("inbox_all", "/workorders/?tab=all", street, True),
        ("inbox_filtered", "/workorders/?tab=all&status=dispatched&tier=hard", street, True),
        ("list_api", "/api/v1/workorders/", street, True),
        ("list_api_status", "/api/v1/workorders/?status=dispatched,accepted", street, True),
        ("dispatch_board", "/workorders/board/", street, True),
        ("overdue_board", "/workorders/overdue/", street, True),
        ("coverage_street", f"/places/coverage/{actors['street']}/", street, True),
        ("coverage_district", f"/places/coverage/{actors['district']}/", district, True),
        ("inbox_district", "/workorders/", district, True),
        ("dispatch_board_district", "/workorders/board/", district, True),
        # a search of closed orders (every order, not work in hand): the street, the city's smallest street (its
        # orders are the fewest among the city's, found newest first), the district
        ("inbox_closed", "/workorders/?tab=all&status=visited,closed", street, True),
        ("inbox_closed_smallest", "/workorders/?tab=all&status=visited,closed", actors["bench_pages_smallest"], True),
        ("list_api_closed_smallest", "/api/v1/workorders/?status=closed", actors["bench_pages_smallest"], True),
        ("inbox_closed_district", "/workorders/?tab=all&status=visited,closed", district, True),
    ]


def run_pages(port: int, actors: dict, args, *, pages=None, goal_ms: int = GOAL_P95_MS, cpu: ServerCpu | None = None
              ) -> dict:
    """Each of ``pages(actors)`` (name, path, session, goal?) warmed, with one client, then with ``args.clients``
    clients; met when the p95 with the clients is within ``goal_ms`` (bench/dashboard.py uses it with its own).
    ``cpu``: also the CPU milliseconds per request that gunicorn and PostgreSQL spent under the clients' load."""
    out = {}
    for name, path, session, goal in (pages or targets)(actors):
        headers = {"Cookie": f"{actors['cookie']}={session}"}
        load_test(port, path, headers, 10, 1)  # warm: the worker's memos, PostgreSQL's buffers
        one = load_test(port, path, headers, max(args.requests // 5, 20), 1)
        if cpu:
            cpu.start()
        many = load_test(port, path, headers, args.requests, args.clients)
        if cpu:
            many.update(cpu.per(many["requests"]))
        out[name] = {"path": path, "one_client": one, "clients": many, "goal": goal,
                     "met": (many["p95_ms"] <= goal_ms and not many["errors"]) if goal else None}
        spent = (f"  cpu/request: gunicorn {many['gunicorn_cpu_ms']:5.1f} postgres {many['postgres_cpu_ms']:4.1f} ms"
                 if cpu else "")
        print(f"{name:24} 1 client p50 {one['p50_ms']:7.1f} p95 {one['p95_ms']:7.1f} | {args.clients} clients "
              f"p50 {many['p50_ms']:7.1f} p95 {many['p95_ms']:7.1f} ms  {many['throughput_rps']:6.1f}/s{spent}"
              f"{'  errors ' + str(many['errors']) if many['errors'] else ''}", flush=True)
    return out


def table(result: dict, goal_ms: int = GOAL_P95_MS) -> str:
    clients = result["args"]["clients"]
    floor = result["pages"]["floor"]["clients"]["p95_ms"] or 1
    lines = [f"| page | 1 client p50 / p95 (ms) | {clients} clients p50 / p95 (ms) | p95 ÷ floor's | req/s | "
             f"CPU/request: gunicorn + PostgreSQL (ms) | goal p95 ≤ {goal_ms} ms |", "|---|---|---|---|---|---|---|"]
    for name, r in result["pages"].items():
        one, many = r["one_client"], r["clients"]
        met = "—" if r["met"] is None else ("met" if r["met"] else "missed")
        cpu = (f"{many['gunicorn_cpu_ms']} + {many['postgres_cpu_ms']}" if "gunicorn_cpu_ms" in many else "—")
        lines.append(f"| {name} `{r['path']}` | {one['p50_ms']} / {one['p95_ms']} | {many['p50_ms']} / "
                     f"{many['p95_ms']} | {many['p95_ms'] / floor:.1f} | {many['throughput_rps']} | {cpu} | {met} |")
    return "\n".join(lines)


def main() -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--homes", type=int, default=1_000_000)
    parser.add_argument("--orders", type=int, default=5_000_000)
    parser.add_argument("--days", type=int, default=730)
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--requests", type=int, default=300, help="requests per page with --clients clients")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers (2 × the 2 cores)")
    parser.add_argument("--database", default="linli_bench_pages")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="use the database as it is (seeded by an earlier run)")
    parser.add_argument("--cache", choices=["redis", "db"], default="redis",
                        help="the shared cache: Redis as in production (docs/deploy.md; db 14 of 127.0.0.1:6379, "
                             "emptied first), or the database table `make run` uses")
    args = parser.parse_args()

    result = {"when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"), "machine": machine(),
              "load_avg_at_start": load(), "args": vars(args), "goal_p95_ms": GOAL_P95_MS}
    if not args.reuse:
        result["seeding"] = seed(args)
    try:
        actors = make_actors(args.database)
        result["city"] = {k: actors[k] for k in ("street", "street_orders", "district", "district_orders",
                                                 "smallest_street", "smallest_street_orders")}
        print(f"city: {result['city']}", flush=True)
        server = Server(args.workers, args.database, cache_url=empty_redis() if args.cache == "redis" else "")
        try:
            random.seed(1)
            result["pages"] = run_pages(server.port, actors, args, cpu=ServerCpu(server.proc.pid, args.database))
        finally:
            server.stop()
    finally:
        if not args.keep:
            psql(f"DROP DATABASE IF EXISTS {args.database} WITH (FORCE)")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "pages.json").write_text(json.dumps(result, ensure_ascii=False, indent=2))
    print()
    print(table(result))
    print(f"\nwritten to {RESULTS / 'pages.json'}")
    return result


if __name__ == "__main__":
    main()
