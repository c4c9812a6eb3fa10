"""Small middleware of Linli's own: the client's address behind a proxy, no caching of the API.

The idle sign-out, which needs roles and the audit log, is ``linli.people.middleware.SessionIdleMiddleware``."""

from django.conf import settings
from django.utils.cache import patch_cache_control


class TrustedProxyMiddleware:
    """Behind ``LINLI_TRUSTED_PROXIES`` proxies of our own, REMOTE_ADDR becomes the address the outermost one saw.

    Each proxy appends the address it received from to X-Forwarded-For, so the client is the entry that many
    places from the end; entries further left were written by the client and cannot be trusted. The sign-in
    lockout (django-axes) and the audit log both read REMOTE_ADDR."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        count = settings.LINLI_TRUSTED_PROXIES
        if count > 0:
            chain = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
            if len(chain) >= count:
                request.META["REMOTE_ADDR"] = chain[-count]
        return self.get_response(request)


class ApiNoStoreMiddleware:
    """API answers carry personal data: no browser or proxy may keep a copy (``Cache-Control: no-store``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith("/api/"):
            patch_cache_control(response, no_store=True, private=True)
        return response
