"""``linli bill --period 2026-12 [--estate ID] [--chunk N]``: bill a period (monthly, quarterly or yearly).

Idempotent: a home already billed for the period under a plan is left as it is, so an interrupted run
can simply be started again.
"""

import time

from django.core.management.base import BaseCommand, CommandError

from linli.fees.money import parse_period
from linli.fees.services import bill_period
from linli.people.actors import system_actor
from linli.places.models import Estate

SHOWN = 20


class Command(BaseCommand):
    help = "按账期开账：--period 2026-12（月）、2026-Q4（季）或 2026（年）；重复运行不会重复开账。"

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help="账期，如 2026-12、2026-Q4、2026")
        parser.add_argument("--estate", type=int, help="只为该小区开账（小区 id）")
        parser.add_argument("--chunk", type=int, default=5000, help="每个事务处理的户数")

    def handle(self, *args, period, estate=None, chunk=5000, **options):
        try:
            parse_period(period)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        target = None
        if estate:
            target = Estate.objects.filter(pk=estate).first()
            if target is None:
                raise CommandError(f"没有 id 为 {estate} 的小区")
        start = time.perf_counter()
        last = [None]

        def progress(run):
            tenth = int(run.progress * 10)
            if tenth != last[0]:
                last[0] = tenth
                elapsed = time.perf_counter() - start
                self.stdout.write(f"  {run.progress:6.1%}  {run.done_homes:,}/{run.total_homes:,} 户  "
                                  f"新账单 {run.bills_created:,}  {elapsed:.1f} s")

        run = bill_period(period=period, estate=target, actor=system_actor(), chunk=chunk, progress=progress)
        seconds = time.perf_counter() - start
        self.stdout.write(self.style.SUCCESS(
            f"账期 {run.period}：{run.total_homes:,} 户，新生成账单 {run.bills_created:,} 张，"
            f"应收 {run.amount_billed:,.2f} 元，用时 {seconds:.1f} s"))
        # Why an estate's plan billed nothing (先服务后收费, no plan, already billed …): the first lines, then a count.
        reasons = run.reasons
        for line in reasons[:SHOWN]:
            self.stdout.write(f"  未出账：{line}")
        if len(reasons) > SHOWN:
            self.stdout.write(f"  未出账：另有 {len(reasons) - SHOWN:,} 个小区/收费方案，见开账记录 {run.pk}")
