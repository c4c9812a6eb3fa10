"""Rate limits of anonymous writes: counted in the cache every process shares, each attempt, per address."""

import uuid

import pytest
import redis
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.db import connection
from django.test import RequestFactory

from linli.core import ratelimit

REDIS_URL = "redis://127.0.0.1:6379/15"


def attempt(address="10.1.2.3"):
    return ratelimit.limited(RequestFactory().post("/x/", REMOTE_ADDR=address), "report")


def redis_up() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping())
    except redis.RedisError:
        return False


def another_process():
    """What a second worker process has: its own cache clients, none of this one's memory."""
    from asgiref.local import Local

    caches._connections = Local()


def test_the_counters_live_in_the_database_cache_table_by_default(db, settings):
    settings.LINLI_RATELIMIT_REPORT = "2/h"
    assert isinstance(caches["default"], DatabaseCache)
    assert [attempt(), attempt()] == [False, False]
    another_process()
    assert attempt() is True
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM linli_cache")
        assert cursor.fetchone()[0] == 1


@pytest.mark.skipif(not redis_up(), reason="Redis is not running on 127.0.0.1:6379")
def test_the_eleventh_attempt_is_refused_by_another_redis_client_and_another_address_is_not(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
                                   "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}}
    settings.LINLI_RATELIMIT_REPORT = "10/h"
    try:
        first = [attempt() for _ in range(10)]
        another_process()
        assert (first, attempt(), attempt("10.9.9.9")) == ([False] * 10, True, False)
    finally:
        caches["default"].clear()


def test_a_cache_that_is_down_lets_the_attempt_through_and_logs_it(settings, caplog):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:1/0"}}
    assert attempt() is False
    assert "rate limit report could not be counted" in caplog.text


def test_an_empty_setting_means_no_limit(db, settings):
    settings.LINLI_RATELIMIT_REPORT = ""
    assert [attempt() for _ in range(3)] == [False, False, False]


@pytest.mark.parametrize(("backend", "errors", "deploy_warnings"), [
    ("django.core.cache.backends.locmem.LocMemCache", ["linli.E120"], []),
    ("django.core.cache.backends.db.DatabaseCache", [], ["linli.W120"]),
    ("django.core.cache.backends.redis.RedisCache", [], []),
])
def test_the_checks_refuse_a_cache_of_one_process_and_warn_of_the_database_cache_in_production(
        settings, backend, errors, deploy_warnings):
    settings.CACHES = {"default": {"BACKEND": backend, "LOCATION": "x"}}
    assert [e.id for e in ratelimit.check_rate_limit_cache(None)] == errors
    assert [e.id for e in ratelimit.check_rate_limit_cache_deploy(None)] == deploy_warnings


def _views(patterns):
    from django.urls import URLPattern, URLResolver

    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _views(p.url_patterns)
        elif isinstance(p, URLPattern):
            yield p


def test_every_api_view_open_to_anonymous_writers_is_rate_limited():
    """A new AllowAny endpoint that accepts POST/PUT/PATCH/DELETE must name its limit (ratelimit.throttle)."""
    from django.urls import get_resolver
    from rest_framework.permissions import AllowAny

    unlimited = []
    for pattern in _views(get_resolver().url_patterns):
        cls = getattr(pattern.callback, "cls", None)
        if cls is None or not any(p is AllowAny for p in getattr(cls, "permission_classes", [])):
            continue
        actions = getattr(pattern.callback, "actions", None)
        methods = set(actions) if actions else {m for m in ("post", "put", "patch", "delete") if hasattr(cls, m)}
        if methods & {"post", "put", "patch", "delete"} and not any(
                t.__name__.endswith("Throttle") and t.__module__ == ratelimit.__name__ for t in cls.throttle_classes):
            unlimited.append(f"{cls.__module__}.{cls.__name__}")
    assert unlimited == []
