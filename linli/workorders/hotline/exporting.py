"""Exporting the replies back to the 12345 platform."""

from __future__ import annotations

import datetime
import json

from django.utils import timezone

from linli.core.exports import append_row, append_rows, csv_bytes, new_workbook, workbook_bytes
from linli.workorders.models import Channel, Status, WorkOrder

from .fields import EXPORT_HEADERS

# -- export -------------------------------------------------------------------------------------------

REPLIED = (Status.REPLIED, Status.VISITED, Status.CLOSED)


def result_label(order: WorkOrder) -> str:
    if order.solved is True:
        return "已解决"
    if order.solved is False:
        return "未解决"
    return "已办结"


def export_rows(*, since: datetime.date | None = None) -> list[list[str]]:
    """Replies of hotline orders (replied, called back or closed), oldest reply first."""
    orders = WorkOrder.objects.filter(channel=Channel.HOTLINE, status__in=REPLIED).select_related("assignee_org")
    if since is not None:
        start = timezone.make_aware(datetime.datetime.combine(since, datetime.time()))
        orders = orders.filter(replied_at__gte=start)
    rows = []
    for order in orders.order_by("replied_at", "id"):
        replied = timezone.localtime(order.replied_at).strftime("%Y-%m-%d %H:%M:%S") if order.replied_at else ""
        rows.append([order.external_id, result_label(order), order.reply_text, replied,
                     order.assignee_org.name if order.assignee_org else ""])
    return rows


def export_bytes(fmt: str, rows: list[list[str]], *, encoding: str = "utf-8") -> bytes:
    if fmt == "json":
        return json.dumps([dict(zip(EXPORT_HEADERS, r, strict=True)) for r in rows], ensure_ascii=False,
                          indent=2).encode("utf-8")
    if fmt == "xlsx":
        wb = new_workbook()
        ws = wb.active
        ws.title = "办理结果"
        append_row(ws, EXPORT_HEADERS)
        append_rows(ws, rows)
        return workbook_bytes(wb)
    if fmt == "csv":
        # UTF-8 with a BOM (Excel on Chinese Windows) or the hotline's own encoding, e.g. gbk.
        return csv_bytes(EXPORT_HEADERS, rows, encoding=encoding)
    raise ValueError(f"unknown format {fmt!r}")
