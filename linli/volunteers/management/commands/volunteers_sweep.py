"""``linli volunteers_sweep``: return overdue wish claims to the pool (idempotent; the schedule runs it hourly:
linli/volunteers/tasks.py)."""

from django.core.management.base import BaseCommand

from linli.volunteers.wishes import wishes_release_overdue


class Command(BaseCommand):
    help = "把超过认领期限未完成的微心愿退回心愿墙（可重复运行）"

    def handle(self, *args, **options):
        released = wishes_release_overdue()
        self.stdout.write(f"退回心愿墙：{len(released)} 个")
