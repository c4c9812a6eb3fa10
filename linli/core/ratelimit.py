"""Rate limits of anonymous writes: the resident's H5 report page, Open311 POST requests, payment callbacks.

Each limit has a name and a setting ``LINLI_RATELIMIT_<NAME>`` ("10/h"). Every attempt counts, refused and invalid
ones too, per client address (REMOTE_ADDR, which ``LINLI_TRUSTED_PROXIES`` sets from X-Forwarded-For behind our own proxies;
IPv6 by /64). The
counters live in the configured cache, shared by every process: Redis in production, the database cache otherwise
(django-ratelimit does the counting; its windows are fixed, e.g. one hour, per address).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core import checks
from django.utils.translation import gettext_lazy as _
from django_ratelimit.core import get_usage
from rest_framework.exceptions import Throttled
from rest_framework.throttling import BaseThrottle

log = logging.getLogger(__name__)

MESSAGE = _("提交太频繁，请稍后再试；紧急情况请直接拨打电话。")
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def limited(request, name: str) -> bool:
    """Count this attempt against the limit ``name``; True when the client is over it and must be refused."""
    rate = getattr(settings, f"LINLI_RATELIMIT_{name.upper()}", "")
    if not rate:
        return False
    try:
        usage = get_usage(request, group=f"linli.{name}", key="ip", rate=rate, increment=True)
    except Exception:  # the cache is down: keep the channel open, and say so in the log
        log.exception("rate limit %s could not be counted", name)
        return False
    return bool(usage and usage["should_limit"])


def throttle(name: str) -> type[BaseThrottle]:
    """A DRF throttle for an anonymous API view: writes count against the limit ``name``; 429 with MESSAGE."""

    class AnonymousWriteThrottle(BaseThrottle):
        def allow_request(self, request, view):
            if request.method in SAFE_METHODS or not limited(request, name):
                return True
            raise Throttled(detail=str(MESSAGE))

    AnonymousWriteThrottle.__name__ = f"{name.title()}Throttle"
    return AnonymousWriteThrottle


SHARED_ATOMIC = {"django.core.cache.backends.redis.RedisCache", "linli.core.cache.TolerantRedisCache",
                 "django_redis.cache.RedisCache",
                 "django.core.cache.backends.memcached.PyMemcacheCache",
                 "django.core.cache.backends.memcached.PyLibMCCache"}
NOT_SHARED = {"django.core.cache.backends.locmem.LocMemCache", "django.core.cache.backends.dummy.DummyCache"}


@checks.register(checks.Tags.caches)
def check_rate_limit_cache(app_configs, **kwargs):
    """Counters kept in one process's memory would let a client multiply its limit by the number of processes."""
    alias = getattr(settings, "RATELIMIT_USE_CACHE", "default")
    backend = settings.CACHES.get(alias, {}).get("BACKEND", "")
    if backend in NOT_SHARED:
        return [checks.Error(f"the rate-limit cache {alias!r} ({backend}) is not shared by the processes",
                             hint="Set REDIS_URL, or leave CACHES to Linli's default (the database cache).",
                             id="linli.E120")]
    return []


@checks.register(checks.Tags.caches, deploy=True)
def check_rate_limit_cache_deploy(app_configs, **kwargs):
    """The database cache counts correctly for a demo; under load only Redis (or memcached) counts atomically."""
    alias = getattr(settings, "RATELIMIT_USE_CACHE", "default")
    backend = settings.CACHES.get(alias, {}).get("BACKEND", "")
    if backend not in SHARED_ATOMIC | NOT_SHARED:
        return [checks.Warning(f"the rate-limit cache {alias!r} ({backend}) does not count atomically",
                               hint="Set REDIS_URL (e.g. redis://127.0.0.1:6379/1) in production.", id="linli.W120")]
    return []
