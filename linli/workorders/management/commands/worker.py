"""``linli worker``: run the deadline sweep every minute (or once with --once)."""

import time

from django.core.management.base import BaseCommand

from linli.workorders.sweep import sweep


class Command(BaseCommand):
    help = "工单时限巡检：临期提醒、超期标记、逐级升级并通知。可多进程同时运行，不会重复处理。"

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="只巡检一次")
        parser.add_argument("--interval", type=int, default=60, help="巡检间隔（秒），默认 60")

    def handle(self, *args, once=False, interval=60, **options):
        while True:
            result = sweep()
            self.stdout.write(f"巡检完成：{result}")
            if once:
                return
            time.sleep(interval)
