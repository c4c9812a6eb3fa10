"""The delivery tasks: send one delivery through its channel, exactly once, and queue again what is due.

``deliver`` first *claims* the delivery with one conditional UPDATE (status pending/failed and due, or sending with
an expired lease → sending with a lease): of two workers, or a task and its retry, only one gets the row, so a
message is never sent twice by Linli (and the delivery's key goes to the provider as its out-id). The outcome is
written on the row and as a ``DeliveryAttempt``. A temporary failure is tried again after a back-off by
``requeue_deliveries`` (every minute, in the one beat schedule), which also picks up deliveries whose task was lost
(broker down when queued, worker killed while sending).
"""

from __future__ import annotations

import datetime
import logging

from celery import shared_task
from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string

from .channels.base import Outgoing, PermanentFailure, TemporaryFailure
from .models import Delivery, DeliveryAttempt

log = logging.getLogger("linli.notify")

# Seconds to wait after the 1st, 2nd … failed try; one more try after the last wait, then given up.
BACKOFF = (60, 5 * 60, 30 * 60, 2 * 3600, 6 * 3600)
MAX_ATTEMPTS = len(BACKOFF) + 1
LEASE = datetime.timedelta(minutes=5)  # longer than any channel's timeout
LOST_AFTER = datetime.timedelta(seconds=30)  # a pending delivery older than this may have lost its task
REQUEUE_BATCH = 500

DEFAULT_CHANNELS = {
    "sms": "linli.notify.channels.log.LogChannel",
    "wechat": "linli.notify.channels.log.LogChannel",
    "email": "linli.notify.channels.email.Email",
}
S = Delivery.Status


def channel_for(name: str):
    paths = {**DEFAULT_CHANNELS, **(getattr(settings, "LINLI_NOTIFY_CHANNELS", None) or {})}
    return import_string(paths[name])()


def backoff(attempts: int, retry_after: int | None = None) -> datetime.timedelta:
    """The wait after the ``attempts``-th failed try (the provider's ``retry_after`` when it asks for longer)."""
    wait = BACKOFF[min(attempts, len(BACKOFF)) - 1]
    return datetime.timedelta(seconds=max(wait, retry_after or 0))


def _claim(delivery_id: int, now) -> bool:
    free = Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    due = Q(next_try_at__isnull=True) | Q(next_try_at__lte=now)
    claimable = (Q(status__in=[S.PENDING, S.FAILED]) & free & due) | Q(status=S.SENDING, claimed_until__lt=now)
    return bool(Delivery.objects.filter(Q(pk=delivery_id) & claimable)
                .update(status=S.SENDING, claimed_until=now + LEASE))


def _absolute(link: str) -> str:
    if not link or "://" in link:
        return link
    base = (getattr(settings, "LINLI_PUBLIC_URL", "") or "").rstrip("/")
    return f"{base}{link}" if base else ""


def send_delivery(delivery_id: int, *, now=None) -> str:
    """Claim and send one delivery; returns its status afterwards ("" when another worker has it or it is done)."""
    now = now or timezone.now()
    if not _claim(delivery_id, now):
        return ""
    delivery = Delivery.objects.select_related("notification").get(pk=delivery_id)
    lease = delivery.claimed_until
    note = delivery.notification
    message = Outgoing(title=note.title, body=note.body, link=_absolute(note.link), kind=note.kind)
    attempts = delivery.attempts + 1
    changes = {"attempts": attempts, "claimed_until": None}
    try:
        provider_id = channel_for(delivery.channel).send(address=delivery.address, message=message, key=delivery.key)
    except PermanentFailure as exc:
        changes |= {"status": S.GIVEN_UP, "last_code": exc.code[:80], "last_error": exc.message[:300]}
        event = ("given_up", exc.code, exc.message)
    except Exception as exc:  # TemporaryFailure, and anything unexpected (a bug, a timeout) is worth a retry
        if isinstance(exc, TemporaryFailure):
            code, text, retry_after = exc.code, exc.message, exc.retry_after
        else:
            log.exception("notify: delivery %s failed unexpectedly", delivery_id)
            code, text, retry_after = "error", f"{type(exc).__name__}: {exc}", None
        if attempts >= MAX_ATTEMPTS:
            changes |= {"status": S.GIVEN_UP, "next_try_at": None}
            event = ("given_up", code, text)
        else:
            changes |= {"status": S.FAILED, "next_try_at": now + backoff(attempts, retry_after)}
            event = ("failed", code, text)
        changes |= {"last_code": code[:80], "last_error": text[:300]}
    else:
        changes |= {"status": S.SENT, "sent_at": timezone.now(), "provider_id": str(provider_id or "")[:100],
                    "last_code": "", "last_error": "", "next_try_at": None}
        event = ("sent", "", "")
    kind, code, text = event
    # Written only while our lease holds (a worker that outlived its lease leaves the row to the one that has it).
    if not Delivery.objects.filter(pk=delivery_id, status=S.SENDING, claimed_until=lease).update(**changes):
        log.warning("notify: delivery %s lost its lease while sending; outcome %s not recorded on it", delivery_id,
                    kind)
    DeliveryAttempt.objects.create(delivery_id=delivery_id, kind=kind, code=code[:80], message=text[:300],
                                   data={"attempt": attempts})
    if kind != "sent":
        log.warning("notify: delivery %s (%s) %s: %s %s", delivery_id, delivery.channel, kind, code, text[:100])
    return changes["status"]


def due_deliveries(now=None) -> list[int]:
    """Deliveries to queue again: pending whose task may be lost, failed whose wait is over, sending whose lease
    expired (the worker died)."""
    now = now or timezone.now()
    due = Q(next_try_at__isnull=True) | Q(next_try_at__lte=now)
    q = ((Q(status=S.PENDING, created_at__lt=now - LOST_AFTER) & due)
         | Q(status=S.FAILED, next_try_at__lte=now)
         | Q(status=S.SENDING, claimed_until__lt=now))
    return list(Delivery.objects.filter(q).order_by("pk").values_list("pk", flat=True)[:REQUEUE_BATCH])


@shared_task(name="linli.notify.tasks.deliver", ignore_result=True)
def deliver(delivery_id: int) -> str:
    return send_delivery(delivery_id)


@shared_task(name="linli.notify.tasks.requeue_deliveries", ignore_result=True)
def requeue_deliveries() -> int:
    from .services import queue_deliveries

    return queue_deliveries(due_deliveries())


@shared_task(name="linli.notify.tasks.send_text", ignore_result=True)
def send_text(phone: str, text: str, kind: str, key: str, code: str = "") -> str:
    """Send one text (a sign-in code, a welcome, an invitation) straight through the SMS channel: sent once or not
    at all (no retry: a code is replaced by asking again). Returns the provider id, or "" when it failed."""
    from .channels.base import ChannelError, mask_address

    message = Outgoing(title=text, kind=kind, code=code)
    try:
        return channel_for("sms").send(address=phone, message=message, key=key) or ""
    except ChannelError as exc:
        log.warning("notify: %s text to %s not sent: %s", kind, mask_address(phone), exc.code)
        return ""
