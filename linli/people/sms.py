"""The text messages that sign-in sends: one-time codes, "you can sign in now" after a desk registration, and
household invitations.

People sits below notify (docs/architecture.md, "Layers"), so it cannot import the SMS channels. Notify hands its
sender to ``provide_sender`` in its ``AppConfig.ready()``, as people hands ``scope_for`` to core; without notify
installed nothing is sent and a warning is logged.

``send(phone=…, text=…, kind=…, key=…, code=…)`` queues the message after the caller's transaction commits (a sign-in
step that rolls back sends nothing). A one-time code travels in ``code`` (and in the text); it is never written to
the database: the outbox's rows (``notify.Delivery``) are not used for codes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

log = logging.getLogger("linli.people")

_sender: Callable | None = None


def provide_sender(sender: Callable) -> None:
    """Called once, from notify's AppConfig: ``sender(*, phone, text, kind, key, code="") -> None``."""
    global _sender
    _sender = sender


def send(*, phone: str, text: str, kind: str, key: str, code: str = "") -> bool:
    """Queue one SMS to ``phone``; False when no app provides a sender."""
    if _sender is None:
        log.warning("people.sms: no SMS sender is installed; %s message not sent", kind)
        return False
    _sender(phone=phone, text=str(text), kind=kind, key=key, code=code)
    return True
