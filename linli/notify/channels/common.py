"""What the HTTP channels share: one request helper over ``urllib`` (no provider SDK), the mark that a key was
sent (so that a retry after a crash between the provider's answer and the outbox's record does not send twice),
the settings maps by kind, and the seconds to the end of the local day (for daily limits)."""

from __future__ import annotations

import datetime
import json
import logging
import socket
import urllib.error
import urllib.request

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from .base import TemporaryFailure

log = logging.getLogger("linli.notify")

SENT_MARK_SECONDS = 3 * 24 * 3600


def http(method: str, url: str, *, body: bytes | None = None, headers: dict | None = None,
         timeout: float | None = None) -> tuple[int, bytes]:
    """One HTTP request: (status, body). A timeout or a connection that fails is a TemporaryFailure; an HTTP error
    status is returned with its body (providers put their error code in it)."""
    timeout = timeout if timeout is not None else float(getattr(settings, "LINLI_NOTIFY_HTTP_TIMEOUT", 10))
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (URL from settings)
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read() or b""
    except TimeoutError as exc:
        raise TemporaryFailure("timeout", f"no answer within {timeout:g}s") from exc
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError | socket.timeout):
            raise TemporaryFailure("timeout", f"no answer within {timeout:g}s") from exc
        raise TemporaryFailure("connection", str(exc.reason)[:200]) from exc
    except (ConnectionError, OSError) as exc:
        raise TemporaryFailure("connection", str(exc)[:200]) from exc


def json_or_none(body: bytes):
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None


def by_kind(mapping, kind: str) -> str:
    """The entry of a settings map {kind: value} for ``kind``, else its "default" entry, else ""."""
    mapping = mapping or {}
    return str(mapping.get(kind) or mapping.get("default") or "")


def seconds_to_local_midnight(now: datetime.datetime | None = None) -> int:
    now = timezone.localtime(now or timezone.now())
    midnight = (now + datetime.timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return max(1, int((midnight - now).total_seconds()))


def _mark(channel: str, key: str) -> str:
    return f"notify:sent:{channel}:{key}"


def already_sent(channel: str, key: str) -> str | None:
    """The provider id of a send of ``key`` this channel already made (None when there was none or the cache is
    down: the outbox's own record stays the authority)."""
    if not key:
        return None
    try:
        return cache.get(_mark(channel, key))
    except Exception:  # a cache that is down must not stop sending
        log.warning("notify: cache unavailable to check the sent mark of %s", key)
        return None


def mark_sent(channel: str, key: str, provider_id: str) -> None:
    if not key:
        return
    try:
        cache.set(_mark(channel, key), provider_id or "-", SENT_MARK_SECONDS)
    except Exception:
        log.warning("notify: cache unavailable to mark %s as sent", key)
