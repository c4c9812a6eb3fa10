"""Retention of work orders' personal data (PIPL art. 19).

Once an order has been finished (closed, merged or cancelled) for the period, the reporter's name, phone and
link to the registry are cleared, and phone-like numbers in its title, text, reply and event notes are
masked. The order, its events and its figures stay: the rates and the assessment still count it. Called by
``linli retention``; running it again changes nothing (nothing is left to clear).
"""

from __future__ import annotations

import datetime
import re

from django.db import transaction
from django.db.models import Max, Q
from django.db.models.functions import Coalesce

from linli.workorders.models import Status, WorkOrder, WorkOrderEvent

FINISHED = (Status.CLOSED, Status.MERGED, Status.CANCELLED)
# Seven digits or more, optionally split by single spaces or dashes: mobile, landline and ID numbers.
NUMBER = re.compile(r"[0-9](?:[- ]?[0-9]){6,}")
# The same pattern for the database, so that only orders with something left to mask are read.
NUMBER_SQL = r"[0-9]([- ]?[0-9]){6,}"


def mask_numbers(text: str) -> str:
    """Every digit of a phone-like number replaced by ``*`` (a simple mask; the text around it stays)."""
    return NUMBER.sub(lambda m: re.sub(r"[0-9]", "*", m.group()), text)


def _finished_before(before: datetime.datetime):
    # A closed order has closed_at; a merged or cancelled one ended with its last event.
    return (WorkOrder.objects.filter(status__in=FINISHED)
            .annotate(ended=Coalesce("closed_at", Max("events__at")))
            .filter(ended__lt=before))


def clear_finished_orders(*, before: datetime.datetime, dry_run: bool = False) -> dict[str, int]:
    """Clear the contact details of orders finished before ``before``; the records changed, by kind."""
    finished = _finished_before(before).values("pk")
    orders = WorkOrder.objects.filter(pk__in=finished).filter(
        ~Q(contact_name="") | ~Q(contact_phone="") | Q(reporter__isnull=False) | Q(title__regex=NUMBER_SQL)
        | Q(text__regex=NUMBER_SQL) | Q(reply_text__regex=NUMBER_SQL)
    ).only("pk", "title", "text", "reply_text").order_by("pk")
    events = WorkOrderEvent.objects.filter(order__in=finished, note__regex=NUMBER_SQL).only("pk", "note").order_by("pk")
    if dry_run:
        return {"workorder_contacts": orders.count(), "workorder_event_notes": events.count()}
    counts = {"workorder_contacts": 0, "workorder_event_notes": 0}
    with transaction.atomic():
        for order in orders.iterator(chunk_size=500):
            # A queryset update: the order's save() and its events stand for what people did, this is not one.
            WorkOrder.objects.filter(pk=order.pk).update(
                contact_name="", contact_phone="", reporter=None, title=mask_numbers(order.title),
                text=mask_numbers(order.text), reply_text=mask_numbers(order.reply_text))
            counts["workorder_contacts"] += 1
        for event in events.iterator(chunk_size=500):
            # Events are append-only (linli.core.events); masking personal data at the end of its period is the
            # one change allowed, and it is made by name.
            WorkOrderEvent.objects.filter(pk=event.pk).retention_redact(note=mask_numbers(event.note))
            counts["workorder_event_notes"] += 1
    return counts
