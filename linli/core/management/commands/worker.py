"""``linli worker``: a Celery worker with the beat scheduler embedded, for a small installation on one machine.

It is ``celery -A linli worker --beat``: the same Celery worker as production, plus the one schedule
(linli/celery.py). Larger installations run ``celery -A linli worker`` (M processes) and one
``celery -A linli beat`` instead (docs/tasks.md). Two of these on two machines are harmless: each periodic task
runs once per period (linli/notify/jobs.py).

``linli worker --once`` runs every task of the schedule once here and now (through the same once-per-period guard)
and prints each result: no broker needed, e.g. from cron, or to catch up after maintenance.
"""

import json

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "后台任务：Celery worker（内含定时调度 beat）；--once 立即把每项定时任务运行一次（同一周期内不重复）。"

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="每项定时任务在本进程中运行一次后退出")
        parser.add_argument("--no-beat", action="store_true", help="不内嵌 beat（另有一个 celery beat 进程时）")
        parser.add_argument("--concurrency", "-c", type=int, default=0, help="并发进程数，默认为 CPU 核数")
        parser.add_argument("--loglevel", "-l", default="info", help="日志级别，默认 info")

    def handle(self, *args, once=False, no_beat=False, concurrency=0, loglevel="info", **options):
        from linli.celery import app

        if once:
            self.run_once(app)
            return
        if not app.conf.broker_url:
            raise CommandError("未配置 CELERY_BROKER_URL：worker 需要消息队列（Redis）。没有队列时任务在提交它的进程中"
                               "直接运行；定时任务可用 `linli worker --once` 运行一次（见 docs/tasks.md）。")
        argv = ["worker", f"--loglevel={loglevel}"]
        if concurrency:
            argv.append(f"--concurrency={concurrency}")
        if not no_beat:
            argv.append("--beat")
        app.worker_main(argv)

    def run_once(self, app):
        app.autodiscover_tasks(force=True)
        failed = []
        for key, entry in app.conf.beat_schedule.items():
            task = app.tasks.get(entry["task"])
            if task is None:
                self.stderr.write(f"{key}：任务 {entry['task']} 未注册")
                failed.append(key)
                continue
            result = task.apply()
            if result.failed():
                self.stderr.write(f"{key}：失败 {result.result!r}")
                failed.append(key)
            elif result.result is None:
                self.stdout.write(f"{key}：本周期已运行，跳过")
            else:
                self.stdout.write(f"{key}：{json.dumps(result.result, ensure_ascii=False, default=str)}")
        if failed:
            raise CommandError(f"{len(failed)} 项任务未完成：{', '.join(failed)}")
