"""Token authentication for machine clients: ``Authorization: Token <key>`` (or ``Bearer <key>``).

A key is refused when it is revoked, expired, or stands for a superuser without being allowed to (both the key's
``allow_superuser`` and the setting ``LINLI_APIKEY_ALLOW_SUPERUSER``); a read-only key gets 403 on every unsafe
method (anything but GET, HEAD, OPTIONS).
"""

import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions
from rest_framework.permissions import SAFE_METHODS

from linli.people.models import ApiKey

LAST_USED_EVERY = datetime.timedelta(minutes=1)


def superuser_keys_allowed() -> bool:
    return bool(getattr(settings, "LINLI_APIKEY_ALLOW_SUPERUSER", False))


class ApiKeyAuthentication(authentication.BaseAuthentication):
    keywords = ("token", "bearer")

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1").split()
        if not header or header[0].lower() not in self.keywords:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Authorization 头格式应为：Token <密钥>"))
        return self.authenticate_key(header[1], method=request.method)

    @staticmethod
    def authenticate_key(key: str, *, method: str = "GET"):
        api_key = (
            ApiKey.objects.select_related("user")
            .filter(key_hash=ApiKey.hash(key), revoked_at__isnull=True)
            .first()
        )
        if api_key is None or not api_key.user.is_active:
            raise exceptions.AuthenticationFailed(_("API 密钥无效或已停用"))
        now = timezone.now()
        if api_key.expires_at is not None and api_key.expires_at <= now:
            raise exceptions.AuthenticationFailed(_("API 密钥已过期"))
        if api_key.user.is_superuser and not (api_key.allow_superuser and superuser_keys_allowed()):
            raise exceptions.AuthenticationFailed(_("代表超级用户的 API 密钥未获准使用"))
        if api_key.read_only and method.upper() not in SAFE_METHODS:
            raise exceptions.PermissionDenied(_("只读 API 密钥不能修改数据"))
        # Written at most once a minute: a busy client would otherwise update one row on every request.
        if api_key.last_used_at is None or now - api_key.last_used_at > LAST_USED_EVERY:
            ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
        return (api_key.user, api_key)

    def authenticate_header(self, request):
        return "Token"
