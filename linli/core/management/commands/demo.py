"""``linli demo``: load the 九宫庙街道 demo street and print the demo logins (see linli/core/demo.py)."""

from django.core.management.base import BaseCommand

from linli.core.demo import load_demo


class Command(BaseCommand):
    help = "载入演示数据（重庆市大渡口区九宫庙街道：7个社区、14个片区、184栋楼、3588户）并打印各角色的演示账号。"

    def handle(self, *args, **options):
        load_demo(out=self.stdout.write)
