"""Benchmark of work-order intake over HTTP, on PostgreSQL behind gunicorn, empty and with 1,000,000 orders.

    .venv/bin/python bench/workorders.py [--orders 1000000] [--homes 100000] [--requests 2000] [--clients 10]
                                         [--workers 4] [--keep]

1. A fresh PostgreSQL database ``linli_bench_workorders``: ``migrate``, ``linli seed --homes N`` (the estates).
2. A street admin of one synthetic street with an API key, and a signed-in session for the pages.
3. gunicorn (``linli.wsgi``, sync workers, persistent database connections) on 127.0.0.1.
4. Intake: ``--clients`` threads POST ``/api/v1/workorders/`` (create → triage → repeats → route through the
   routing table → dispatch, in the service function) until ``--requests`` are done; throughput and p50/p95/p99.
   Also the service function ``workorder_create`` timed in-process, without HTTP.
   Before it, in the same run and with the same clients: the floor, ``POST /bench/floor/``, a bare Django view
   that runs one INSERT (bench/floor_urls.py, served by the same gunicorn through bench/floor_settings.py, never by
   a production process); the intake's throughput is given as a ratio to it. Also the API root with the key (an
   authenticated DRF GET), for reference.
5. ``linli seed-orders --orders N`` (COPY), then the intake again, and the staff inbox page ``/workorders/``, the
   list ``/api/v1/workorders/`` and the boards with ``--clients`` threads, then each with one client alone.

The figures are printed and written to bench/results/workorders.json with the machine and its load average
(other processes on the machine make the figures worse, never better). The database is dropped at the end unless
``--keep``.
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
DATABASE = os.environ.get("LINLI_BENCH_DATABASE", "linli_bench_workorders")
PG = "postgres://postgres@127.0.0.1:5432"
PYTHON = sys.executable  # the virtualenv running the bench runs Linli from this checkout (manage.py, -m gunicorn)
LINLI = [PYTHON, str(ROOT / "manage.py")]
# intake: throughput ≥ 0.3 × the floor measured in the same run, p95 ≤ 50 ms with 10 clients.
GOALS = {"floor_ratio": 0.3, "p95_ms": 50, "p95_ratio_1m": 1.25, "inbox_p95_ms": 100}
TEXTS = ["{b}楼道灯坏了，晚上看不见", "{b}门口垃圾没人清运", "{b}顶楼漏水，屋里滴水", "消防通道被私家车占用",
         "{b}电梯停运，老人上下楼困难", "绿化带杂草丛生，蚊虫多", "{b}下水道堵塞，污水外溢"]


def env(**extra) -> dict:
    out = dict(os.environ, DATABASE_URL=f"{PG}/{DATABASE}", DEBUG="0", DB_CONN_MAX_AGE="600",
               LINLI_INPROCESS_WORKER="0", PYTHONWARNINGS="ignore", DJANGO_SETTINGS_MODULE="bench.floor_settings")
    out.update(extra)
    return out


def sh(cmd: list[str], label: str) -> float:
    print(f"$ {' '.join(map(str, cmd))}", flush=True)
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, env=env(), text=True, capture_output=True)
    for line in proc.stdout.splitlines():
        print("  " + line, flush=True)
    if proc.returncode:
        print(proc.stderr, file=sys.stderr)
        raise SystemExit(f"{label} failed")
    return time.perf_counter() - start


def psql(sql: str, db: str = "postgres") -> None:
    import psycopg

    with psycopg.connect(f"{PG}/{db}", autocommit=True) as conn:
        conn.execute(sql)


def summary(latencies: list[float], seconds: float, errors: int) -> dict:
    ms = [x * 1000 for x in latencies]
    return {"requests": len(ms), "errors": errors, "seconds": round(seconds, 2),
            "throughput_rps": round(len(ms) / seconds, 1), "p50_ms": round(percentile(ms, 50), 1),
            "p95_ms": round(percentile(ms, 95), 1), "p99_ms": round(percentile(ms, 99), 1),
            "max_ms": round(max(ms), 1), "load_avg": load()}


# -- setup inside this process (Django pointed at the bench database) ---------------------------------------


def django_setup():
    os.environ.update(env())
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def make_actors() -> dict:
    """A street admin of the synthetic street with the most estates (its committees and centre made): an API key
    and a session cookie."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.db.models import Count

    from linli.core.testing import make_user
    from linli.people.models import ApiKey, Role
    from linli.places.models import Division, Estate

    street = (Division.objects.filter(level="street", code__startswith="9")
              .annotate(n=Count("children__estates")).order_by("-n", "code").first())
    # Like a real street: every community has its committee and the street its property service centre, so that
    # the routing table finds a hand for every order (self-managed estates fall back to the community).
    from linli.people.models import Organization

    for community in Division.objects.filter(parent=street):
        Organization.objects.get_or_create(kind="community_committee", name=f"{community.name}居委会",
                                           defaults={"division": community})
    Organization.objects.get_or_create(kind="property_centre", name=f"{street.name}物业服务中心",
                                       defaults={"division": street})
    user = make_user("bench_street_admin", Role.STREET_ADMIN, division=street)
    key = ApiKey.generate()
    ApiKey.objects.create(name="bench", user=user, prefix=key[:10], key_hash=ApiKey.hash(key))
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0] if getattr(
        settings, "AUTHENTICATION_BACKENDS", None) else "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    estates = list(Estate.objects.filter(community__parent=street).values_list("pk", flat=True))
    return {"street": street.code, "street_name": street.name, "key": key, "session": session.session_key,
            "cookie": settings.SESSION_COOKIE_NAME, "estates": estates, "user_id": user.pk}


def service_timing(actors: dict, n: int = 300) -> dict:
    """workorder_create called directly (no HTTP, no gunicorn): the floor under the HTTP figures."""
    from linli.people.models import User
    from linli.places.models import Estate
    from linli.workorders import services

    user = User.objects.get(pk=actors["user_id"])
    estates = list(Estate.objects.filter(pk__in=actors["estates"]).select_related("community__parent"))
    rng = random.Random(7)
    times = []
    for _ in range(n):
        estate = rng.choice(estates)
        start = time.perf_counter()
        services.workorder_create(channel="api", text=rng.choice(TEXTS).format(b="1栋"), actor=user,
                                  place=services.resolve_place(estate=estate), category="repair")
        times.append(time.perf_counter() - start)
    ms = [t * 1000 for t in times]
    return {"calls": n, "p50_ms": round(percentile(ms, 50), 2), "p95_ms": round(percentile(ms, 95), 2),
            "p99_ms": round(percentile(ms, 99), 2)}


def rates_timing(actors: dict) -> dict:
    """rates.compute for the bench street and for its district, this month (in-process, cold then warm)."""
    from linli.places.models import Division
    from linli.workorders import rates

    street = Division.objects.get(code=actors["street"])
    period = rates.parse_period(None)
    out = {}
    for name, division in (("street_month", street), ("district_month", street.parent)):
        times = []
        for _ in range(3):
            start = time.perf_counter()
            figures = rates.compute(division, period)
            times.append(round((time.perf_counter() - start) * 1000, 1))
        out[name] = {"cold_ms": times[0], "warm_ms": min(times[1:]), "dispatches": figures.total.dispatched,
                     "callbacks": figures.total.visited, "received": figures.received}
    return out


# -- the HTTP load ------------------------------------------------------------------------------------------


class Server:
    def __init__(self, workers: int):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.proc = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "linli.wsgi", "-w", str(workers), "-b", f"127.0.0.1:{self.port}",
             "--log-level", "warning", "--timeout", "120"],
            cwd=ROOT, env=env(), start_new_session=True)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", "/api/v1/")
                conn.getresponse().read()
                return
            except OSError:
                time.sleep(0.3)
        raise SystemExit("gunicorn did not start")

    def stop(self):
        os.killpg(self.proc.pid, signal.SIGTERM)
        self.proc.wait(timeout=30)


def load_test(port: int, make_request, total: int, clients: int, master: int | None = None) -> dict:
    """``clients`` threads, each with its own connection, share ``total`` requests; ``make_request(rng)`` gives
    (method, path, body, headers, expected status)."""
    cpu = ServerCpu(master, DATABASE) if master else None
    if cpu:
        cpu.start()
    latencies, errors, seconds = drive(port, make_request, total, clients)
    out = summary(latencies, seconds, errors)
    if cpu:
        # CPU actually spent by the server side (gunicorn + PostgreSQL backends) per request: independent of what
        # else runs on the machine, so it gives the throughput two dedicated cores would reach.
        split = cpu.per(len(latencies))
        per = split["gunicorn_cpu_ms"] + split["postgres_cpu_ms"]
        out["server_cpu_ms_per_request"] = round(per, 2)
        out["server_cpu_split_ms"] = {k: v for k, v in split.items() if k != "client_cpu_ms"}
        out["client_cpu_ms_per_request"] = split["client_cpu_ms"]
        out["capacity_rps_2_cores"] = round(2000 / per, 1) if per else None
    return out


def intake_request(actors):
    headers = {"Authorization": f"Token {actors['key']}", "Content-Type": "application/json"}
    estates = actors["estates"]

    def make(rng):
        body = json.dumps({"text": rng.choice(TEXTS).format(b=f"{rng.randint(1, 12)}栋"), "estate": rng.choice(estates),
                           "category": rng.choice(["repair", "sanitation", "parking", "facility"]), "kind": "help"})
        return "POST", "/api/v1/workorders/", body, headers, 201

    return make


def page_request(actors, path):
    headers = {"Cookie": f"{actors['cookie']}={actors['session']}"}

    def make(rng):
        return "GET", path, None, headers, 200

    return make


def probe(port, actors, path) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", path, headers={"Cookie": f"{actors['cookie']}={actors['session']}"})
    response = conn.getresponse()
    response.read()
    return response.status


def run_intake(server, actors, args, label) -> dict:
    print(f"intake ({label}): warm-up", flush=True)
    load_test(server.port, intake_request(actors), 100, args.clients)
    print(f"intake ({label}): {args.requests} requests, {args.clients} clients", flush=True)
    figures = load_test(server.port, intake_request(actors), args.requests, args.clients, server.proc.pid)
    print(f"  {figures}", flush=True)
    return figures


def run_floor(server, actors, args) -> dict:
    """The floor: the same clients POST to a bare Django view that runs one INSERT (bench/floor_urls.py), behind
    the same gunicorn and middleware. Its throughput is the yardstick of the intake in this run."""
    headers = {"Content-Type": "application/json"}

    def make(rng):
        return "POST", "/bench/floor/", json.dumps({"n": rng.randint(1, 10**6)}), headers, 201

    load_test(server.port, make, 100, args.clients)
    figures = load_test(server.port, make, args.requests, args.clients, server.proc.pid)
    print(f"floor (POST /bench/floor/, one INSERT): {figures}", flush=True)
    return figures


def run_api_root(server, actors, args) -> dict:
    """For reference: the API root with the key, an authenticated DRF GET that writes nothing."""
    headers = {"Authorization": f"Token {actors['key']}"}

    def make(rng):
        return "GET", "/api/v1/", None, headers, 200

    load_test(server.port, make, 100, args.clients)
    figures = load_test(server.port, make, args.requests, args.clients, server.proc.pid)
    print(f"API root (GET /api/v1/ with the key): {figures}", flush=True)
    return figures


def intake_verdict(intake: dict, floor: dict) -> dict:
    """The intake against the floor of the same run: throughput ratio, p50/p95, and each goal met or missed."""
    ratio = round(intake["throughput_rps"] / floor["throughput_rps"], 3)
    return {"intake_rps": intake["throughput_rps"], "floor_rps": floor["throughput_rps"], "ratio_to_floor": ratio,
            "intake_p50_ms": intake["p50_ms"], "intake_p95_ms": intake["p95_ms"],
            "ratio_met": ratio >= GOALS["floor_ratio"], "p95_met": intake["p95_ms"] <= GOALS["p95_ms"]}


def print_intake_verdict(label: str, v: dict) -> None:
    print(f"INTAKE ({label}): {v['intake_rps']} req/s = {v['ratio_to_floor']} × the floor ({v['floor_rps']} req/s) "
          f"[goal ≥ {GOALS['floor_ratio']}: {'met' if v['ratio_met'] else 'MISSED'}]; p50 {v['intake_p50_ms']} ms, "
          f"p95 {v['intake_p95_ms']} ms [goal ≤ {GOALS['p95_ms']} ms: {'met' if v['p95_met'] else 'MISSED'}]",
          flush=True)


def run_pages(server, actors, args) -> dict:
    out = {}
    targets = [("inbox_page", "/workorders/"), ("inbox_all_tab", "/workorders/?tab=all"),
               ("list_api", "/api/v1/workorders/"), ("list_api_dispatched", "/api/v1/workorders/?status=dispatched"),
               ("dispatch_board", "/workorders/board/"), ("overdue_board", "/workorders/overdue/")]
    for name, path in targets:
        status = probe(server.port, actors, path)
        if status != 200:
            out[name] = {"path": path, "skipped": f"HTTP {status}"}
            print(f"{name}: {path} answers {status}, skipped", flush=True)
            continue
        load_test(server.port, page_request(actors, path), 20, args.clients)
        figures = load_test(server.port, page_request(actors, path), args.page_requests, args.clients,
                            server.proc.pid)
        figures["path"] = path
        # One staff member alone: the latency of the page itself, without nine others queueing for the 2 cores.
        alone = load_test(server.port, page_request(actors, path), 100, 1)
        figures["one_client"] = {k: alone[k] for k in ("p50_ms", "p95_ms", "p99_ms")}
        out[name] = figures
        print(f"{name}: {figures}", flush=True)
    return out


def main() -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--homes", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--page-requests", type=int, default=300)
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers (2 × the 2 cores)")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--intake-only", action="store_true",
                        help="the floor and the intake on the empty database only (no pages, no 1M orders)")
    args = parser.parse_args()

    result = {"when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"), "machine": machine(),
              "load_avg_at_start": load(), "args": vars(args), "goals": GOALS}
    psql(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
    psql(f"CREATE DATABASE {DATABASE}")
    try:
        sh([*LINLI, "migrate", "-v0"], "migrate")
        psql("CREATE TABLE bench_floor (id bigserial PRIMARY KEY, at timestamptz NOT NULL DEFAULT now(), body text)",
             DATABASE)
        result["seed_homes_seconds"] = round(sh([*LINLI, "seed", "--homes", str(args.homes)], "seed"), 1)
        django_setup()
        from django.db import connection

        actors = make_actors()
        result["street"] = {"code": actors["street"], "name": actors["street_name"], "estates": len(actors["estates"])}
        with connection.cursor() as cursor:
            cursor.execute("show server_version")
            result["machine"]["postgresql"] = cursor.fetchone()[0]
        import gunicorn

        result["machine"]["gunicorn"] = gunicorn.__version__
        from django.conf import settings

        result["machine"]["cache"] = settings.CACHES["default"]["BACKEND"].rsplit(".", 2)[-2]  # redis or db
        result["service_empty"] = service_timing(actors)
        connection.close()

        server = Server(args.workers)
        try:
            result["floor_empty"] = run_floor(server, actors, args)
            result["api_root_empty"] = run_api_root(server, actors, args)
            result["intake_empty"] = run_intake(server, actors, args, "empty")
            result["intake_vs_floor_empty"] = intake_verdict(result["intake_empty"], result["floor_empty"])
            print_intake_verdict("empty", result["intake_vs_floor_empty"])
            if not args.intake_only:
                result["pages_empty"] = run_pages(server, actors, args)
        finally:
            server.stop()
        if args.intake_only:
            return finish(result)

        seconds = sh([*LINLI, "seed-orders", "--orders", str(args.orders)], "seed-orders")
        result["seed_orders_seconds"] = round(seconds, 1)
        psql("VACUUM ANALYZE", DATABASE)
        result["service_1m"] = service_timing(actors)
        result["rates_1m"] = rates_timing(actors)
        connection.close()

        server = Server(args.workers)
        try:
            result["floor_1m"] = run_floor(server, actors, args)
            result["intake_1m"] = run_intake(server, actors, args, f"{args.orders:,} orders")
            result["intake_vs_floor_1m"] = intake_verdict(result["intake_1m"], result["floor_1m"])
            print_intake_verdict(f"{args.orders:,} orders", result["intake_vs_floor_1m"])
            result["pages_1m"] = run_pages(server, actors, args)
        finally:
            server.stop()
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM workorders_workorder")
            result["orders_at_end"] = cursor.fetchone()[0]
            cursor.execute("SELECT count(*) FROM workorders_workorder WHERE street_id = "
                           "(SELECT id FROM places_division WHERE code = %s)", [actors["street"]])
            result["street_orders_at_end"] = cursor.fetchone()[0]
        connection.close()
    finally:
        if not args.keep:
            from django.db import connections

            connections.close_all()
            psql(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")

    e, m = result["intake_empty"], result["intake_1m"]
    result["p95_ratio_1m"] = round(m["p95_ms"] / e["p95_ms"], 2)
    inbox = result["pages_1m"].get("inbox_page", {})
    result["verdict"] = {
        "floor_ratio_empty": result["intake_vs_floor_empty"]["ratio_met"],
        "floor_ratio_1m": result["intake_vs_floor_1m"]["ratio_met"],
        "p95_empty": e["p95_ms"] <= GOALS["p95_ms"],
        "p95_1m": m["p95_ms"] <= GOALS["p95_ms"],
        "p95_ratio_1m": result["p95_ratio_1m"] <= GOALS["p95_ratio_1m"],
        "inbox_p95_1m": (inbox.get("p95_ms") or 1e9) <= GOALS["inbox_p95_ms"],
        "list_p95_1m": (result["pages_1m"].get("list_api", {}).get("p95_ms") or 1e9) <= GOALS["inbox_p95_ms"],
        "inbox_p95_1m_one_client": (inbox.get("one_client", {}).get("p95_ms") or 1e9) <= GOALS["inbox_p95_ms"],
        "list_p95_1m_one_client": (result["pages_1m"].get("list_api", {}).get("one_client", {}).get("p95_ms")
                                   or 1e9) <= GOALS["inbox_p95_ms"],
    }
    return finish(result)


def finish(result: dict) -> dict:
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "workorders.json").write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    print(json.dumps(result, ensure_ascii=False, indent=2))
    for label in ("empty", "1m"):
        if f"intake_vs_floor_{label}" in result:
            print_intake_verdict(label, result[f"intake_vs_floor_{label}"])
    return result


if __name__ == "__main__":
    main()
