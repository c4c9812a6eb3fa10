"""Token authentication for machine clients: ``Authorization: Token <key>`` (or ``Bearer <key>``)."""

import datetime

from django.utils import timezone
from rest_framework import authentication, exceptions

from linli.people.models import ApiKey

LAST_USED_EVERY = datetime.timedelta(minutes=1)


class ApiKeyAuthentication(authentication.BaseAuthentication):
    keywords = ("token", "bearer")

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1").split()
        if not header or header[0].lower() not in self.keywords:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Authorization 头格式应为：Token <密钥>")
        return self.authenticate_key(header[1])

    @staticmethod
    def authenticate_key(key: str):
        api_key = (
            ApiKey.objects.select_related("user")
            .filter(key_hash=ApiKey.hash(key), revoked_at__isnull=True)
            .first()
        )
        if api_key is None or not api_key.user.is_active:
            raise exceptions.AuthenticationFailed("API 密钥无效或已停用")
        now = timezone.now()
        # Written at most once a minute: a busy client would otherwise update one row on every request.
        if api_key.last_used_at is None or now - api_key.last_used_at > LAST_USED_EVERY:
            ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
        return (api_key.user, api_key)

    def authenticate_header(self, request):
        return "Token"
