"""``make deploy-check`` (``python -m deploy.check.run``): start the production topology on this machine, run the
scripted day and the faults, check the invariants, print a summary and write it as JSON to deploy/check/results/.
Exits 1 when an invariant is broken or the stack could not run; every process's log is printed then."""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import sys
import time
import traceback
from pathlib import Path

from . import faults
from . import invariants as inv
from .client import Http
from .day import scripted_day
from .procs import CheckError
from .stack import PROXY_HEADERS, Stack

RESULTS = Path(__file__).resolve().parent / "results"
SCENARIOS = ("pg", "worker", "redis", "beat")


def say(started: float, text: str) -> None:
    print(f"[{time.monotonic() - started:6.1f} s] {text}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=8, help="resident accounts (one API key each)")
    parser.add_argument("--orders", type=int, default=120, help="reports in the day's intake")
    parser.add_argument("--threads", type=int, default=6, help="client threads")
    parser.add_argument("--faults", default=",".join(SCENARIOS), help=f"scenarios to run after the day ({SCENARIOS})")
    parser.add_argument("--no-queue", action="store_true",
                        help="no workers, scheduler nor SMS server (the sweep run on demand by `linli worker --once`)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (logs, data)")
    args = parser.parse_args(argv)
    scenarios = [s for s in args.faults.split(",") if s]
    started = time.monotonic()
    load_start = os.getloadavg()
    stack = Stack(keep=args.keep)
    verdicts: list[inv.Verdict] = []
    figures: dict = {}
    error = ""
    say(started, f"directory {stack.dir}")
    try:
        stack.up(residents=args.residents, with_queue=not args.no_queue)
        say(started, f"up: PostgreSQL :{stack.pg.port}, Redis :{stack.redis_port}, web :{stack.web_ports[0]} "
                     f":{stack.web_ports[1]}" + ("" if args.no_queue else f", 2 workers, beat, SMS :{stack.sms_port}")
            + f" ({', '.join(f'{k} {v:.1f} s' for k, v in stack.timings.items())})")
        figures["startup_s"] = {k: round(v, 1) for k, v in stack.timings.items()}
        http = Http([stack.web_url(0), stack.web_url(1)], PROXY_HEADERS)
        sweep = (lambda: stack.manage("worker", "--once")) if args.no_queue else None
        day = scripted_day(stack, http, orders=args.orders, threads=args.threads, sweep=sweep)
        verdicts += day["verdicts"]
        figures["day"] = day["figures"]
        say(started, f"day: {len(day['codes'])} orders, {day['figures']['intake']['ok_per_s']} orders/s, "
                     f"p95 {day['figures']['intake']['p95_ms']} ms")
        if not args.no_queue:
            drain = faults.wait_drained(stack.pg, 120)
            v = faults.delivery_verdict(stack, "day: every notification delivery sent once")
            if drain < 0:
                v.problems.append("the queue did not drain within 120 s")
            verdicts.append(v)
            figures["day"]["deliveries"] = v.figures
            figures["day"]["drain_after_sweep_s"] = round(drain, 1)
            say(started, f"day: {v.figures.get('sent')} deliveries sent, queue drained {drain:.1f} s after the sweep")
        runs = [("pg", "fault (a) PostgreSQL restarted mid-intake", "fault_pg_restart",
                 lambda: faults.postgres_restart(stack, http, threads=args.threads))]
        if not args.no_queue:
            runs += [("beat", "fault (d) scheduler started twice", "fault_two_schedulers",
                      lambda: faults.two_schedulers(stack, http)),
                     ("worker", "fault (b) worker killed mid-task", "fault_worker_killed",
                      lambda: faults.worker_killed(stack, http)),
                     ("worker", "fault (b') worker killed with a send in flight", "fault_worker_killed_in_flight",
                      lambda: faults.worker_killed_in_flight(stack, http)),
                     ("redis", "fault (c) Redis stopped and started", "fault_redis_restart",
                      lambda: faults.redis_restart(stack, http, threads=args.threads))]
        for key, title, name, scenario in runs:
            if key not in scenarios:
                continue
            result = scenario()
            verdicts += result["verdicts"]
            figures[name] = result["figures"]
            say(started, f"{title}: {'ok' if all(v.ok for v in result['verdicts']) else 'BROKEN'}")
        if not args.no_queue:
            v = faults.final_drain(stack, "end: every delivery of the run sent once")
            verdicts.append(v)
            figures["deliveries_total"] = v.figures
    except (CheckError, Exception) as exc:
        error = f"{type(exc).__name__}: {exc}"
        traceback.print_exc()
    finally:
        failed = bool(error) or not all(v.ok for v in verdicts)
        if failed:
            print("\n===== logs (last lines of each process) =====\n" + stack.failure_report(), flush=True)
            stack.keep = stack.keep or bool(os.environ.get("CI_KEEP_FAILED"))
        stack.close()
    total = time.monotonic() - started
    print()
    print(inv.table([[v.label, v.name, "; ".join(v.problems + v.warnings) or _brief(v.figures)]
                     for v in verdicts], ["", "invariant", "figures / problems"]))
    print()
    print(inv.table(headline(figures), ["figure", "value"]))
    print(json.dumps(figures, ensure_ascii=False, indent=1))
    if error:
        print(f"\nERROR: {error}")
    print(f"\n{'FAILED' if failed else 'PASSED'} in {total:.0f} s (load average {load_start[0]:.1f} at the start, "
          f"{os.getloadavg()[0]:.1f} at the end, {os.cpu_count()} CPUs)")
    RESULTS.mkdir(exist_ok=True)
    record = {"at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"), "passed": not failed,
              "seconds": round(total, 1), "error": error, "args": vars(args),
              "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "system": platform.platform(),
                          "load_at_start": load_start, "load_at_end": os.getloadavg()},
              "verdicts": [v.as_dict() for v in verdicts], "figures": figures}
    name = f"deploy-check-{record['at'].replace(':', '')}.json"
    for path in (RESULTS / name, RESULTS / "latest.json"):
        path.write_text(json.dumps(record, ensure_ascii=False, indent=1))
    return 1 if failed else 0


def headline(f: dict) -> list[list]:
    """The figures for the closing note, one line each (those the run produced)."""
    def get(*path):
        node = f
        for key in path:
            node = node.get(key) if isinstance(node, dict) else None
        return node

    rows = [
        ("start-up (PostgreSQL, migrate, seed, processes) s", get("startup_s")),
        ("day: orders accepted", get("day", "intake", "ok")),
        ("day: intake orders/s (6 threads, 2 web processes)", get("day", "intake", "ok_per_s")),
        ("day: intake p50 / p95 ms", _pair(get("day", "intake", "p50_ms"), get("day", "intake", "p95_ms"))),
        ("day: staff steps/s, p95 ms", _pair(get("day", "staff_steps", "ok_per_s"), get("day", "staff_steps", "p95_ms"))),
        ("day: deadlines moved → all escalated, s", get("day", "sweep_wait_s")),
        ("day: deliveries sent (provider messages)", _pair(get("day", "deliveries", "sent"),
                                                           get("day", "deliveries", "provider_messages"))),
        ("day: queue drained after the sweep, s", get("day", "drain_after_sweep_s")),
        ("(a) PostgreSQL down s / client errors / errors after back", _pair(
            get("fault_pg_restart", "down_s"), get("fault_pg_restart", "client_errors"),
            get("fault_pg_restart", "client_errors_after_back"))),
        ("(a) /readyz 200 again after PostgreSQL back, s", get("fault_pg_restart", "ready_again_after_restart_s")),
        ("(a) intake orders/s during the fault", get("fault_pg_restart", "rest", "ok_per_s")),
        ("(d) job runs with two schedulers / sends skipped", _pair(get("fault_two_schedulers", "job_runs"),
                                                                  get("fault_two_schedulers", "sends_skipped_as_already_run"))),
        ("(b) killed / ran again on / sent after kill s", _pair(
            get("fault_worker_killed", "killed"), get("fault_worker_killed", "ran_again_on"),
            get("fault_worker_killed", "sent_after_kill_s"))),
        ("(b') provider messages for the key cut in flight", get("fault_worker_killed_in_flight",
                                                                  "provider_messages_per_key")),
        ("(c) orders accepted with Redis down / p95 ms", _pair(get("fault_redis_restart", "intake_while_down", "ok"),
                                                              get("fault_redis_restart", "intake_while_down", "p95_ms"))),
        ("(c) deliveries made while down / drained after restart s", _pair(
            get("fault_redis_restart", "deliveries_created_while_down"),
            get("fault_redis_restart", "drained_after_restart_s"))),
        ("run: deliveries / sent / provider messages", _pair(get("deliveries_total", "deliveries"),
                                                             get("deliveries_total", "sent"),
                                                             get("deliveries_total", "provider_messages"))),
    ]
    return [[name, json.dumps(value, ensure_ascii=False) if isinstance(value, dict) else value]
            for name, value in rows if value is not None]


def _pair(*values):
    return None if all(v is None for v in values) else " / ".join(str(v) for v in values)


def _brief(figures: dict) -> str:
    return ", ".join(f"{k} {v}" for k, v in figures.items() if not isinstance(v, dict))


if __name__ == "__main__":
    sys.exit(main())
