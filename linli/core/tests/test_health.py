"""Issue 14, item 6: /healthz says the process is up (no database needed), /readyz that the database and the
broker answer — 503 naming what failed — for load balancers, without sign-in, HTTPS or a known host name."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import redis
from django.test import Client

ROOT = Path(__file__).resolve().parents[3]
CLOSED_PORT_REDIS = "redis://127.0.0.1:1/8"
OUR_REDIS = "redis://127.0.0.1:6379/8"


def redis_up() -> bool:
    try:
        return bool(redis.Redis.from_url(OUR_REDIS, socket_connect_timeout=0.5).ping())
    except redis.RedisError:
        return False


def test_healthz_answers_ok_without_touching_the_database():
    # No django_db mark: any query would fail this test (pytest-django refuses database access).
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Cache-Control"] == "no-store"


# Every configured database is checked (a replica too, when DATABASE_REPLICA_URL is set): allow them all.
ALL = pytest.mark.django_db(databases="__all__")


@ALL
def test_readyz_is_200_when_the_database_answers_and_no_broker_is_configured(settings):
    settings.CELERY_BROKER_URL = ""
    response = Client().get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["checks"]["database:default"] == "ok"
    assert set(body["checks"]) == {f"database:{alias}" for alias in settings.DATABASES}


@ALL
def test_readyz_is_503_naming_the_broker_when_the_broker_is_unreachable(settings):
    settings.CELERY_BROKER_URL = CLOSED_PORT_REDIS
    settings.LINLI_READYZ_TIMEOUT = 0.5
    response = Client().get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database:default"] == "ok"
    assert body["checks"]["broker"].startswith("error")
    assert "127.0.0.1" not in response.content.decode()  # the kind of error only, never the address


@pytest.mark.skipif(not redis_up(), reason="Redis is not running at 127.0.0.1:6379")
@ALL
def test_readyz_is_200_when_the_broker_answers(settings):
    settings.CELERY_BROKER_URL = OUR_REDIS
    response = Client().get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"]["broker"] == "ok"


@ALL
def test_probes_by_address_over_plain_http_are_answered_while_pages_are_redirected(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["linli.example.gov.cn"]
    settings.CELERY_BROKER_URL = ""
    client = Client()
    for path in ("/healthz", "/readyz"):
        assert client.get(path, HTTP_HOST="10.0.0.5:8001").status_code == 200, path
    assert client.get("/accounts/login/", HTTP_HOST="linli.example.gov.cn").status_code == 301
    assert client.get("/accounts/login/", HTTP_HOST="10.0.0.5:8001").status_code == 400


def test_the_health_checks_set_no_cookie_and_show_no_personal_data(db, settings, world):
    settings.CELERY_BROKER_URL = ""
    client = Client()
    for path in ("/healthz", "/readyz"):
        response = client.get(path)
        assert not response.cookies, path
        text = response.content.decode()
        assert "resident" not in text and "@" not in text, text


def test_readyz_is_503_naming_the_database_when_postgresql_is_unreachable_and_healthz_stays_200(tmp_path):
    """A whole Linli process whose database is a closed port: the balancer takes it out (503), the supervisor keeps
    it (200)."""
    script = (
        "import django, json; django.setup()\n"
        "from django.test import Client\n"
        "c = Client()\n"
        "r = c.get('/readyz'); h = c.get('/healthz')\n"
        "print(json.dumps({'ready': r.status_code, 'body': r.json(), 'health': h.status_code}))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_", "CELERY_"))}
    env.update(DJANGO_SETTINGS_MODULE="linli.settings", DATABASE_URL="postgres://linli@127.0.0.1:1/o14_nowhere",
               LINLI_DATA_DIR=str(tmp_path), PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["health"] == 200
    assert result["ready"] == 503
    assert result["body"]["status"] == "unavailable"
    assert result["body"]["checks"]["database:default"] == "error: OperationalError"
