"""``linli restore ARCHIVE [--yes]``: put back the database and the uploaded files of an archive made by
``linli backup``, after checking every member against its manifest (linli/core/backups.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.db.migrations.loader import MigrationLoader

from linli.core import backups


class Command(BaseCommand):
    help = "从 linli backup 的归档恢复数据库和上传文件（先校验清单；会覆盖当前数据，除非 --yes 否则需确认）。"

    def add_arguments(self, parser):
        parser.add_argument("archive", help="linli backup 生成的 .tar 归档")
        parser.add_argument("--yes", action="store_true", help="不询问，直接恢复")
        parser.add_argument("--database", default="default", help="数据库别名，默认 default")

    def handle(self, *args, archive, yes=False, database="default", **options):
        path = Path(archive)
        try:
            manifest = backups.read_manifest(path)
        except backups.BackupError as exc:
            raise CommandError(f"归档校验失败，未做任何更改：{exc}") from exc
        vendor = manifest["database"]["vendor"]
        here = connections[database].vendor
        if vendor != here:
            raise CommandError(f"归档中是 {vendor} 数据库，本系统使用 {here}：拒绝恢复，未做任何更改。")
        self.stdout.write(f"归档：{path.name}，创建于 {manifest['created']}，Linli {manifest['linli_version']}，"
                          f"{vendor}，{len(manifest['files']) - 1} 个上传文件，校验通过。")
        known = {f"{app}.{name}" for app, name in MigrationLoader(None, ignore_no_migrations=True).disk_migrations}
        unknown = sorted(set(manifest["migrations"]) - known)
        if unknown:
            self.stdout.write(self.style.WARNING(
                f"归档来自更新的版本（本版本没有的迁移：{', '.join(unknown[:5])}…）：请先升级 Linli 再恢复。"))
            raise CommandError("版本不符，未做任何更改。")
        if not yes:
            self.stdout.write(self.style.WARNING("恢复将用归档覆盖当前数据库和全部上传文件（原上传目录会保留一份）。"))
            try:
                answer = input("确认恢复请输入 yes：")
            except EOFError:
                answer = ""
            if answer.strip().lower() != "yes":
                raise CommandError("已取消，未做任何更改。")
        try:
            kept = backups.restore(path, manifest, alias=database)
        except backups.BackupError as exc:
            raise CommandError(str(exc)) from exc
        connections.close_all()
        self.stdout.write(self.style.SUCCESS("恢复完成。"))
        if kept:
            self.stdout.write(f"原上传目录已保留在：{kept}（核对后可删除）")
        missing = sorted(known - set(manifest["migrations"]))
        if missing:
            self.stdout.write(f"归档比本版本旧（缺 {len(missing)} 个迁移）：请运行 linli migrate。")
