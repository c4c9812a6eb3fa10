"""Request ids: one id per request, in the response, in every log line, and in the tasks the request queues.

- ``RequestIdMiddleware`` takes the id the proxy sent in ``X-Request-ID`` (nginx: ``proxy_set_header X-Request-ID
  $request_id``) when it is a safe token (8–64 letters, digits, ``-``, ``_``, ``.``), else makes one (32 hex digits,
  the shape of nginx's ``$request_id``); it keeps it in a contextvar for the request and answers with it in
  ``X-Request-ID``.
- ``RequestIdFilter`` (a logging filter on the handlers, see ``LOGGING`` in linli/settings.py) puts ``request_id``,
  ``task_name`` and ``task_id`` on every record ("-" when there is none).
- ``JsonFormatter`` writes a record as one line of JSON (``LINLI_LOG_FORMAT=json``): time, level, logger, message,
  request_id, and task/task_id inside a task; exc when there is a traceback.
- ``connect_celery_signals`` (called by CoreConfig.ready) carries the id into Celery tasks: ``before_task_publish``
  puts it in the message headers (``linli_request_id``), ``task_prerun`` sets it (and the task's name and id) in the
  worker, ``task_postrun`` puts back what was there before. It uses ``celery.signals`` only, never an app.

Core imports no Linli app; this module does not import Django models (the logging configuration loads it early).
"""

from __future__ import annotations

import contextvars
import datetime
import json
import logging
import re
import uuid

HEADER = "X-Request-ID"
META_KEY = "HTTP_X_REQUEST_ID"
TASK_HEADER = "linli_request_id"
SAFE = re.compile(r"[A-Za-z0-9._-]{8,64}")

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("linli_request_id", default=None)
task_var: contextvars.ContextVar[tuple[str, str] | None] = contextvars.ContextVar("linli_task", default=None)


def new_id() -> str:
    return uuid.uuid4().hex


def safe(value: str | None) -> str | None:
    """The id a proxy sent, if it is safe to log and echo (no spaces, quotes, newlines or control characters)."""
    if value and SAFE.fullmatch(value):
        return value
    return None


def current() -> str | None:
    """The request id of the request (or task) this code runs for, or None."""
    return request_id_var.get()


class RequestIdMiddleware:
    """First in MIDDLEWARE: every later middleware, view and log line sees the request's id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        rid = safe(request.META.get(META_KEY)) or new_id()
        request.request_id = rid
        token = request_id_var.set(rid)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response[HEADER] = rid
        return response


class RequestIdFilter(logging.Filter):
    """Adds ``request_id``, ``task_name`` and ``task_id`` to every record that reaches the handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id") or record.request_id is None:
            record.request_id = request_id_var.get() or "-"
        task = task_var.get()
        record.task_name, record.task_id = task if task else ("-", "-")
        return True


class JsonFormatter(logging.Formatter):
    """One line of JSON per record (for journald, Loki, ELK…): no line of a message can look like another record."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.datetime.fromtimestamp(record.created, tz=datetime.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or request_id_var.get() or "-",
        }
        task = task_var.get()
        task_name = getattr(record, "task_name", "-")
        if task_name and task_name != "-":
            entry["task"], entry["task_id"] = task_name, getattr(record, "task_id", "-")
        elif task:
            entry["task"], entry["task_id"] = task
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exc"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False, default=str)


# -- Celery: the id follows the request into the tasks it queues ------------------------------------------------
# Tokens of the contextvars set by task_prerun, by task id, so that task_postrun puts back what was there before
# (an eager task runs inside the request that queued it and must leave the request's id in place).
_tokens: dict[str, tuple[contextvars.Token, contextvars.Token]] = {}


def before_task_publish(sender=None, headers=None, **kwargs):
    """Put the current request id in the message headers of a task being queued."""
    rid = request_id_var.get()
    if rid and headers is not None and TASK_HEADER not in headers:
        headers[TASK_HEADER] = rid


def _header(task) -> str | None:
    request = getattr(task, "request", None)
    if request is None:
        return None
    value = getattr(request, TASK_HEADER, None)
    if value is None:
        nested = getattr(request, "headers", None) or {}
        value = nested.get(TASK_HEADER) if isinstance(nested, dict) else None
    return safe(value)


def task_prerun(sender=None, task_id=None, task=None, **kwargs):
    """In the worker, before a task runs: its request id (from the message, or the current one when it runs
    eagerly inside the request), its name and its id."""
    rid = _header(task) or request_id_var.get() or new_id()
    name = getattr(task, "name", None) or getattr(sender, "name", None) or "-"
    _tokens[str(task_id)] = (request_id_var.set(rid), task_var.set((name, str(task_id))))


def task_postrun(sender=None, task_id=None, **kwargs):
    tokens = _tokens.pop(str(task_id), None)
    if tokens:
        rid_token, task_token = tokens
        try:
            request_id_var.reset(rid_token)
            task_var.reset(task_token)
        except ValueError:  # set in another context (should not happen): just clear
            request_id_var.set(None)
            task_var.set(None)


def connect_celery_signals() -> None:
    from celery import signals

    signals.before_task_publish.connect(before_task_publish, weak=False, dispatch_uid="linli.requestid.publish")
    signals.task_prerun.connect(task_prerun, weak=False, dispatch_uid="linli.requestid.prerun")
    signals.task_postrun.connect(task_postrun, weak=False, dispatch_uid="linli.requestid.postrun")
