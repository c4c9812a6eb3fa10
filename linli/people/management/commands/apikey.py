"""API keys for machine clients: ``linli apikey create NAME [--user USERNAME]``, ``list``, ``revoke NAME``.

Only the hash of a key is stored; ``create`` prints the key once, as the last line of its output, so
that a script can take it with ``| tail -n 1``.
"""

import re

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from linli.people.models import ApiKey, User

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
        actions.add_parser("list", help="list keys (never the keys themselves)")
        revoke = actions.add_parser("revoke", help="stop a key from working")
        revoke.add_argument("name")

    def handle(self, *args, action, **options):
        if action == "create":
            self.create(options["name"].strip(), options.get("username"))
        elif action == "list":
            self.list()
        else:
            self.revoke(options["name"].strip())

    @transaction.atomic
    def create(self, name: str, username: str | None):
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
        key = ApiKey.generate()
        ApiKey.objects.create(name=name, user=user, prefix=key[:PREFIX_LENGTH], key_hash=ApiKey.hash(key))

        self.stdout.write(f"已创建 API 密钥 “{name}”，代表账号 {user.username}。")
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
        rows = [("name", "prefix", "user", "created", "last used", "revoked")]
        for k in keys:
            rows.append((
                k.name, k.prefix, k.user.username, _when(k.created_at), _when(k.last_used_at), _when(k.revoked_at),
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
        self.stdout.write(f"已停用 API 密钥 “{name}”（{key.prefix}…）。")


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "-"
