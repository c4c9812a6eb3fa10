"""``linli demo``: load the 九宫庙街道 demo street and print the demo logins (each app's part: linli/core/demo.py)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from linli.core.demo import load_demo


class Command(BaseCommand):
    help = "载入演示数据（重庆市大渡口区九宫庙街道：7个社区、14个片区、184栋楼、3588户）并打印各角色的演示账号。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production", action="store_true",
            help="在生产配置（LINLI_PRODUCTION）下也载入演示数据：会创建密码公开的账号（admin/linli2026 等）。",
        )

    def handle(self, *args, **options):
        # The demo creates logins whose passwords are printed here and in the README: never on a real system
        # by accident.
        if settings.LINLI_PRODUCTION and not options["allow_production"]:
            raise CommandError(
                "生产配置（LINLI_PRODUCTION）下不载入演示数据：它会创建密码公开的账号（admin/linli2026 等）。"
                "确需载入时加 --allow-production。"
            )
        load_demo(out=self.stdout.write)
