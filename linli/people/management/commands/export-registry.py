"""`linli export-registry FILE [--division CODE] [--user USERNAME]`: export homes and residents as .xlsx or .csv."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from linli.core.exports import command_username
from linli.people.models import User
from linli.people.registry_io import FORMATS, export_registry
from linli.places.models import Division


class Command(BaseCommand):
    help = (
        "把房屋登记导出为 .xlsx 或 .csv（按文件扩展名），列与导入模板相同，可直接重新导入。"
        "Export the registry in the import template's columns."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="输出文件，扩展名 .xlsx 或 .csv")
        parser.add_argument("--division", help="只导出该区划（区、街道或社区代码）下的房屋")
        parser.add_argument("--user", help="按该账号能看到的范围导出（非登记管理员的手机号会打码）")

    def handle(self, *args, file, division=None, user=None, **options):
        path = Path(file)
        fmt = path.suffix.lower().lstrip(".")
        if fmt not in FORMATS:
            raise CommandError("文件扩展名必须是 .xlsx 或 .csv")
        node = None
        if division:
            node = Division.objects.filter(code=division).first()
            if node is None:
                raise CommandError(f"没有区划代码 {division}")
        account = None
        if user:
            account = User.objects.filter(username=user, is_active=True).first()
            if account is None:
                raise CommandError(f"没有账号 {user}")
        data, homes = export_registry(fmt, user=account, division=node, username=command_username())
        path.write_bytes(data)
        self.stdout.write(self.style.SUCCESS(f"已导出 {homes} 户到 {path}"))
