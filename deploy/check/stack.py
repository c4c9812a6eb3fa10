"""The production topology on this machine, in one temporary directory: PostgreSQL and Redis of the check's own
(never the shared ones at :5432 and :6379), two web processes (gunicorn, 2 workers each), two Celery workers, one
Celery beat, and the fake SMS provider as the SMS channel. Every process logs to ``<dir>/logs/<name>.log``."""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import psycopg

from .procs import CheckError, Proc, free_port, http_status, port_open, run

ROOT = Path(__file__).resolve().parents[2]  # the checkout: its linli package is the one the processes import
def _pg_bin() -> Path:
    """PostgreSQL's programs: LINLI_CHECK_PG_BIN, else the newest /usr/lib/postgresql/<version>/bin (Debian)."""
    if os.environ.get("LINLI_CHECK_PG_BIN"):
        return Path(os.environ["LINLI_CHECK_PG_BIN"])
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name)
                   if p.parent.parent.name.isdigit() else 0)
    return found[-1].parent if found else Path("/usr/lib/postgresql/15/bin")


PG_BIN = _pg_bin()
DB_NAME = "d14_check"
# Clients talk to gunicorn as nginx would: the proxy terminated TLS and says so (docs/deploy.md).
# What a load balancer asks a web process (linli.core health views); overridable to run against an older tree.
HEALTH_PATH = os.environ.get("LINLI_CHECK_HEALTH_PATH", "/healthz")
# Every job of the one schedule (linli/celery.py SCHEDULE; a test keeps the two the same), each sped up to a few seconds.
SCHEDULED_JOBS = ("workorders-deadline-sweep", "workorders-daily-summary", "notify-requeue-deliveries",
                  "assembly-close-due-votes", "volunteers-release-wish-claims", "care-overdue-visits",
                  "assembly-contract-renewals", "assembly-committee-term-reports", "dashboard-freeze-assessment",
                  "facilities-due-inspections", "renovation-emergency-ending",
                  "dashboard-warm-overviews")
PROXY_HEADERS = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}


def as_postgres(argv: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: as root, run its tools as the ``postgres`` user."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *argv]
    return argv


class Postgres:
    """initdb + pg_ctl on a free port, data directory and socket under ``home`` (owned by postgres when root)."""

    def __init__(self, home: Path, log: Path):
        self.home, self.log = home, log
        self.data = home / "data"
        self.port = free_port()
        self.server_log = home / "server.log"

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{DB_NAME}"

    def _options(self) -> str:
        # fsync off: this is a throw-away cluster on a shared CI machine (a clean restart loses nothing anyway).
        # client_connection_check_interval: a query whose client died (a killed worker) is cancelled within a
        # second instead of finishing alone, as docs/deploy.md recommends for production too.
        return (f"-p {self.port} -k {self.home} -c listen_addresses=127.0.0.1 -c fsync=off "
                f"-c full_page_writes=off -c max_connections=200 -c client_connection_check_interval=1000")

    def init(self) -> None:
        self.home.mkdir(parents=True)
        if os.geteuid() == 0:
            shutil.chown(self.home, "postgres", "postgres")
        run(as_postgres([str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust",
                         "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"]), log=self.log, name="initdb")
        self.start()
        run(as_postgres([str(PG_BIN / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-q",
                         "-c", f"CREATE DATABASE {DB_NAME}"]), log=self.log, name="createdb")

    def ctl(self, *args: str, timeout: float = 60) -> None:
        run(as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.server_log), "-w",
                         "-t", str(int(timeout)), "-o", self._options(), *args]), log=self.log,
            name=f"pg_ctl {args[0]}", timeout=timeout + 10)

    def start(self) -> None:
        self.ctl("start")

    def restart(self, down_for: float = 0) -> None:
        """``pg_ctl restart -m fast``: every session is cut, then the server comes back; with ``down_for``, a fast
        stop, that many seconds down, then a start (so that clients and probes surely see it)."""
        if down_for <= 0:
            self.ctl("restart", "-m", "fast")
            return
        self.ctl("stop", "-m", "fast")
        time.sleep(down_for)
        self.start()

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            with contextlib.suppress(CheckError):
                self.ctl("stop", "-m", "fast")

    def connect(self) -> psycopg.Connection:
        return psycopg.connect(host="127.0.0.1", port=self.port, user="postgres", dbname=DB_NAME, autocommit=True,
                               connect_timeout=5)

    def query(self, sql: str, params=()) -> list[tuple]:
        with self.connect() as conn:
            return conn.execute(sql, params).fetchall()

    def execute(self, sql: str, params=()) -> int:
        with self.connect() as conn:
            return conn.execute(sql, params).rowcount

    def tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.server_log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


class Stack:
    """Everything the check starts; ``close()`` stops all of it (and keeps the directory when asked)."""

    def __init__(self, *, web_workers: int = 2, worker_concurrency: int = 2, keep: bool = False,
                 beat_every: int = 5):
        self.dir = Path(tempfile.mkdtemp(prefix="linli-deploy-check-"))
        self.dir.chmod(0o755)  # the postgres user must reach its own directory inside
        self.logs = self.dir / "logs"
        self.logs.mkdir()
        self.keep = keep
        self.python = sys.executable
        self.web_workers, self.worker_concurrency, self.beat_every = web_workers, worker_concurrency, beat_every
        self.pg = Postgres(self.dir / "pg", self.logs / "postgres-ctl.log")
        self.redis_port = free_port()
        self.web_ports = [free_port(), free_port()]
        self.sms_port = free_port()
        self.procs: dict[str, Proc] = {}
        self.secret = secrets.token_urlsafe(64)
        self.seed: dict = {}
        self.with_queue = True
        self.cut_in_flight: set[str] = set()  # delivery keys whose send fault (b') cut in flight
        self.timings: dict[str, float] = {}

    # -- configuration --------------------------------------------------------------------------------------

    def env(self, **extra) -> dict:
        """The environment of every Linli process: production settings, as docs/deploy.md writes them."""
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "LINLI_", "CELERY_"))}
        env.update({
            "PYTHONPATH": str(ROOT),
            "PYTHONUNBUFFERED": "1",
            "LINLI_PRODUCTION": "true",
            "SECRET_KEY": self.secret,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": self.pg.url,
            "DB_CONN_MAX_AGE": "60",
            "DB_CONN_HEALTH_CHECKS": "true",
            "REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/1",
            "CELERY_BROKER_URL": f"redis://127.0.0.1:{self.redis_port}/0",
            "LINLI_DATA_DIR": str(self.dir / "data"),
            "SECURE_PROXY_SSL_HEADER": "true",
            "LINLI_TRUSTED_PROXIES": "1",
            "LOG_LEVEL": "INFO",
            # The fake SMS provider is the SMS channel (linli.notify.channels.aliyun against a local server).
            # (the fake's own key, secret and sign name: python -m linli.notify.testing sms-aliyun)
            "LINLI_NOTIFY_SMS": "linli.notify.channels.aliyun.AliyunSms",
            "LINLI_ALIYUN_SMS_ENDPOINT": f"http://127.0.0.1:{self.sms_port}/",
            "LINLI_ALIYUN_SMS_ACCESS_KEY_ID": "fake-key-id",
            "LINLI_ALIYUN_SMS_ACCESS_KEY_SECRET": "fake-key-secret",
            "LINLI_ALIYUN_SMS_SIGN_NAME": "邻里",
            "LINLI_SMS_TEMPLATES": "default=SMS_DEPLOYCHECK",
            # One manager gets every SMS of the day: the per-number limits (5 an hour) are off here.
            "LINLI_SMS_PER_NUMBER_HOUR": "0",
            "LINLI_SMS_PER_NUMBER_DAY": "0",
            # Every periodic job of the one schedule every few seconds (linli/celery.py, LINLI_SCHEDULE_PERIODS),
            # so the check sees several periods; the once-per-period guard uses the same periods.
            "LINLI_SCHEDULE_PERIODS": ",".join(f"{job}={self.beat_every}" for job in SCHEDULED_JOBS),
        })
        env.update(extra)
        return env

    def manage(self, *args: str, timeout: float = 300) -> str:
        return run([self.python, "-m", "linli.manage", *args], log=self.logs / "manage.log", env=self.env(),
                   cwd=ROOT, timeout=timeout, name=f"linli {args[0]}")

    # -- the processes -------------------------------------------------------------------------------------

    def add(self, name: str, argv: list[str], ready=None, ready_timeout: float = 60, env: dict | None = None) -> Proc:
        # Each process names its database sessions (pg_stat_activity.application_name): fault (b) finds the worker
        # that waits in its claim that way.
        env = env or self.env(DATABASE_URL=f"{self.pg.url}?application_name=linli-{name}")
        proc = Proc(name, argv, log=self.logs / f"{name}.log", env=env, cwd=ROOT, ready=ready,
                    ready_timeout=ready_timeout)
        self.procs[name] = proc
        return proc

    def web_url(self, i: int) -> str:
        return f"http://127.0.0.1:{self.web_ports[i]}"

    def start_redis(self) -> Proc:
        proc = self.procs.get("redis") or self.add(
            "redis", ["redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1", "--save", "",
                      "--appendonly", "no", "--dir", str(self.dir)],
            ready=lambda: port_open(self.redis_port), ready_timeout=20)
        return proc.start()

    def start_web(self, i: int) -> Proc:
        name = f"web{i + 1}"
        # As deploy/systemd/linli-web@.service starts it: deploy/gunicorn.conf.py, one instance per port.
        config = ROOT / "deploy" / "gunicorn.conf.py"
        options = ["--config", str(config)] if config.exists() else ["--timeout", "30", "--access-logfile", "-"]
        env = self.env(DATABASE_URL=f"{self.pg.url}?application_name=linli-{name}",
                       GUNICORN_WORKERS=str(self.web_workers))
        proc = self.procs.get(name) or self.add(
            name, [self.python, "-m", "gunicorn", "linli.wsgi:application", *options, "--workers",
                   str(self.web_workers), "--bind", f"127.0.0.1:{self.web_ports[i]}", "--name", f"linli-{name}"],
            ready=lambda: http_status(self.web_url(i) + HEALTH_PATH, PROXY_HEADERS) == 200, ready_timeout=60,
            env=env)
        return proc.start()

    def start_worker(self, i: int) -> Proc:
        name = f"worker{i + 1}"
        proc = self.procs.get(name) or self.add(
            name, [self.python, "-m", "celery", "-A", "linli", "worker", "-n", f"{name}@%h", "--loglevel", "INFO",
                   "--concurrency", str(self.worker_concurrency), "--without-gossip", "--without-mingle"],
            ready=lambda: "ready." in (self.logs / f"{name}.log").read_text(errors="replace").split("===== start")[-1],
            ready_timeout=60)
        return proc.start()

    def start_beat(self, i: int = 0) -> Proc:
        name = f"beat{i + 1}"
        proc = self.procs.get(name) or self.add(
            name, [self.python, "-m", "celery", "-A", "linli", "beat", "--loglevel", "INFO",
                   "-s", str(self.dir / f"{name}-schedule")],
            ready=lambda: "beat: Starting" in (self.logs / f"{name}.log").read_text(errors="replace"),
            ready_timeout=60)
        return proc.start()

    def start_sms(self) -> Proc:
        proc = self.procs.get("sms") or self.add(
            "sms", [self.python, "-m", "linli.notify.testing", "sms-aliyun", "--port", str(self.sms_port)],
            ready=lambda: port_open(self.sms_port), ready_timeout=30)
        return proc.start()

    # -- the whole ---------------------------------------------------------------------------------------------

    def up(self, *, residents: int, with_queue: bool = True) -> None:
        self.with_queue = with_queue
        t = time.monotonic()
        self.pg.init()
        self.timings["postgres"] = time.monotonic() - t
        self.start_redis()
        t = time.monotonic()
        self.manage("migrate", "--noinput", "-v", "0")
        self.timings["migrate"] = time.monotonic() - t
        t = time.monotonic()
        out = run([self.python, "-m", "deploy.check.seed", "--residents", str(residents)],
                  log=self.logs / "seed.log", env=self.env(), cwd=ROOT, name="seed")
        self.seed = json.loads(out.strip().splitlines()[-1])
        self.timings["seed"] = time.monotonic() - t
        t = time.monotonic()
        if with_queue:
            self.start_sms()
        for i in range(2):
            self.start_web(i)
        if with_queue:
            for i in range(2):
                self.start_worker(i)
            self.start_beat(0)
        self.timings["processes"] = time.monotonic() - t

    # -- the fake SMS provider (linli/notify/testing.py, controlled over HTTP) ---------------------------------

    def _sms(self, method: str, path: str, data: dict | None = None) -> dict:
        body = json.dumps(data).encode() if data is not None else None
        request = urllib.request.Request(f"http://127.0.0.1:{self.sms_port}{path}", data=body, method=method,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())

    def sms_records(self) -> list[str]:
        """The key (OutId) of every message the fake provider accepted, in order."""
        return [m["key"] for m in self._sms("GET", "/_fake/messages")["messages"]]

    def sms_slow(self, times: int = 1) -> None:
        """The next ``times`` messages are accepted, but answered only after the fake's delay (3 s)."""
        self._sms("POST", "/_fake/fail", {"fault": "slow", "times": times})

    def failure_report(self, lines: int = 30) -> str:
        parts = [f"--- {name} ({proc.log}) ---\n{proc.tail(lines)}" for name, proc in self.procs.items()]
        parts.append(f"--- postgres ({self.pg.server_log}) ---\n{self.pg.tail(lines)}")
        return "\n".join(parts)

    def close(self) -> None:
        for proc in reversed(list(self.procs.values())):
            with contextlib.suppress(Exception):
                proc.stop(timeout=10)
        self.pg.stop()
        if not self.keep:
            shutil.rmtree(self.dir, ignore_errors=True)
