"""``linli export-12345 FILE [--since DATE]``: replies of 12345 hotline orders, for the hotline to take back.

The format follows FILE's extension (.csv, .xlsx or .json); the columns are 工单编号, 办理结果, 回复内容, 办结时间,
办理单位. Only hotline orders that have been replied to (办结反馈), called back or closed are exported.
"""

import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from linli.core.exports import command_username
from linli.people.models import AuditEvent
from linli.people.services import audit
from linli.workorders import hotline


class Command(BaseCommand):
    help = "Export replies of 12345 hotline orders to .csv, .xlsx or .json."

    def add_arguments(self, parser):
        parser.add_argument("file", help=".csv, .xlsx or .json")
        parser.add_argument("--since", help="only replies from this day on (YYYY-MM-DD)")
        parser.add_argument("--encoding", default="utf-8", help="CSV encoding: utf-8 (with BOM, default) or gbk")

    def handle(self, *args, file: str, since: str | None, encoding: str, **options):
        fmt = Path(file).suffix.lower().lstrip(".")
        if fmt not in ("csv", "xlsx", "json"):
            raise CommandError("文件扩展名应为 .csv、.xlsx 或 .json")
        day = None
        if since:
            try:
                day = datetime.date.fromisoformat(since)
            except ValueError as e:
                raise CommandError(f"--since 应为日期，如 2026-01-31：{since}") from e
        rows = hotline.export_rows(since=day)
        Path(file).write_bytes(hotline.export_bytes(fmt, rows, encoding=encoding))
        # Replies may name residents and their homes: the export is a line of the audit log (PIPL).
        audit(action=AuditEvent.Action.EXPORT, username=command_username(), target="workorders.12345",
              count=len(rows), data={"format": fmt, "since": since or ""})
        self.stdout.write(f"已导出 {len(rows)} 条办理结果到 {file}")
