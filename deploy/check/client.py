"""The HTTP clients of the day: plain urllib in threads, each request to one of the two web ports in turn (as a
load balancer would), every answer timed and kept for the figures."""

from __future__ import annotations

import itertools
import json
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from .invariants import percentile


@dataclass
class Answer:
    status: int  # 0: no HTTP answer (connection refused or cut, timeout)
    body: object
    seconds: float
    port: int
    error: str = ""
    at: float = 0.0  # time.monotonic() when the request was sent

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def ambiguous(self) -> bool:
        """The client cannot tell whether the server committed: no answer after sending, or a gateway error."""
        return self.status == 0 or self.status in (502, 504)


@dataclass
class Log:
    """Every answer of one phase, for its figures."""

    answers: list[Answer] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)
    ended: float | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, answer: Answer) -> None:
        with self.lock:
            self.answers.append(answer)

    def figures(self) -> dict:
        end = self.ended or time.monotonic()
        ok = [a.seconds for a in self.answers if a.ok]
        wall = max(end - self.started, 1e-9)
        statuses: dict[str, int] = {}
        for a in self.answers:
            statuses[str(a.status)] = statuses.get(str(a.status), 0) + 1
        return {"requests": len(self.answers), "ok": len(ok), "seconds": round(wall, 2),
                "ok_per_s": round(len(ok) / wall, 1), "p50_ms": round(1000 * percentile(ok, 50), 1),
                "p95_ms": round(1000 * percentile(ok, 95), 1), "statuses": statuses}


class Http:
    """Requests to the web processes in turn, with the headers nginx would add."""

    def __init__(self, urls: list[str], headers: dict, timeout: float = 30):
        self.urls, self.headers, self.timeout = urls, headers, timeout
        self._turn = itertools.count()
        self._lock = threading.Lock()

    def next_url(self) -> str:
        with self._lock:
            return self.urls[next(self._turn) % len(self.urls)]

    def call(self, method: str, path: str, *, key: str | None = None, data=None, log: Log | None = None,
             base: str | None = None) -> Answer:
        base = base or self.next_url()
        headers = dict(self.headers, Accept="application/json")
        if key:
            headers["Authorization"] = f"Token {key}"
        body = None
        if data is not None:
            body = json.dumps(data, ensure_ascii=False).encode()
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(base + path, data=body, method=method, headers=headers)
        start = time.monotonic()
        status, payload, error = 0, None, ""
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as exc:
            status, raw = exc.code, exc.read()
        except (OSError, urllib.error.URLError) as exc:
            raw, error = b"", f"{type(exc).__name__}: {exc}"
        if raw:
            try:
                payload = json.loads(raw)
            except ValueError:
                payload = raw[:300].decode(errors="replace")
        answer = Answer(status, payload, time.monotonic() - start, int(base.rsplit(":", 1)[1]), error, start)
        if log is not None:
            log.add(answer)
        return answer

    def call_retrying(self, method: str, path: str, *, attempts: int = 8, pause: float = 0.5, **kw
                      ) -> tuple[Answer, list[Answer]]:
        """Retry on a 5xx or no answer (as a phone app or the 12345 platform would); returns the last answer and
        all of them."""
        tried = []
        for n in range(attempts):
            answer = self.call(method, path, **kw)
            tried.append(answer)
            if answer.status and answer.status < 500:
                break
            time.sleep(pause * (n + 1))
        return tried[-1], tried


def run_threads(jobs: list, threads: int, work) -> list:
    """``work(job)`` for every job on ``threads`` threads; the results in the jobs' order."""
    with ThreadPoolExecutor(max_workers=threads) as pool:
        return list(pool.map(work, jobs))
