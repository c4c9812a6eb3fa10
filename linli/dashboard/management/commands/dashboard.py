"""``linli dashboard rebuild [--from DATE]``: rewrite the daily summary the dashboards read (linli/workorders/daily.py)
from the orders and their events; ``linli dashboard refresh``: what the periodic job does, once; ``linli dashboard
warm``: the overview job once (the summary brought up to date, the overviews opened in the last day computed ahead,
linli/dashboard/store.py)."""

import datetime
import time

from django.core.management.base import BaseCommand, CommandError

from linli.workorders import daily


class Command(BaseCommand):
    help = "仪表盘汇总：rebuild 重建（可 --from 日期）；refresh 增量更新一次；warm 更新汇总并预先计算近一天打开过的总览"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["rebuild", "refresh", "warm"])
        parser.add_argument("--from", dest="since", default=None, help="YYYY-MM-DD（默认：第一张工单的日期）")
        parser.add_argument("--until", default=None, help="YYYY-MM-DD（默认：今天）")

    def handle(self, *args, action: str, since: str | None, until: str | None, **options):
        started = time.perf_counter()
        if action == "refresh":
            result = daily.refresh()
        elif action == "warm":
            from linli.dashboard import store

            result = store.warm()
        else:
            days = {}
            for name, value in (("from", since), ("until", until)):
                try:
                    days[name] = datetime.date.fromisoformat(value) if value else None
                except ValueError:
                    raise CommandError(f"--{name}: 日期格式应为 YYYY-MM-DD，收到 {value!r}") from None
            result = daily.rebuild(since=days["from"], until=days["until"],
                                     log=self.stdout.write if options["verbosity"] > 1 else None)
        self.stdout.write(f"{action}: {result} ({time.perf_counter() - started:.1f} s)")
