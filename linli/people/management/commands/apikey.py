"""API keys for machine clients: ``linli apikey create NAME [--user USERNAME] [--expires YYYY-MM-DD | --days N]
[--read-only] [--allow-superuser]``, ``list``, ``revoke NAME``.

Only the hash of a key is stored; ``create`` prints the key once, as the last line of its output, so
that a script can take it with ``| tail -n 1``. A key of a superuser needs ``--allow-superuser`` and the setting
``LINLI_APIKEY_ALLOW_SUPERUSER``; without them it is refused here and when used.
"""

import datetime
import re

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from linli.people.api_auth import forget_api_keys, superuser_keys_allowed
from linli.people.models import ApiKey, AuditEvent, User
from linli.people.services import audit

PREFIX_LENGTH = 8
NAME = re.compile(r"[\w.@+-]{1,60}")


class Command(BaseCommand):
    help = "Create, list and revoke API keys (Authorization: Token <key>)."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="{create,list,revoke}")
        create = actions.add_parser("create", help="create a key and print it once")
        create.add_argument("name", help="a name for the client, e.g. hotline")
        create.add_argument(
            "--user", dest="username", help="the account the key acts as (default: a new account api-NAME)"
        )
        expiry = create.add_mutually_exclusive_group()
        expiry.add_argument("--expires", type=_date, help="the last day the key works (YYYY-MM-DD, local time)")
        expiry.add_argument("--days", type=int, help="the key works for N days from now")
        create.add_argument("--read-only", action="store_true", help="the key may only read (GET): writes get 403")
        create.add_argument(
            "--allow-superuser", action="store_true",
            help="allow a key for a superuser (also needs LINLI_APIKEY_ALLOW_SUPERUSER=1)",
        )
        actions.add_parser("list", help="list keys (never the keys themselves)")
        revoke = actions.add_parser("revoke", help="stop a key from working")
        revoke.add_argument("name")

    def handle(self, *args, action, **options):
        if action == "create":
            self.create(options["name"].strip(), options.get("username"), expires_at=_expiry(options),
                        read_only=options["read_only"], allow_superuser=options["allow_superuser"])
        elif action == "list":
            self.list()
        else:
            self.revoke(options["name"].strip())

    @transaction.atomic
    def create(self, name: str, username: str | None, *, expires_at=None, read_only=False, allow_superuser=False):
        if not NAME.fullmatch(name):
            raise CommandError("密钥名称只能包含字母、数字和 . @ + - _（它也用作账号名 api-NAME）")
        if ApiKey.objects.filter(name=name).exists():
            raise CommandError(f"已有名为 “{name}” 的 API 密钥（含已停用的），请换一个名称")
        if username:
            user = User.objects.filter(username=username).first()
            if user is None:
                raise CommandError(f"账号 “{username}” 不存在")
        else:
            user, created = User.objects.get_or_create(
                username=f"api-{name}", defaults={"display_name": f"API: {name}"}
            )
            if created:
                user.set_unusable_password()
                user.save(update_fields=["password"])
        if not user.is_active:
            raise CommandError(f"账号 “{user.username}” 已停用")
        if user.is_superuser and not (allow_superuser and superuser_keys_allowed()):
            raise CommandError(
                f"账号 “{user.username}” 是超级用户：其密钥拥有全部权限，默认不予创建。确需创建，请加 --allow-superuser "
                "并设置 LINLI_APIKEY_ALLOW_SUPERUSER=1；更好的做法是为密钥建一个只有所需角色的账号。"
            )
        key = ApiKey.generate()
        ApiKey.objects.create(name=name, user=user, prefix=key[:PREFIX_LENGTH], key_hash=ApiKey.hash(key),
                              expires_at=expires_at, read_only=read_only, allow_superuser=allow_superuser)
        audit(action=AuditEvent.Action.APIKEY, target=name, username="cli",
              data={"op": "create", "user": user.username, "read_only": read_only,
                    "expires_at": expires_at.isoformat() if expires_at else None})

        self.stdout.write(f"已创建 API 密钥 “{name}”，代表账号 {user.username}。")
        limits = []
        if expires_at is not None:
            limits.append(f"有效期至 {_when(expires_at)}")
        if read_only:
            limits.append("只读")
        if limits:
            self.stdout.write("限制：" + "，".join(limits) + "。")
        if not user.memberships.exists() and not user.is_superuser:
            self.stdout.write(
                f"账号 {user.username} 还没有任何角色：请先在管理后台为它添加角色授权（Membership），"
                "否则它什么也读不到（所有接口返回 404）。"
            )
        self.stdout.write("使用方式：Authorization: Token <密钥>（或 Bearer <密钥>）。密钥只显示这一次，请妥善保存：")
        self.stdout.write(key)

    def list(self):
        keys = ApiKey.objects.select_related("user").order_by("name")
        if not keys:
            self.stdout.write("还没有 API 密钥。")
            return
        rows = [("name", "prefix", "user", "created", "last used", "expires", "access", "revoked")]
        for k in keys:
            rows.append((
                k.name, k.prefix, k.user.username, _when(k.created_at), _when(k.last_used_at), _when(k.expires_at),
                "read" if k.read_only else "read-write", _when(k.revoked_at),
            ))
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        for row in rows:
            self.stdout.write("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())

    def revoke(self, name: str):
        key = ApiKey.objects.filter(name=name).first()
        if key is None:
            raise CommandError(f"没有名为 “{name}” 的 API 密钥")
        if key.revoked_at is not None:
            self.stdout.write(f"API 密钥 “{name}” 已于 {_when(key.revoked_at)} 停用。")
            return
        ApiKey.objects.filter(pk=key.pk).update(revoked_at=timezone.now())
        forget_api_keys(keys=[key])  # the key was cached by the API (linli/people/api_auth.py)
        audit(action=AuditEvent.Action.APIKEY, target=name, username="cli", data={"op": "revoke"})
        self.stdout.write(f"已停用 API 密钥 “{name}”（{key.prefix}…）。")


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "-"


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--expires 应为日期 YYYY-MM-DD，例如 2027-06-30（收到 “{value[:20]}”）") from None


def _expiry(options) -> datetime.datetime | None:
    """The moment the key stops working: the end of the --expires day (local time), or now + --days."""
    if options.get("days") is not None:
        if options["days"] < 1:
            raise CommandError("--days 应为正整数")
        return timezone.now() + datetime.timedelta(days=options["days"])
    day = options.get("expires")
    if day is None:
        return None
    moment = timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time()))
    if moment <= timezone.now():
        raise CommandError(f"--expires {day.isoformat()} 已经过去")
    return moment
