"""``linli import-12345 FILE [--dry-run]``: import 12345 hotline orders from .csv (UTF-8 or GBK), .xlsx or .json.

Re-importing a file creates nothing new: orders are recognised by 工单编号. Rejected rows are printed with their
row number and reason; the command exits with status 1 when any row was rejected.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from linli.people.actors import system_actor
from linli.people.registry_io import FileError
from linli.workorders import hotline


class Command(BaseCommand):
    help = "Import 12345 hotline orders (工单编号, 标题, 主要内容, 问题分类, 来电时间, 被反映区/街乡镇, 社区, 小区点位 …)."

    def add_arguments(self, parser):
        parser.add_argument("file", help=".csv, .xlsx or .json")
        parser.add_argument("--dry-run", action="store_true", help="check and report, write nothing")

    def handle(self, *args, file: str, dry_run: bool, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到文件 {file}")
        try:
            result = hotline.import_file(path.read_bytes(), path.name, actor=system_actor(), dry_run=dry_run)
        except FileError as e:
            raise CommandError(str(e)) from e
        created, duplicates, rejected = result.count("created"), result.count("duplicate"), result.count("rejected")
        triage = sum(1 for i in result.items if i.status == "created" and i.needs_triage)
        verb = "将新建" if dry_run else "新建"
        self.stdout.write(f"{'预检（未写入）：' if dry_run else ''}{verb} {created} 条（其中待人工分拣 {triage} 条），"
                          f"重复 {duplicates} 条（未改动），拒收 {rejected} 条。")
        for item in result.rejected:
            self.stdout.write(f"第{item.row}行 {item.external_id or '-'}：{item.reason}")
        if rejected:
            raise SystemExit(1)
