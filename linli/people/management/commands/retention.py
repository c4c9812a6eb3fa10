"""``linli retention [--dry-run]``: remove or anonymise personal data past its retention period (PIPL art. 19).

Each app clears its own records (``linli/<app>/retention.py``) and declares them in its AppConfig
(``retention``: setting, what it keeps, dotted path of the clearing function; ``retention_labels``); the periods
are settings in days (``LINLI_RETAIN_*``, see docs/deploy.md). It lives in people because the audit log it
writes to does; the other apps' kinds come first, in INSTALLED_APPS order, then people's own.
Run it daily (cron or a systemd timer); a second run the same day changes nothing.
"""

import datetime

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.module_loading import import_string

from linli.core.exports import command_username
from linli.people import retention as people_retention
from linli.people.models import AuditEvent
from linli.people.services import audit

# The Cybersecurity Law (网络安全法) art. 21: network logs are kept for six months or more.
MIN_AUDIT_LOG_DAYS = 180

# People's own kinds: (setting, what it keeps, the function that clears what is past it).
OWN_KINDS = (
    ("LINLI_RETAIN_ACCESS_LOG_DAYS", "敏感信息查看记录", people_retention.delete_access_logs),
    ("LINLI_RETAIN_AUDIT_LOG_DAYS", "安全审计记录", people_retention.delete_audit_events),
    ("LINLI_RETAIN_REVOKED_APIKEY_DAYS", "已停用的 API 密钥", people_retention.delete_revoked_api_keys),
    ("LINLI_RETAIN_SIGNIN_ATTEMPT_DAYS", "登录失败计数", people_retention.delete_signin_attempts),
    ("LINLI_RETAIN_SIGNIN_ATTEMPT_DAYS", "登录验证码与未接受的家庭邀请", people_retention.delete_signin_codes),
)
OWN_LABELS = {
    "access_logs": "敏感信息查看记录（删除）",
    "audit_events": "安全审计记录（删除）",
    "revoked_api_keys": "已停用的 API 密钥（删除）",
    "signin_attempts": "登录失败计数（删除）",
    "signin_codes": "登录验证码（删除）",
    "household_invitations": "过期未接受的家庭邀请（删除）",
    "sessions": "过期的登录会话（删除）",
}


def kinds() -> list[tuple[str, str, object]]:
    """Every app's kinds (declared in its AppConfig), then people's own."""
    found = []
    for config in apps.get_app_configs():
        if config.label != "people":
            found += [(setting, label, import_string(path)) for setting, label, path in getattr(config, "retention", ())]
    return found + list(OWN_KINDS)


def labels() -> dict[str, str]:
    found = {}
    for config in apps.get_app_configs():
        found.update(getattr(config, "retention_labels", {}))
    return found | OWN_LABELS


def periods() -> dict[str, int]:
    """The period of each kind in days, checked: 0 keeps a kind for ever; the audit log keeps at least 180 days."""
    days = {}
    for setting, _label, _fn in kinds():
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
        for setting, label, clear in kinds():
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
        names = labels()
        for kind, n in done.items():
            self.stdout.write(f"  {names[kind]}：{n}")
