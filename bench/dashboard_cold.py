"""What a dashboard overview costs when nothing is kept: ``selectors.overview`` in this process for the street,
district and city users of bench/dashboard.py, every memo cleared before each run (the first opening of the day).

    .venv/bin/python bench/dashboard_cold.py [--database linli_city_dash] [--runs 4]

Needs the city database of bench/dashboard.py (``--reuse --keep``). Prints milliseconds per run and writes
bench/results/dashboard_cold.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from dashboard import RESULTS, make_actors  # noqa: E402
from measure import load, machine  # noqa: E402


def main() -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", default="linli_city_dash")
    parser.add_argument("--runs", type=int, default=4)
    args = parser.parse_args()
    make_actors(args.database)
    from linli.core.memo import clear_all
    from linli.dashboard import selectors as sel
    from linli.people.models import User

    period = sel.parse_period(None)
    result = {"machine": machine(), "load_avg_at_start": load(), "args": vars(args), "ms": {}}
    for name in ("bench_dash_street", "bench_dash_district", "bench_dash_city"):
        user = User.objects.get(username=name)
        area = sel.area_for(user, None)
        runs = []
        for _ in range(args.runs):
            clear_all()
            started = time.perf_counter()
            sel.overview(user, area, period)
            runs.append(round((time.perf_counter() - started) * 1000, 1))
        result["ms"][name] = {"runs": runs, "median": statistics.median(runs)}
        print(f"{name:22} {runs} ms, median {statistics.median(runs)}", flush=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "dashboard_cold.json").write_text(json.dumps(result, ensure_ascii=False, indent=2))
    return result


if __name__ == "__main__":
    main()
