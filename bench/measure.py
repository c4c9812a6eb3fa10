"""Helpers shared by the HTTP benches (bench/workorders.py, bench/pages.py): the machine, its load, percentiles."""

from __future__ import annotations

import http.client
import os
import platform
import random
import threading
import time
from pathlib import Path


def machine() -> dict:
    info = {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()}
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return info


def load() -> list[float]:
    try:
        return [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]]
    except OSError:
        return []


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def drive(port: int, make_request, total: int, clients: int, timeout: float = 60) -> tuple[list[float], int, float]:
    """``clients`` threads, each with its own keep-alive connection to 127.0.0.1:``port``, share ``total`` requests;
    ``make_request(rng)`` gives (method, path, body, headers, expected status). Returns (latencies in seconds, the
    number of unexpected answers, wall-clock seconds)."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    left = [total]

    def worker(i):
        rng = random.Random(i)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        mine = []
        while True:
            with lock:
                if left[0] <= 0:
                    break
                left[0] -= 1
            method, path, body, headers, expected = make_request(rng)
            start = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                data = response.read()
                ok = response.status == expected
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
                ok, data = False, b""
            mine.append(time.perf_counter() - start)
            if not ok:
                with lock:
                    errors[0] += 1
                    if errors[0] <= 3:
                        print(f"  unexpected answer for {path}: {data[:300]!r}", flush=True)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, errors[0], time.perf_counter() - start


# -- CPU spent by the server side ------------------------------------------------------------------------------------

CLOCK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process so far (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK  # utime + stime
    except (OSError, IndexError, ValueError):
        return 0.0


def server_pids(master: int, database: str) -> dict[str, list[int]]:
    """{"gunicorn": the master and its workers, "postgres": the backends serving ``database``}."""
    import psycopg

    workers = [master]
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == master:
                workers.append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    with psycopg.connect("postgres://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        backends = [r[0] for r in conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", [database])]
    return {"gunicorn": workers, "postgres": backends}


class ServerCpu:
    """CPU milliseconds per request spent by gunicorn and by PostgreSQL between ``start()`` and ``per(n)``:
    independent of what else runs on the machine, it says what a page costs the two cores (the client's threads
    are counted apart)."""

    def __init__(self, master: int, database: str):
        self.master, self.database = master, database

    def _read(self) -> dict[str, float]:
        return {p: cpu_seconds(p) for pids in server_pids(self.master, self.database).values() for p in pids}

    def start(self) -> None:
        self.before = self._read()
        self.client_before = sum(os.times()[:2])

    def per(self, requests: int) -> dict[str, float]:
        after_pids = server_pids(self.master, self.database)
        out = {}
        for part, pids in after_pids.items():
            spent = sum(cpu_seconds(p) - self.before.get(p, 0.0) for p in pids)
            out[f"{part}_cpu_ms"] = round(spent / max(requests, 1) * 1000, 2)
        out["client_cpu_ms"] = round((sum(os.times()[:2]) - self.client_before) / max(requests, 1) * 1000, 2)
        return out
