"""Issue 14, items 5 and 6: Redis stopped must not stop intake. The cache answers misses while Redis cannot be reached
(rate limits fail open, memos read the tables), warns at most once a minute, and recovers when Redis is back."""

import logging
import shutil
import socket
import subprocess
import time

import pytest
import redis
from django.test import Client

from linli.core import cache as tolerant
from linli.core import ratelimit
from linli.core.cache import TolerantRedisCache
from linli.core.memo import Memo
from linli.core.testing import h5_url
from linli.workorders.models import WorkOrder

CLOSED = "redis://127.0.0.1:1/8"
OPTIONS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}


def closed_cache() -> TolerantRedisCache:
    return TolerantRedisCache(CLOSED, {"OPTIONS": OPTIONS, "KEY_PREFIX": "o14"})


@pytest.fixture
def redis_down(settings):
    settings.CACHES = {"default": {"BACKEND": "linli.core.cache.TolerantRedisCache", "LOCATION": CLOSED,
                                   "OPTIONS": OPTIONS, "KEY_PREFIX": "o14"}}


def test_every_operation_answers_as_an_empty_cache_when_redis_is_unreachable():
    cache = closed_cache()
    assert cache.get("k") is None and cache.get("k", "fallback") == "fallback"
    assert cache.set("k", 1, 60) is None
    assert cache.add("k", 1, 60) is False
    assert cache.get_or_set("k", 5) == 5
    assert cache.has_key("k") is False and cache.touch("k") is False and cache.delete("k") is False
    assert cache.get_many(["a", "b"]) == {}
    assert cache.set_many({"a": 1, "b": 2}) == ["a", "b"]
    assert cache.delete_many(["a"]) is None and cache.clear() is False
    with pytest.raises(ValueError):  # Django's answer for a key that is not there
        cache.incr("k")


def test_a_plain_redis_cache_would_have_raised():
    from django.core.cache.backends.redis import RedisCache

    with pytest.raises(redis.exceptions.ConnectionError):
        RedisCache(CLOSED, {"OPTIONS": OPTIONS}).get("k")


def test_it_warns_once_a_minute_not_on_every_call(caplog, monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(tolerant.time, "monotonic", lambda: clock[0])
    cache = closed_cache()
    with caplog.at_level(logging.WARNING, logger="linli.core.cache"):
        for _ in range(3):
            cache.get("k")
            clock[0] += tolerant.RETRY_AFTER + 1  # past the pause: Redis is tried (and fails) again
        assert len(caplog.records) == 1
        clock[0] += tolerant.WARN_EVERY
        cache.get("k")
    assert len(caplog.records) == 2
    assert all("unreachable (ConnectionError)" in r.getMessage() for r in caplog.records)
    assert all("127.0.0.1" not in r.getMessage() for r in caplog.records)


def test_after_a_failure_redis_is_not_tried_again_for_a_moment(monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(tolerant.time, "monotonic", lambda: clock[0])
    cache = closed_cache()
    cache.get("k")
    tries = []
    monkeypatch.setattr(type(cache).__mro__[1], "get", lambda *a, **k: tries.append(1))
    cache.get("k")
    assert tries == []
    clock[0] += tolerant.RETRY_AFTER + 0.1
    cache.get("k")
    assert tries == [1]


def test_rate_limits_fail_open_and_memos_read_the_table(db, redis_down, settings):
    from django.test import RequestFactory

    settings.LINLI_RATELIMIT_REPORT = "1/h"
    attempts = [ratelimit.limited(RequestFactory().post("/x/", REMOTE_ADDR="10.9.9.9"), "report") for _ in range(3)]
    assert attempts == [False, False, False]
    memo = Memo("o14 test memo", shared=True)
    computed = []
    assert memo.get("key", lambda: computed.append(1) or "value") == "value"
    assert computed == [1]


def test_the_resident_reports_and_staff_pages_work_while_redis_is_down(desk, redis_down, client_for):
    response = Client().post(h5_url(desk), {"text": "楼道灯坏了", "contact_phone": "13900002222"})
    assert response.status_code == 302
    assert WorkOrder.objects.filter(text="楼道灯坏了").count() == 1
    assert client_for("street_admin").get("/workorders/board/").status_code == 200
    assert client_for("community_admin").get("/workorders/").status_code == 200


# -- a Redis of our own, stopped and started -------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_redis(port: int, directory) -> subprocess.Popen:
    process = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                "--appendonly", "no", "--dir", str(directory)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    client = redis.Redis(port=port, socket_connect_timeout=0.2)
    for _ in range(100):
        try:
            if client.ping():
                return process
        except redis.RedisError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError("redis-server did not start")


@pytest.mark.skipif(not shutil.which("redis-server"), reason="redis-server is not installed")
def test_it_recovers_when_redis_comes_back(tmp_path, monkeypatch, caplog):
    monkeypatch.setattr(tolerant, "RETRY_AFTER", 0.0)
    port = free_port()
    server = start_redis(port, tmp_path)
    cache = TolerantRedisCache(f"redis://127.0.0.1:{port}/0", {"OPTIONS": OPTIONS})
    try:
        cache.set("k", "before", 60)
        assert cache.get("k") == "before"
        server.terminate()
        server.wait(10)
        with caplog.at_level(logging.WARNING, logger="linli.core.cache"):
            assert cache.get("k") is None
            assert cache.add("k2", 1, 60) is False
            server = start_redis(port, tmp_path)
            cache.set("k", "after", 60)
            assert cache.get("k") == "after"
        messages = [r.getMessage() for r in caplog.records]
        assert messages[0].startswith("cache (Redis) unreachable") and messages[-1] == "cache (Redis) reachable again"
    finally:
        server.terminate()
        server.wait(10)
