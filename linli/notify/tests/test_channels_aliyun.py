"""AliyunSms against the fake dysmsapi server, which verifies the signature independently."""

import logging

import pytest
from django.test import override_settings

from linli.notify.channels.aliyun import AliyunSms
from linli.notify.channels.base import Outgoing, PermanentFailure, TemporaryFailure
from linli.notify.testing import AliyunSmsFake

PHONE = "13812345678"
MESSAGE = Outgoing(title="您的报修已受理", body="工单 WO-1 已派给物业", link="https://linli.example/w/1", kind="workorder")


@pytest.fixture
def fake():
    with AliyunSmsFake(templates={"SMS_100", "SMS_200"}) as server:
        yield server


@pytest.fixture
def configured(fake, db):
    with override_settings(
        LINLI_ALIYUN_SMS_ACCESS_KEY_ID=fake.key_id, LINLI_ALIYUN_SMS_ACCESS_KEY_SECRET=fake.secret,
        LINLI_ALIYUN_SMS_SIGN_NAME="邻里", LINLI_ALIYUN_SMS_ENDPOINT=fake.url + "/",
        LINLI_SMS_TEMPLATES={"default": "SMS_100", "workorder": "SMS_200"}, LINLI_SMS_TEMPLATE_VARS=["title", "link"],
        LINLI_SMS_PER_NUMBER_HOUR=5, LINLI_SMS_PER_NUMBER_DAY=10, LINLI_NOTIFY_HTTP_TIMEOUT=5,
    ):
        yield fake


def test_a_good_send_is_signed_accepted_and_returns_the_bizid(configured):
    biz_id = AliyunSms().send(address=PHONE, message=MESSAGE, key="d-1")
    [sent] = configured.messages
    assert biz_id == sent["provider_id"]
    assert sent["phone"] == PHONE and sent["sign_name"] == "邻里" and sent["key"] == "d-1"
    assert sent["template"] == "SMS_200"  # chosen by the message's kind
    assert sent["params"] == {"title": "您的报修已受理", "link": "https://linli.example/w/1"}


def test_a_kind_without_its_own_template_uses_the_default(configured):
    AliyunSms().send(address="+86 138 1234 5678", message=Outgoing(title="公示", kind="notice"), key="d-2")
    assert configured.messages[0]["template"] == "SMS_100"
    assert configured.messages[0]["phone"] == PHONE  # written any way, sent as 11 digits


def test_the_same_key_is_not_sent_twice(configured):
    first = AliyunSms().send(address=PHONE, message=MESSAGE, key="d-once")
    again = AliyunSms().send(address=PHONE, message=MESSAGE, key="d-once")
    assert again == first
    assert configured.keys() == ["d-once"]


def test_a_wrong_secret_is_refused_by_the_fakes_signature_check(configured):
    with override_settings(LINLI_ALIYUN_SMS_ACCESS_KEY_SECRET="not-the-secret"):
        with pytest.raises(PermanentFailure) as exc:
            AliyunSms().send(address=PHONE, message=MESSAGE, key="d-3")
    assert exc.value.code == "SignatureDoesNotMatch"
    assert configured.messages == []


@pytest.mark.parametrize("fault, failure, code", [
    ("rate_limited", TemporaryFailure, "isv.BUSINESS_LIMIT_CONTROL"),
    ("day_limit", TemporaryFailure, "isv.DAY_LIMIT_CONTROL"),
    ("busy", TemporaryFailure, "isp.SYSTEM_ERROR"),
    ("throttled", TemporaryFailure, "Throttling.User"),
    ("5xx", TemporaryFailure, "http_5xx"),
    ("invalid_number", PermanentFailure, "isv.MOBILE_NUMBER_ILLEGAL"),
    ("template", PermanentFailure, "isv.SMS_TEMPLATE_ILLEGAL"),
    ("signature", PermanentFailure, "isv.SMS_SIGNATURE_ILLEGAL"),
    ("bad_key", PermanentFailure, "InvalidAccessKeyId.NotFound"),
])
def test_each_provider_error_becomes_the_right_failure(configured, fault, failure, code):
    configured.fail_next(fault)
    with pytest.raises(failure) as exc:
        AliyunSms().send(address=PHONE, message=MESSAGE, key=f"d-{fault}")
    assert type(exc.value) is failure and exc.value.code == code
    assert configured.messages == []
    # the fault was for one request only: the retry goes out
    assert AliyunSms().send(address=PHONE, message=MESSAGE, key=f"d-{fault}")
    assert configured.keys() == [f"d-{fault}"]


def test_a_number_limit_of_the_provider_says_when_to_try_again(configured):
    configured.fail_next("rate_limited")  # 触发小时级流控
    with pytest.raises(TemporaryFailure) as exc:
        AliyunSms().send(address=PHONE, message=MESSAGE, key="d-4")
    assert exc.value.retry_after == 3600


def test_an_invalid_number_is_refused_by_the_provider_check(configured):
    with pytest.raises(PermanentFailure) as exc:
        AliyunSms().send(address="12345", message=MESSAGE, key="d-5")
    assert exc.value.code == "isv.MOBILE_NUMBER_ILLEGAL"


def test_an_unapproved_template_is_permanent(configured):
    with override_settings(LINLI_SMS_TEMPLATES={"default": "SMS_999"}):
        with pytest.raises(PermanentFailure) as exc:
            AliyunSms().send(address=PHONE, message=MESSAGE, key="d-6")
    assert exc.value.code == "isv.SMS_TEMPLATE_ILLEGAL"


def test_a_slow_provider_is_a_timeout_to_try_again(configured):
    configured.slow_seconds = 2
    configured.fail_next("slow")
    with override_settings(LINLI_NOTIFY_HTTP_TIMEOUT=0.3):
        with pytest.raises(TemporaryFailure) as exc:
            AliyunSms().send(address=PHONE, message=MESSAGE, key="d-7")
    assert exc.value.code == "timeout"


def test_a_provider_that_is_down_is_a_connection_failure(configured):
    configured.stop()
    with pytest.raises(TemporaryFailure) as exc:
        AliyunSms().send(address=PHONE, message=MESSAGE, key="d-8")
    assert exc.value.code == "connection"


def test_missing_keys_are_a_permanent_configuration_failure(db):
    with override_settings(LINLI_ALIYUN_SMS_ACCESS_KEY_ID="", LINLI_SMS_TEMPLATES={"default": "SMS_100"},
                           LINLI_SMS_PER_NUMBER_HOUR=0, LINLI_SMS_PER_NUMBER_DAY=0):
        with pytest.raises(PermanentFailure) as exc:
            AliyunSms().send(address=PHONE, message=MESSAGE, key="d-9")
    assert exc.value.code == "not_configured"


def test_the_number_is_never_logged_in_clear(configured, caplog):
    configured.fail_next("invalid_number")
    with caplog.at_level(logging.DEBUG, logger="linli"):
        with pytest.raises(PermanentFailure):
            AliyunSms().send(address=PHONE, message=MESSAGE, key="d-10")
        AliyunSms().send(address=PHONE, message=MESSAGE, key="d-11")
    assert "138****5678" in caplog.text
    assert PHONE not in caplog.text


def test_a_sign_in_code_goes_to_its_template_as_its_one_variable(configured):
    with override_settings(LINLI_SMS_TEMPLATES={"default": "SMS_100", "signin_code": "SMS_200"}):
        AliyunSms().send(address=PHONE, message=Outgoing(title="【邻里】您的登录验证码是 123456", kind="signin_code",
                                                         code="123456"), key="signin:1")
    [sent] = configured.messages
    assert sent["template"] == "SMS_200" and sent["params"] == {"code": "123456"}
