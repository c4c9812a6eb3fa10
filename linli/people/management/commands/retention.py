"""``linli retention [--dry-run]``: remove or anonymise personal data past its retention period (PIPL art. 19).

Each app clears its own records (``linli/<app>/retention.py``); the periods are settings in days
(``LINLI_RETAIN_*``, see docs/deploy.md). It lives in people because the audit log it writes to does.
Run it daily (cron or a systemd timer); a second run the same day changes nothing.
"""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from linli.care import retention as care_retention
from linli.core.exports import command_username
from linli.people import retention as people_retention
from linli.people.models import AuditEvent
from linli.people.services import audit
from linli.workorders import retention as workorders_retention

# The Cybersecurity Law (网络安全法) art. 21: network logs are kept for six months or more.
MIN_AUDIT_LOG_DAYS = 180

# (setting, what it keeps, the function that clears what is past it); the wiring between apps is here, on purpose.
KINDS = (
    ("LINLI_RETAIN_WORKORDER_CONTACT_DAYS", "已结束工单的联系人、电话及正文中的号码",
     workorders_retention.clear_finished_orders),
    ("LINLI_RETAIN_CARE_DAYS", "结束关护后的关护记录", care_retention.clear_ended_care),
    ("LINLI_RETAIN_ACCESS_LOG_DAYS", "敏感信息查看记录", people_retention.delete_access_logs),
    ("LINLI_RETAIN_AUDIT_LOG_DAYS", "安全审计记录", people_retention.delete_audit_events),
    ("LINLI_RETAIN_REVOKED_APIKEY_DAYS", "已停用的 API 密钥", people_retention.delete_revoked_api_keys),
    ("LINLI_RETAIN_SIGNIN_ATTEMPT_DAYS", "登录失败计数", people_retention.delete_signin_attempts),
)
LABELS = {
    "workorder_contacts": "工单（清除联系人、电话，号码打码）",
    "workorder_event_notes": "工单处理记录（号码打码）",
    "care_subjects": "关护对象（清除类别、监护人联系方式、情况说明）",
    "care_visits": "探访记录（清除记录内容）",
    "care_problems": "探访发现的问题（清除内容）",
    "care_reminders": "探访提醒（删除）",
    "access_logs": "敏感信息查看记录（删除）",
    "audit_events": "安全审计记录（删除）",
    "revoked_api_keys": "已停用的 API 密钥（删除）",
    "signin_attempts": "登录失败计数（删除）",
    "sessions": "过期的登录会话（删除）",
}


def periods() -> dict[str, int]:
    """The period of each kind in days, checked: 0 keeps a kind for ever; the audit log keeps at least 180 days."""
    days = {}
    for setting, _label, _fn in KINDS:
        value = getattr(settings, setting)
        if not isinstance(value, int) or value < 0:
            raise CommandError(f"{setting} 应为不小于 0 的天数")
        days[setting] = value
    audit_days = days["LINLI_RETAIN_AUDIT_LOG_DAYS"]
    if 0 < audit_days < MIN_AUDIT_LOG_DAYS:
        raise CommandError(f"LINLI_RETAIN_AUDIT_LOG_DAYS 至少 {MIN_AUDIT_LOG_DAYS} 天（网络安全法第二十一条：日志留存不少于六个月）")
    return days


class Command(BaseCommand):
    help = "清理超过保存期限的个人信息（个人信息保护法第十九条）。Remove or anonymise personal data past its retention period."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="只显示将清理的数量，不做任何改动")

    def handle(self, *args, dry_run=False, **options):
        days = periods()
        now = timezone.now()
        counts: dict[str, int] = {}
        self.stdout.write(("预检（未改动）" if dry_run else "清理") + f"：{timezone.localtime(now):%Y-%m-%d %H:%M}")
        for setting, label, clear in KINDS:
            if days[setting] == 0:
                self.stdout.write(f"{label}：长期保存（{setting}=0）")
                continue
            before = now - datetime.timedelta(days=days[setting])
            self.stdout.write(f"{label}：保存 {days[setting]} 天，清理 {timezone.localtime(before):%Y-%m-%d} 之前的")
            self._report(counts, clear(before=before, dry_run=dry_run))
        self.stdout.write("登录会话：过期即清理")
        self._report(counts, people_retention.delete_expired_sessions(now=now, dry_run=dry_run))
        total = sum(counts.values())
        if dry_run:
            self.stdout.write(f"共 {total} 条将被清理（未改动）")
            return
        if total:
            # Only a run that changed something is logged, so a second run the same day changes nothing at all.
            audit(action=AuditEvent.Action.RETENTION, username=command_username(), target="retention", count=total,
                  data={"counts": {k: n for k, n in counts.items() if n}, "days": days})
        self.stdout.write(self.style.SUCCESS(f"共清理 {total} 条"))

    def _report(self, counts: dict[str, int], done: dict[str, int]) -> None:
        counts.update(done)
        for kind, n in done.items():
            self.stdout.write(f"  {LABELS[kind]}：{n}")
