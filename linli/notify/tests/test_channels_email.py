"""Email through Django's SMTP backend against a fake SMTP server on 127.0.0.1."""

import socket

import pytest
from django.test import override_settings

from linli.notify.channels.base import Outgoing, PermanentFailure, TemporaryFailure
from linli.notify.channels.email import Email
from linli.notify.testing import SmtpFake

MESSAGE = Outgoing(title="账单提醒", body="您有一张物业费账单待缴。", link="https://linli.example/fees/1", kind="bill")


def smtp_settings(port):
    return override_settings(EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend", EMAIL_HOST="127.0.0.1",
                             EMAIL_PORT=port, EMAIL_HOST_USER="", EMAIL_HOST_PASSWORD="", EMAIL_USE_TLS=False,
                             EMAIL_USE_SSL=False, EMAIL_TIMEOUT=5, DEFAULT_FROM_EMAIL="linli@example.gov.cn")


@pytest.fixture
def smtp(db):
    with SmtpFake(refuse={"nobody@example.com"}) as fake, smtp_settings(fake.port):
        yield fake


def test_a_good_send_reaches_the_server_with_title_body_link_and_key(smtp):
    msgid = Email().send(address="resident@example.com", message=MESSAGE, key="d-1")
    [sent] = smtp.messages
    assert sent["to"] == ["resident@example.com"] and sent["from"] == "linli@example.gov.cn"
    assert sent["key"] == "d-1"
    assert msgid in sent["data"]  # the Message-ID Linli set is the provider id
    assert "https://linli.example/fees/1" in sent["data"]
    assert "Subject: =?utf-8?" in sent["data"]  # the Chinese title, encoded


def test_a_refused_recipient_is_permanent(smtp):
    with pytest.raises(PermanentFailure) as exc:
        Email().send(address="nobody@example.com", message=MESSAGE, key="d-2")
    assert exc.value.code == "smtp_550"
    assert smtp.messages == []


def test_a_deferred_recipient_is_temporary(smtp):
    smtp.fail_next("4xx")
    with pytest.raises(TemporaryFailure) as exc:
        Email().send(address="resident@example.com", message=MESSAGE, key="d-3")
    assert exc.value.code == "smtp_451"
    Email().send(address="resident@example.com", message=MESSAGE, key="d-3")
    assert smtp.keys() == ["d-3"]


def test_a_dropped_connection_is_temporary(smtp):
    smtp.fail_next("disconnect")
    with pytest.raises(TemporaryFailure) as exc:
        Email().send(address="resident@example.com", message=MESSAGE, key="d-4")
    assert exc.value.code == "connection"


def test_a_server_that_is_not_there_is_temporary(db):
    with socket.socket() as sock:  # a port that was free a moment ago: nothing listens there
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with smtp_settings(port):
        with pytest.raises(TemporaryFailure) as exc:
            Email().send(address="resident@example.com", message=MESSAGE, key="d-5")
    assert exc.value.code == "connection"


def test_the_same_key_is_not_sent_twice(smtp):
    Email().send(address="resident@example.com", message=MESSAGE, key="d-once")
    Email().send(address="resident@example.com", message=MESSAGE, key="d-once")
    assert smtp.keys() == ["d-once"]
