"""Benchmark: ``linli seed --homes N`` on a fresh SQLite file and a fresh PostgreSQL database, then reads.

    .venv/bin/python bench/run.py [--homes 1000000] [--db sqlite|postgres|both] [--seed 1]

For each database: ``migrate`` into an empty database (SQLite: a file in a temporary directory; PostgreSQL:
``linli_bench``, created and dropped here), ``seed`` timed from the outside, then bench/reads.py times a
few registry reads at that scale. Everything runs in subprocesses with DATABASE_URL set, exactly as a user
would run the commands. The figures are printed and written to bench/results/latest.json with the
machine they were measured on.
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
PG_DATABASE = "linli_bench"


def machine() -> dict:
    info = {
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
    }
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                info["memory_gib"] = round(int(line.split()[1]) / 1024 / 1024, 1)
                break
    except OSError:
        pass
    import sqlite3

    import django
    import psycopg

    info.update(sqlite=sqlite3.sqlite_version, django=django.get_version(), psycopg=psycopg.__version__)
    return info


def run(cmd: list[str], env: dict, label: str, echo: bool = True) -> tuple[float, str]:
    """Run ``cmd``, echo its output as it comes, return (seconds, output); stop the benchmark if it fails."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = []
    for line in proc.stdout:
        lines.append(line)
        if echo:
            print(f"    {label} | {line.rstrip()}", flush=True)
    code = proc.wait()
    seconds = time.perf_counter() - start
    if code:
        sys.exit(f"{label}: {' '.join(cmd)} failed with exit code {code}:\n{''.join(lines[-30:])}")
    return seconds, "".join(lines)


def bench_one(name: str, url: str, homes: int, seed: int, data_dir: Path) -> dict:
    env = dict(os.environ, DATABASE_URL=url, LINLI_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="linli.settings")
    env.pop("DEBUG", None)
    python = sys.executable
    print(f"\n== {name}: {url}", flush=True)
    migrate_s, _ = run([python, "manage.py", "migrate", "--no-input", "-v", "0"], env, "migrate")
    seed_s, seed_out = run([python, "manage.py", "seed", "--homes", str(homes), "--seed", str(seed)], env, "seed")
    _, reads_out = run([python, "bench/reads.py"], env, "reads", echo=False)
    reads = json.loads(reads_out.strip().splitlines()[-1])
    rows = sum(reads["counts"][k] for k in ("Home", "Person", "Occupancy"))
    inner = re.search(r"共 [\d,]+ 行，([\d.]+) 秒", seed_out)
    return {
        "url": url,
        "database": reads["database"],
        "migrate_s": round(migrate_s, 1),
        "seed_s": round(seed_s, 1),
        "seed_inner_s": float(inner.group(1)) if inner else None,
        "seed_rows_per_s": round(rows / seed_s),
        "seed_output": seed_out.splitlines(),
        "counts": reads["counts"],
        "reads_district": reads["district"],
        "reads": reads["reads"],
    }


def bench_sqlite(homes: int, seed: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="linli-bench-") as tmp:
        path = Path(tmp) / "bench.sqlite3"
        result = bench_one("SQLite", f"sqlite:///{path}", homes, seed, Path(tmp))
        result["size_mib"] = round(sum(p.stat().st_size for p in Path(tmp).glob("bench.sqlite3*")) / 2**20)
        return result


def bench_postgres(homes: int, seed: int, admin_url: str) -> dict:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {PG_DATABASE}")
    base = admin_url.rsplit("/", 1)[0]
    try:
        with tempfile.TemporaryDirectory(prefix="linli-bench-") as tmp:
            result = bench_one("PostgreSQL", f"{base}/{PG_DATABASE}", homes, seed, Path(tmp))
        with psycopg.connect(admin_url, autocommit=True) as conn:
            result["size_mib"] = round(
                conn.execute("SELECT pg_database_size(%s)", [PG_DATABASE]).fetchone()[0] / 2**20
            )
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
    return result


def report(results: dict) -> list[str]:
    dbs = list(results["databases"])
    lines = [f"linli seed --homes {results['homes']:,} (seed {results['seed']}), "
             f"{results['machine']['cpus']} CPUs, {results['machine'].get('memory_gib', '?')} GiB, {results['date']}"]
    header = f"{'':42}" + "".join(f"{results['databases'][d]['database'].split(' (')[0]:>26}" for d in dbs)
    lines.append(header)

    def row(label: str, values: list[str]):
        lines.append(f"{label:42}" + "".join(f"{v:>26}" for v in values))

    row("migrate (s)", [f"{results['databases'][d]['migrate_s']:.1f}" for d in dbs])
    row("seed, wall clock (s)", [f"{results['databases'][d]['seed_s']:.1f}" for d in dbs])
    row("seed, inside the command (s)", [f"{results['databases'][d]['seed_inner_s']}" for d in dbs])
    row("seed, home+person+occupancy rows/s", [f"{results['databases'][d]['seed_rows_per_s']:,}" for d in dbs])
    row("database size (MiB)", [f"{results['databases'][d].get('size_mib', '?')}" for d in dbs])
    reads = list(results["databases"][dbs[0]]["reads"])
    lines.append("reads, ms (cold / warm median of 3):")
    for name in reads:
        row("  " + name, [
            f"{results['databases'][d]['reads'][name]['cold_ms']:.0f} / {results['databases'][d]['reads'][name]['warm_ms']:.0f}"
            for d in dbs
        ])
    return lines


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--homes", type=int, default=1_000_000)
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
                        help="a PostgreSQL URL allowed to create and drop the linli_bench database")
    args = parser.parse_args(argv)

    results = {
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "homes": args.homes,
        "seed": args.seed,
        "command": f"linli seed --homes {args.homes} --seed {args.seed}",
        "machine": machine(),
        "databases": {},
    }
    if args.db in ("sqlite", "both"):
        results["databases"]["sqlite"] = bench_sqlite(args.homes, args.seed)
    if args.db in ("postgres", "both"):
        results["databases"]["postgres"] = bench_postgres(args.homes, args.seed, args.pg_url)
        results["machine"]["postgres"] = results["databases"]["postgres"]["database"]

    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / "latest.json"
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n")
    print()
    for line in report(results):
        print(line)
    print(f"\nwritten to {out.relative_to(ROOT)}")
    return results


if __name__ == "__main__":
    main()
