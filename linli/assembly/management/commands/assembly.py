"""``linli assembly tally FILE.json``: count a vote exactly as Civil Code art. 278 says, without a database.

``linli assembly close-due`` closes and counts the votes past their deadline; ``linli assembly renewals`` opens
renewal cases for contracts ending within 90 days; ``linli assembly committee-reports`` reminds each owners' committee
whose written report before its term ends is due (Beijing art. 49, docs/committees.md). All are safe to run twice; the one schedule runs them as Celery
tasks (linli/assembly/tasks.py, docs/tasks.md).

The file: {"matter": CODE, "homes": [{"id", "owner", "area"}], "ballots": [{"owner", "choice"}]}; ``owner`` is the
key of a legal owner (co-owners of a home share one key; one person with several homes has one key; the
developer's unsold homes share one key). Prints the result as JSON; invalid input exits 2 with the problem named.
"""

import json
import sys
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError

from linli.assembly.services import close_due_motions, open_renewal_cases, remind_term_reports
from linli.assembly.tally import TallyError, tally_document
from linli.people.actors import system_actor


class Command(BaseCommand):
    help = "业主共同决定：tally 按民法典第二百七十八条核对表决结果（不访问数据库）；close-due 截止计票；renewals 续聘立案"
    # The tally must work where there is no database at all: no system checks, no migration checks.
    requires_system_checks = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        tally = sub.add_parser("tally", help="核对一次表决：FILE.json，- 表示标准输入")
        tally.add_argument("file", metavar="FILE.json")
        sub.add_parser("close-due", help="截止计票：关闭所有已到截止时间的表决并公示结果（可重复运行）")
        sub.add_parser("renewals", help="为90日内到期的物业服务合同立续聘案（可重复运行）")
        sub.add_parser("committee-reports", help="提醒应当书面报告任期届满的业主委员会（第四十九条，可重复运行）")

    def handle(self, *args, action, **options):
        if action == "tally":
            self.tally(options["file"])
        elif action == "close-due":
            for motion in close_due_motions(actor=system_actor()):
                verdict = "通过" if motion.approved else "未通过"
                self.stdout.write(f"{motion.estate} · {motion.title}：{verdict}")
        elif action == "renewals":
            for case in open_renewal_cases(actor=system_actor()):
                self.stdout.write(f"{case.estate}：合同 {case.deadline} 到期，已立续聘案")
        elif action == "committee-reports":
            self.stdout.write(f"已提醒 {remind_term_reports()} 个业主委员会")

    def tally(self, file: str) -> None:
        try:
            text = sys.stdin.read() if file == "-" else open(file, encoding="utf-8-sig").read()
        except OSError as exc:
            raise CommandError(f"无法读取文件 {file}：{exc.strerror}", returncode=2) from None
        try:
            # Areas are read as Decimal, never as float.
            doc = json.loads(text, parse_float=Decimal, parse_constant=_reject_constant)
        except (json.JSONDecodeError, TallyError) as exc:
            raise CommandError(f"JSON 格式错误：{exc}", returncode=2) from None
        try:
            result = tally_document(doc)
        except TallyError as exc:
            raise CommandError(str(exc), returncode=2) from None
        self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))


def _reject_constant(name):
    raise TallyError(f"不允许 {name}")
