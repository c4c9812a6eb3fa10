"""The live server the browser tests use answers one request at a time when its threads share the test's SQLite
connection (e2e/conftest.py): two threads in one in-memory SQLite connection hung a CI run."""

import threading
import time

import pytest
from django.core.servers.basehttp import WSGIRequestHandler
from django.test.testcases import LiveServerThread

from e2e.conftest import OneRequestAtATimeOnSharedSQLite


def most_at_once(shared: bool) -> tuple[int, list, int]:
    inside, most, closed, lock = 0, 0, [], threading.Lock()

    class Body(list):
        def close(self):
            closed.append(True)

    def app(environ, start_response):
        nonlocal inside, most
        with lock:
            inside += 1
            most = max(most, inside)
        time.sleep(0.05)  # long enough for the other thread to arrive while this one is inside
        with lock:
            inside -= 1
        start_response("200 OK", [])
        return Body([b"a", b"b"])

    server = OneRequestAtATimeOnSharedSQLite(("127.0.0.1", 0), WSGIRequestHandler,
                                             connections_override={"default": object()} if shared else {})
    try:
        server.set_app(app)
        wrapped = server.get_app()
        bodies = []
        threads = [threading.Thread(target=lambda: bodies.append(wrapped({}, lambda *a: None))) for _ in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        server.server_close()
    return most, bodies, len(closed)


@pytest.mark.parametrize("shared", [True, False])
def test_requests_run_one_at_a_time_only_when_the_connection_is_shared(shared):
    most, bodies, closed = most_at_once(shared)
    if shared:
        assert most == 1 and closed == 3  # each body read whole and closed (request_finished) inside the lock
        assert [b"".join(b) for b in bodies] == [b"ab"] * 3
    else:
        assert most > 1  # PostgreSQL: each thread has its own connection, nothing to serialise
        assert [b"".join(b) for b in bodies] == [b"ab"] * 3


def test_the_live_server_uses_it():
    assert LiveServerThread.server_class is OneRequestAtATimeOnSharedSQLite
