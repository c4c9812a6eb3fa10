"""``linli ledger verify [--estate ID]``: recompute every hash chain of the ledger (exit 1 on any change)."""

import sys

from django.core.management.base import BaseCommand

from linli.fees.models import LedgerEntry
from linli.fees.services import ledger_verify


class Command(BaseCommand):
    help = "校验收支台账的哈希链：发现任何对已存记录的改动、删除或插入时以状态 1 退出。"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify"])
        parser.add_argument("--estate", type=int, action="append", help="只校验该小区（可重复）")

    def handle(self, *args, action, estate=None, **options):
        problems = ledger_verify(estate_ids=estate)
        entries = LedgerEntry.objects.all()
        if estate:
            entries = entries.filter(estate_id__in=estate)
        chains = entries.values("estate_id").distinct().count()
        if problems:
            for line in problems:
                self.stdout.write(self.style.ERROR(line))
            self.stdout.write(self.style.ERROR(f"发现 {len(problems)} 处问题"))
            sys.exit(1)
        self.stdout.write(self.style.SUCCESS(f"{chains} 个小区，{entries.count()} 条记录，未发现改动"))
