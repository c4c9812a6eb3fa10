"""TencentSms against the fake SendSms server, which verifies the TC3-HMAC-SHA256 signature independently."""

import logging

import pytest
from django.test import override_settings

from linli.notify.channels.base import Outgoing, PermanentFailure, TemporaryFailure
from linli.notify.channels.tencent import TencentSms
from linli.notify.testing import TencentSmsFake

PHONE = "13812345678"
MESSAGE = Outgoing(title="您的报修已受理", body="工单 WO-1 已派给物业", link="https://linli.example/w/1", kind="workorder")


@pytest.fixture
def fake():
    with TencentSmsFake(templates={"1001", "1002"}) as server:
        yield server


@pytest.fixture
def configured(fake, db):
    with override_settings(
        LINLI_TENCENT_SMS_SECRET_ID=fake.secret_id, LINLI_TENCENT_SMS_SECRET_KEY=fake.secret_key,
        LINLI_TENCENT_SMS_SDK_APP_ID="1400000000", LINLI_TENCENT_SMS_SIGN_NAME="邻里",
        LINLI_TENCENT_SMS_ENDPOINT=fake.url + "/", LINLI_SMS_TEMPLATES={"default": "1001", "workorder": "1002"},
        LINLI_SMS_TEMPLATE_VARS=["title", "link"], LINLI_SMS_PER_NUMBER_HOUR=5, LINLI_SMS_PER_NUMBER_DAY=10,
        LINLI_NOTIFY_HTTP_TIMEOUT=5,
    ):
        yield fake


def test_a_good_send_is_signed_accepted_and_returns_the_serial_number(configured):
    serial = TencentSms().send(address=PHONE, message=MESSAGE, key="d-1")
    [sent] = configured.messages
    assert serial == sent["provider_id"]
    assert sent["phone"] == "+8613812345678" and sent["sign_name"] == "邻里" and sent["key"] == "d-1"
    assert sent["template"] == "1002"
    assert sent["params"] == ["您的报修已受理", "https://linli.example/w/1"]  # {1}, {2} in LINLI_SMS_TEMPLATE_VARS order


def test_the_same_key_is_not_sent_twice(configured):
    first = TencentSms().send(address=PHONE, message=MESSAGE, key="d-once")
    assert TencentSms().send(address=PHONE, message=MESSAGE, key="d-once") == first
    assert configured.keys() == ["d-once"]


def test_a_wrong_secret_key_is_refused_by_the_fakes_signature_check(configured):
    with override_settings(LINLI_TENCENT_SMS_SECRET_KEY="not-the-key"):
        with pytest.raises(PermanentFailure) as exc:
            TencentSms().send(address=PHONE, message=MESSAGE, key="d-2")
    assert exc.value.code == "AuthFailure.SignatureFailure"
    assert configured.messages == []


@pytest.mark.parametrize("fault, failure, code", [
    ("rate_limited", TemporaryFailure, "LimitExceeded.PhoneNumberDailyLimit"),
    ("hour_limit", TemporaryFailure, "LimitExceeded.PhoneNumberOneHourLimit"),
    ("balance", TemporaryFailure, "FailedOperation.InsufficientBalanceInSmsPackage"),
    ("busy", TemporaryFailure, "InternalError.Timeout"),
    ("throttled", TemporaryFailure, "RequestLimitExceeded"),
    ("5xx", TemporaryFailure, "http_5xx"),
    ("invalid_number", PermanentFailure, "InvalidParameterValue.IncorrectPhoneNumber"),
    ("template", PermanentFailure, "FailedOperation.TemplateIncorrectOrUnapproved"),
    ("signature", PermanentFailure, "FailedOperation.SignatureIncorrectOrUnapproved"),
    ("bad_key", PermanentFailure, "AuthFailure.SecretIdNotFound"),
])
def test_each_provider_error_becomes_the_right_failure(configured, fault, failure, code):
    configured.fail_next(fault)
    with pytest.raises(failure) as exc:
        TencentSms().send(address=PHONE, message=MESSAGE, key=f"d-{fault}")
    assert type(exc.value) is failure and exc.value.code == code
    assert configured.messages == []
    assert TencentSms().send(address=PHONE, message=MESSAGE, key=f"d-{fault}")
    assert configured.keys() == [f"d-{fault}"]


def test_limits_of_the_provider_say_when_to_try_again(configured):
    configured.fail_next("hour_limit")
    with pytest.raises(TemporaryFailure) as exc:
        TencentSms().send(address=PHONE, message=MESSAGE, key="d-3")
    assert exc.value.retry_after == 3600
    configured.fail_next("rate_limited")
    with pytest.raises(TemporaryFailure) as exc:
        TencentSms().send(address=PHONE, message=MESSAGE, key="d-3")
    assert 0 < exc.value.retry_after <= 24 * 3600  # to the end of the local day


def test_an_invalid_number_and_an_unapproved_template_are_refused_by_the_fakes_checks(configured):
    with pytest.raises(PermanentFailure) as exc:
        TencentSms().send(address="12345", message=MESSAGE, key="d-4")
    assert exc.value.code == "InvalidParameterValue.IncorrectPhoneNumber"
    with override_settings(LINLI_SMS_TEMPLATES={"default": "9999"}):
        with pytest.raises(PermanentFailure) as exc:
            TencentSms().send(address=PHONE, message=MESSAGE, key="d-5")
    assert exc.value.code == "FailedOperation.TemplateIncorrectOrUnapproved"


def test_a_slow_provider_is_a_timeout_to_try_again(configured):
    configured.slow_seconds = 2
    configured.fail_next("slow")
    with override_settings(LINLI_NOTIFY_HTTP_TIMEOUT=0.3):
        with pytest.raises(TemporaryFailure) as exc:
            TencentSms().send(address=PHONE, message=MESSAGE, key="d-6")
    assert exc.value.code == "timeout"


def test_the_number_is_never_logged_in_clear(configured, caplog):
    configured.fail_next("invalid_number")
    with caplog.at_level(logging.DEBUG, logger="linli"):
        with pytest.raises(PermanentFailure):
            TencentSms().send(address=PHONE, message=MESSAGE, key="d-7")
        TencentSms().send(address=PHONE, message=MESSAGE, key="d-8")
    assert "138****5678" in caplog.text
    assert PHONE not in caplog.text
