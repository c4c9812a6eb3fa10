"""``linli care_sweep``: notify visitors and community admins of overdue visits (idempotent; the schedule runs it daily:
linli/care/tasks.py)."""

from django.core.management.base import BaseCommand

from linli.care.services import notify_overdue


class Command(BaseCommand):
    help = "提醒逾期未探访（每个计划每个应探访日期只提醒一次，可重复运行）"

    def handle(self, *args, **options):
        self.stdout.write(f"新提醒：{notify_overdue()} 条")
