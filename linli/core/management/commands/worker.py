"""``linli worker``: run every app's periodic jobs (linli.core.schedule), or each once with --once.

The jobs are declared in the apps' AppConfig (``schedule``): the work-order deadline sweep every minute, the
return of overdue wish claims every hour, the reminders of overdue care visits every day.
"""

import time

from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string

from linli.core import schedule


class Command(BaseCommand):
    help = "定时任务：工单时限巡检（临期提醒、超期标记、逐级升级并通知）及各模块的定期任务。可多进程同时运行，不会重复处理。"

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="每项任务只运行一次")
        parser.add_argument("--interval", type=int, default=60, help="检查间隔（秒），默认 60")

    def handle(self, *args, once=False, interval=60, **options):
        jobs = schedule.jobs()
        last_run: dict[str, float] = {}
        while True:
            now = time.monotonic()
            for job in schedule.due(jobs, last_run, now):
                result = import_string(job.func)()
                last_run[job.func] = now
                self.stdout.write(f"{job.name}：{result}")
            if once:
                return
            time.sleep(interval)
