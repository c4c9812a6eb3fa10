"""`linli import-registry FILE [--dry-run] [--user USERNAME]`: import estates, buildings, homes and residents."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from linli.people.actors import system_actor
from linli.people.models import User
from linli.people.registry_io import import_registry
from linli.people.scopes import scope_for


class Command(BaseCommand):
    help = (
        "从 Excel (.xlsx) 或 CSV 导入小区、楼栋、房屋、人员和居住关系。先用 --dry-run 预检；"
        "有任何错误时不写入任何数据。Import the registry from .xlsx or .csv (all or nothing)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="登记表文件 (.xlsx 或 .csv)")
        parser.add_argument("--dry-run", action="store_true", help="只预检，不写入")
        parser.add_argument("--user", help="按该账号的权限范围导入（不填则不限范围，由操作员负责）")

    def handle(self, *args, file, dry_run=False, user=None, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到文件：{path}")
        account = None
        if user:
            account = User.objects.filter(username=user, is_active=True).first()
            if account is None:
                raise CommandError(f"没有账号 {user}")
            if not scope_for(account).is_registry_admin:
                raise CommandError(f"账号 {user} 是只读角色，不能导入登记信息")
        result = import_registry(path.read_bytes(), path.name, user=account or system_actor(), commit=not dry_run)

        if dry_run:
            title = f"预检（未写入）：{path.name}，共 {result.rows} 行"
        elif result.committed:
            title = f"已导入：{path.name}，共 {result.rows} 行"
        else:
            title = f"未导入：{path.name}，共 {result.rows} 行"
        self.stdout.write(title)
        for label, value in result.count_items:
            self.stdout.write(f"  {label}：{value}")
        for line in result.changes:
            self.stdout.write(f"  变更 {line}")
        if result.ignored_columns:
            self.stdout.write(f"  已忽略的列：{'、'.join(result.ignored_columns)}")
        if result.errors:
            for error in result.errors:
                self.stderr.write(f"  {error}")
            raise CommandError(f"发现 {len(result.errors)} 处错误，没有写入任何数据")
        if dry_run:
            self.stdout.write(self.style.SUCCESS("没有发现错误；去掉 --dry-run 即可导入"))
        else:
            self.stdout.write(self.style.SUCCESS("导入完成"))
