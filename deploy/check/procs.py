"""Processes of the check: each one logs to a file in the check's directory, can be waited for, stopped, killed
(SIGKILL, the whole process group: a machine that dies takes its children with it) and started again."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path


def free_port() -> int:
    """A TCP port nobody listens on now (the kernel picks it)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex((host, port)) == 0


def wait_until(what: str, ready: Callable[[], bool], timeout: float, every: float = 0.2,
               check: Callable[[], None] | None = None) -> float:
    """Poll ``ready`` until it is true; returns the seconds waited. ``check`` may raise (a process that died)."""
    start = time.monotonic()
    while True:
        if check:
            check()
        with contextlib.suppress(Exception):
            if ready():
                return time.monotonic() - start
        if time.monotonic() - start > timeout:
            raise CheckError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(every)


class CheckError(Exception):
    """The check cannot go on (a process would not start, a wait timed out)."""


def http_status(url: str, headers: dict | None = None, timeout: float = 5) -> int:
    """The status of a GET (0 when nothing answered)."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except (OSError, urllib.error.URLError):
        return 0


class Proc:
    """One process: ``argv`` run in its own session (process group), stdout and stderr to ``log``."""

    def __init__(self, name: str, argv: list[str], *, log: Path, env: dict | None = None, cwd: Path | None = None,
                 ready: Callable[[], bool] | None = None, ready_timeout: float = 60):
        self.name, self.argv, self.log, self.env, self.cwd = name, argv, log, env, cwd
        self.ready, self.ready_timeout = ready, ready_timeout
        self.popen: subprocess.Popen | None = None
        self.starts = 0

    def __repr__(self):
        return f"<Proc {self.name} pid={self.pid}>"

    @property
    def pid(self) -> int | None:
        return self.popen.pid if self.popen else None

    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def start(self, wait: bool = True) -> Proc:
        self.starts += 1
        with open(self.log, "ab") as out:
            out.write(f"\n===== start #{self.starts} at {time.strftime('%H:%M:%S')}: {' '.join(self.argv)}\n".encode())
            out.flush()
            self.popen = subprocess.Popen(self.argv, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                          env=self.env, cwd=self.cwd, start_new_session=True)
        if wait and self.ready:
            wait_until(f"{self.name} to be ready", self.ready, self.ready_timeout, check=self.check_alive)
        return self

    def check_alive(self) -> None:
        if not self.alive():
            raise CheckError(f"{self.name} exited with {self.popen.returncode if self.popen else '?'}")

    def signal_group(self, sig: int) -> None:
        if self.popen is not None and self.popen.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, sig)

    def kill(self) -> None:
        """SIGKILL to the whole group: no clean-up, no goodbye (a worker whose machine died)."""
        self.signal_group(signal.SIGKILL)
        if self.popen is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.popen.wait(10)

    def stop(self, timeout: float = 15) -> None:
        """SIGTERM to the group, SIGKILL after ``timeout`` seconds."""
        if self.popen is None or self.popen.poll() is not None:
            return
        self.signal_group(signal.SIGTERM)
        try:
            self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
        # Children that outlived their leader (a prefork pool) go too.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.popen.pid, signal.SIGKILL)

    def restart(self) -> Proc:
        self.stop()
        return self.start()

    def tail(self, lines: int = 40) -> str:
        try:
            text = self.log.read_text(errors="replace").splitlines()
        except OSError:
            return ""
        return "\n".join(text[-lines:])


def run(argv: list[str], *, log: Path, env: dict | None = None, cwd: Path | None = None, timeout: float = 300,
        name: str = "") -> str:
    """Run a command to its end, its output appended to ``log``; raises CheckError (with the output) on failure."""
    started = time.monotonic()
    result = subprocess.run(argv, capture_output=True, text=True, env=env, cwd=cwd, timeout=timeout,
                            stdin=subprocess.DEVNULL)
    with open(log, "a") as out:
        out.write(f"\n===== {name or argv[0]} ({time.monotonic() - started:.1f} s, exit {result.returncode}): "
                  f"{' '.join(argv)}\n{result.stdout}{result.stderr}")
    if result.returncode != 0:
        raise CheckError(f"{name or argv[0]} failed (exit {result.returncode}):\n{(result.stdout + result.stderr)[-3000:]}")
    return result.stdout
