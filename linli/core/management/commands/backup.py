"""``linli backup [--output DIR] [--keep N]``: the database and the uploaded files in one checked archive
(linli/core/backups.py; docs/deploy.md, "Backups")."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from linli.core import backups


class Command(BaseCommand):
    help = "备份数据库（PostgreSQL 用 pg_dump，SQLite 用在线备份）和上传文件为一个带校验清单的归档（tar）。"

    def add_arguments(self, parser):
        parser.add_argument("--output", default=None,
                            help="归档保存目录，默认 LINLI_DATA_DIR/backups")
        parser.add_argument("--keep", type=int, default=0,
                            help="只保留最新的 N 个归档（0 = 全部保留）")
        parser.add_argument("--database", default="default", help="数据库别名，默认 default")

    def handle(self, *args, output=None, keep=0, database="default", **options):
        folder = Path(output) if output else Path(settings.DATA_DIR) / "backups"
        try:
            archive = backups.create(folder, alias=database)
        except backups.BackupError as exc:
            raise CommandError(str(exc)) from exc
        for old in backups.prune(folder, keep):
            self.stdout.write(f"已删除旧归档：{old}")
        size = archive.stat().st_size
        self.stdout.write(f"备份完成（{size / 1024 / 1024:.1f} MB）：")
        self.stdout.write(str(archive))
