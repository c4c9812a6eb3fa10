"""Issue 14, item 6: one request id per request — taken from the proxy when safe, else made — in the response, in
every log record (plain or JSON lines), and in the Celery tasks the request queues."""

import json
import logging
import runpy
from pathlib import Path

import pytest
from celery import Celery
from celery import _state as celery_state
from celery.contrib.testing.worker import start_worker
from django.http import HttpResponse
from django.test import Client, RequestFactory

from linli.core import requestid

SETTINGS = Path(__file__).resolve().parents[2] / "settings.py"


class Collect(logging.Handler):
    """A handler configured as LOGGING's console handler is: the request-id filter, then a formatter."""

    def __init__(self, formatter=None):
        super().__init__()
        self.addFilter(requestid.RequestIdFilter())
        self.setFormatter(formatter or logging.Formatter("%(message)s"))
        self.records, self.lines = [], []

    def emit(self, record):
        self.records.append(record)
        self.lines.append(self.format(record))


@pytest.fixture
def collect():
    handler = Collect()
    logger = logging.getLogger("linli.test.requestid")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield handler
    logger.removeHandler(handler)


def middleware(view=None):
    return requestid.RequestIdMiddleware(view or (lambda request: HttpResponse("x")))


def test_an_id_is_made_when_the_proxy_sends_none_and_returned_in_the_response(db):
    response = Client().get("/healthz")
    rid = response["X-Request-ID"]
    assert len(rid) == 32 and int(rid, 16) >= 0
    assert Client().get("/healthz")["X-Request-ID"] != rid


def test_a_safe_id_from_the_proxy_is_kept(db):
    rid = "5b2a3f0c9d8e7f6a5b4c3d2e1f0a9b8c"
    assert Client().get("/accounts/login/", HTTP_X_REQUEST_ID=rid)["X-Request-ID"] == rid


@pytest.mark.parametrize("unsafe", ["short", "a" * 65, "abc def ghij", "abcdefgh\nINFO forged line",
                                    "abcdefgh\"}{", "<script>alert(1)</script>", "求助求助求助求助"])
def test_an_unsafe_id_is_replaced_by_a_new_one(unsafe):
    response = middleware()(RequestFactory().get("/", HTTP_X_REQUEST_ID=unsafe))
    assert response["X-Request-ID"] != unsafe
    assert requestid.SAFE.fullmatch(response["X-Request-ID"])


def test_every_log_record_of_the_request_carries_its_id_and_none_leaks_after_it(collect):
    log = logging.getLogger("linli.test.requestid")

    def view(request):
        log.info("inside the view")
        return HttpResponse("x")

    response = middleware(view)(RequestFactory().get("/", HTTP_X_REQUEST_ID="req-0001-abcd"))
    log.info("after the request")
    assert response["X-Request-ID"] == "req-0001-abcd"
    assert [(r.getMessage(), r.request_id) for r in collect.records] == [
        ("inside the view", "req-0001-abcd"), ("after the request", "-")]


def test_the_json_formatter_writes_one_line_per_record_with_the_request_id(collect):
    collect.setFormatter(requestid.JsonFormatter())
    log = logging.getLogger("linli.test.requestid")

    def view(request):
        log.warning("第一行\n第二行")
        try:
            raise RuntimeError("boom")
        except RuntimeError:
            log.exception("failed")
        return HttpResponse("x")

    middleware(view)(RequestFactory().get("/", HTTP_X_REQUEST_ID="req-0002-abcd"))
    assert len(collect.lines) == 2 and all("\n" not in line for line in collect.lines)
    first, second = (json.loads(line) for line in collect.lines)
    assert first["message"] == "第一行\n第二行" and first["level"] == "WARNING"
    assert first["logger"] == "linli.test.requestid" and first["request_id"] == "req-0002-abcd"
    assert first["time"].endswith("+00:00") and "task" not in first
    assert "RuntimeError: boom" in second["exc"]


def load_settings(monkeypatch, **env):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS))


def test_linli_log_format_json_selects_the_json_formatter_and_plain_text_is_the_default(monkeypatch, tmp_path):
    monkeypatch.delenv("LINLI_LOG_FORMAT", raising=False)
    monkeypatch.setenv("LINLI_DATA_DIR", str(tmp_path))
    plain = load_settings(monkeypatch)["LOGGING"]
    assert plain["handlers"]["console"]["formatter"] == "text"
    assert plain["handlers"]["console"]["filters"] == ["request_id"]
    configured = load_settings(monkeypatch, LINLI_LOG_FORMAT="json")["LOGGING"]
    assert configured["handlers"]["console"]["formatter"] == "json"
    assert configured["formatters"]["json"]["()"] == "linli.core.requestid.JsonFormatter"


# -- into the tasks -----------------------------------------------------------------------------------------------
@pytest.fixture
def celery_app():
    app = Celery("linli-test-requestid", broker="memory://", backend="cache+memory://", set_as_current=False,
                 fixups=[])
    seen = {}

    @app.task(name="linli.test.requestid.remember")
    def remember():
        seen["request_id"] = requestid.current()
        seen["task"] = requestid.task_var.get()
        logging.getLogger("linli.test.requestid").info("inside the task")
        return "done"

    app.seen, app.remember = seen, remember
    previous = celery_state.get_current_app()
    yield app
    previous.set_current()  # the worker makes its app the current one; give Linli's back to the tests that follow


def test_a_task_queued_in_a_request_runs_in_the_worker_with_the_same_request_id(celery_app, collect):
    """Through a broker (kombu's in-memory transport) and a worker thread: the id travels in the message headers."""
    collect.setFormatter(requestid.JsonFormatter())
    results = []

    def view(request):
        results.append(celery_app.remember.delay())
        return HttpResponse("queued")

    with start_worker(celery_app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
        response = middleware(view)(RequestFactory().post("/", HTTP_X_REQUEST_ID="req-0003-abcd"))
        assert results[0].get(timeout=30) == "done"
    assert response["X-Request-ID"] == "req-0003-abcd"
    assert celery_app.seen["request_id"] == "req-0003-abcd"
    assert celery_app.seen["task"] == ("linli.test.requestid.remember", results[0].id)
    line = json.loads(next(x for x in collect.lines if "inside the task" in x))
    assert line["request_id"] == "req-0003-abcd"
    assert line["task"] == "linli.test.requestid.remember" and line["task_id"] == results[0].id


def test_an_eager_task_sees_the_request_id_and_leaves_it_in_place(celery_app):
    celery_app.conf.task_always_eager = True
    after = []

    def view(request):
        celery_app.remember.delay()
        after.append((requestid.current(), requestid.task_var.get()))
        return HttpResponse("ran")

    middleware(view)(RequestFactory().post("/", HTTP_X_REQUEST_ID="req-0004-abcd"))
    assert celery_app.seen["request_id"] == "req-0004-abcd"
    assert after == [("req-0004-abcd", None)]


def test_a_task_queued_outside_any_request_gets_an_id_of_its_own(celery_app):
    headers = {}
    requestid.before_task_publish(headers=headers)
    assert headers == {}
    celery_app.conf.task_always_eager = True
    celery_app.remember.delay()
    assert requestid.SAFE.fullmatch(celery_app.seen["request_id"])
    assert requestid.current() is None


def test_the_signal_handlers_are_connected_when_django_starts():
    from celery import signals

    for signal, handler in ((signals.before_task_publish, requestid.before_task_publish),
                            (signals.task_prerun, requestid.task_prerun),
                            (signals.task_postrun, requestid.task_postrun)):
        assert handler in [receiver for _key, receiver in signal.receivers], signal.name
