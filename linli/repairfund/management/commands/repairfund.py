"""``linli repairfund verify [--account ID]``: recompute every repair-fund ledger chain (exit 1 on any change)."""

import sys

from django.core.management.base import BaseCommand

from linli.repairfund.models import Account, Movement
from linli.repairfund.services import verify


class Command(BaseCommand):
    help = "校验专项维修资金台账的哈希链：发现任何对已存记录的改动、删除或插入时以状态 1 退出。"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify"])
        parser.add_argument("--account", type=int, action="append", help="只校验该账户（可重复）")

    def handle(self, *args, action, account=None, **options):
        problems = verify(account_ids=account)
        accounts = Account.objects.filter(pk__in=account) if account else Account.objects.all()
        rows = Movement.objects.filter(account__in=accounts).count()
        if problems:
            for line in problems:
                self.stdout.write(self.style.ERROR(line))
            self.stdout.write(self.style.ERROR(f"发现 {len(problems)} 处问题"))
            sys.exit(1)
        self.stdout.write(self.style.SUCCESS(f"{accounts.count()} 个账户，{rows} 条流水，未发现改动"))
