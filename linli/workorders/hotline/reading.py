"""Reading a 12345 export (.xlsx, .csv or JSON) and parsing its dates and time limits."""

from __future__ import annotations

import datetime
import json
import re
from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext

from linli.core.uploads import clip, max_bytes
from linli.people.registry_io import FileError, cell_text, read_table
from linli.workorders import calendar

from .fields import HEADER_LOOKUP, MAX_ROWS, _header_key

# -- reading ----------------------------------------------------------------------------------------


def read_rows(data: bytes, filename: str) -> list[tuple[int, dict]]:
    """(row number as the hotline staff see it, raw record keyed by header) from .csv/.xlsx/.json bytes."""
    ext = Path(filename).suffix.lower()
    if len(data) > max_bytes("sheet"):  # the sheet cap of the upload gate, for JSON too
        raise FileError(gettext("文件过大（最大 %(mb)s MB），请拆分后分批导入")
                        % {"mb": max_bytes("sheet") // (1024 * 1024)})
    if ext == ".json":
        try:
            payload = json.loads(_decode_json(data))
        except ValueError as e:
            raise FileError(gettext("JSON 格式有误：%(error)s") % {"error": clip(e, 80)}) from e
        return records_from_json(payload)
    if ext not in (".csv", ".xlsx", ".xls"):
        raise FileError(gettext("只支持 .csv、.xlsx 和 .json 文件"))
    table = read_table(data, filename)
    while table and not any(cell_text(v) for v in table[0][1]):
        table.pop(0)
    if not table:
        return []
    _, header = table[0]
    keys = [HEADER_LOOKUP.get(_header_key(cell_text(h))) for h in header]
    if "external_id" not in keys:
        raise FileError(gettext("找不到“工单编号”列（表头必须在第一行）"))
    out = []
    for number, values in table[1:]:
        record = {}
        for key, value in zip(keys, values, strict=False):
            if key and key not in record:
                record[key] = value
        if any(cell_text(v) for v in record.values()):
            out.append((number, record))
    if len(out) > MAX_ROWS:
        raise FileError(gettext("一次最多导入 %(n)s 行") % {"n": MAX_ROWS})
    return out


def _decode_json(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030")


def records_from_json(payload) -> list[tuple[int, dict]]:
    """A JSON object or list of objects (or {"data"/"orders"/"items": [...]}) as numbered records (from 1)."""
    if isinstance(payload, dict):
        for key in ("orders", "items", "data", "records"):
            if isinstance(payload.get(key), list):
                payload = payload[key]
                break
        else:
            payload = [payload]
    if not isinstance(payload, list):
        raise FileError(gettext("JSON 应为一个工单对象或工单对象的列表"))
    if len(payload) > MAX_ROWS:
        raise FileError(gettext("一次最多导入 %(n)s 条") % {"n": MAX_ROWS})
    out = []
    for number, obj in enumerate(payload, start=1):
        record = {}
        if isinstance(obj, dict):
            for name, value in obj.items():
                key = HEADER_LOOKUP.get(_header_key(str(name)))
                if key and key not in record:
                    record[key] = value
        out.append((number, record))
    return out


# -- parsing cells ----------------------------------------------------------------------------------

DATETIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y-%m-%dT%H:%M:%S",
                    "%Y%m%d%H%M%S", "%Y年%m月%d日 %H:%M:%S", "%Y年%m月%d日 %H:%M", "%Y年%m月%d日%H时%M分")
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%Y年%m月%d日")
DURATION = re.compile(r"^(\d+)\s*(个)?\s*(工作日|天|日|小时|h)$", re.IGNORECASE)


def _aware(moment: datetime.datetime) -> datetime.datetime:
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def parse_datetime(value) -> tuple[datetime.datetime | None, bool]:
    """(moment, had_time) from a cell: Excel datetime, ISO 8601, 2024/5/1 8:30, 2024年5月1日 …; (None, False) if blank.

    Raises ValueError when the cell is not a date."""
    if value in (None, ""):
        return None, False
    if isinstance(value, datetime.datetime):
        return _aware(value), True
    if isinstance(value, datetime.date):
        return _aware(datetime.datetime.combine(value, datetime.time())), False
    text = cell_text(value)
    if not text:
        return None, False
    try:
        moment = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
        return _aware(moment), ("T" in text or " " in text or ":" in text)
    except ValueError:
        pass
    for fmt in DATETIME_FORMATS:
        try:
            return _aware(datetime.datetime.strptime(text, fmt)), True
        except ValueError:
            continue
    for fmt in DATE_FORMATS:
        try:
            return _aware(datetime.datetime.strptime(text, fmt)), False
        except ValueError:
            continue
    raise ValueError(text)


def parse_reply_due(value, received_at: datetime.datetime) -> datetime.datetime | None:
    """办理时限: a date (end of that day), a date and time, or a duration (5个工作日, 3天, 24小时) from the call."""
    text = cell_text(value).replace(" ", "") if not isinstance(value, datetime.date) else ""
    match = DURATION.match(text) if text else None
    if match:
        n, unit = int(match.group(1)), match.group(3)
        if unit == "工作日":
            return calendar.add_working_days(received_at, n)
        if unit in ("天", "日"):
            return received_at + datetime.timedelta(days=n)
        return received_at + datetime.timedelta(hours=n)
    if text.isdigit() and len(text) <= 3:  # a bare number: working days, as hotline sheets usually mean
        return calendar.add_working_days(received_at, int(text))
    moment, had_time = parse_datetime(value)
    if moment is None:
        return None
    if not had_time:
        moment = moment.replace(hour=23, minute=59, second=59)
    return moment
