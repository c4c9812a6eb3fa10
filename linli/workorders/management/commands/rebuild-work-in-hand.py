"""``linli rebuild-work-in-hand [--check]``: recount the work-in-hand summary (``WorkInHand``) from the orders.

The services keep the summary as they change orders; run this after changing orders any other way (a bulk load,
a restore, a correction in SQL). ``--check`` only compares the summary with the orders and lists the rows that
disagree (exit status 1 if any)."""

import sys

from django.core.management.base import BaseCommand

from linli.workorders import summary


class Command(BaseCommand):
    help = "Recount the work-in-hand summary from the orders (--check: compare only)."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="只比较汇总与工单，不重建")

    def handle(self, *args, check: bool, **options):
        if check:
            diff = summary.differences()
            for key, (stored, live) in sorted(diff.items()):
                self.stdout.write(f"{key}: 汇总 {stored}，实际 {live}")
            self.stdout.write(f"不一致的行：{len(diff)}")
            if diff:
                sys.exit(1)
            return
        rows = summary.rebuild()
        self.stdout.write(f"在办工单汇总已重建：{rows:,} 行")
