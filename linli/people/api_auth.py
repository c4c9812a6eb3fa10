"""Token authentication for machine clients: ``Authorization: Token <key>`` (or ``Bearer <key>``).

A key is refused when it is revoked, expired, or stands for a superuser without being allowed to (both the key's
``allow_superuser`` and the setting ``LINLI_APIKEY_ALLOW_SUPERUSER``); a read-only key gets 403 on every unsafe
method (anything but GET, HEAD, OPTIONS).

The key and its user are kept in Django's cache (Redis in production) for ``KEY_CACHE_SECONDS``, so that a client's
requests do not each read them. Whatever revokes a key or changes its user drops the entry at once
(``forget_api_keys``: the ``apikey revoke`` command and the admin of keys and users); a change made by any other
path is seen within the timeout.
"""

import datetime

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions
from rest_framework.permissions import SAFE_METHODS

from linli.people.models import ApiKey

LAST_USED_EVERY = datetime.timedelta(minutes=1)
KEY_CACHE_SECONDS = 60


def _cache_key(key_hash: str) -> str:
    return f"apikey:{key_hash}"


def _load_key(key_hash: str) -> ApiKey | None:
    """The unrevoked key with this hash and its user, from the cache or the database."""
    api_key = cache.get(_cache_key(key_hash))
    if api_key is None:
        api_key = ApiKey.objects.select_related("user").filter(key_hash=key_hash, revoked_at__isnull=True).first()
        if api_key is not None:
            # Stored as read, before anything hangs per-request state (the user's scope) on the objects.
            cache.set(_cache_key(key_hash), api_key, KEY_CACHE_SECONDS)
    return api_key


def forget_api_keys(*, keys=None, user=None) -> None:
    """Drop cached keys: the given ones, or every key of ``user`` (after the key or the account changed)."""
    hashes = [k.key_hash for k in keys or ()]
    if user is not None and user.pk is not None:
        hashes += list(ApiKey.objects.filter(user_id=user.pk).values_list("key_hash", flat=True))
    cache.delete_many([_cache_key(h) for h in hashes])


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
        api_key = _load_key(ApiKey.hash(key))
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
            api_key.last_used_at = now
            cache.set(_cache_key(api_key.key_hash), api_key, KEY_CACHE_SECONDS)
        return (api_key.user, api_key)

    def authenticate_header(self, request):
        return "Token"
