"""Per-number SMS limits, counted in Django's cache before the provider is called."""

import logging

import pytest
from django.test import override_settings

from linli.notify.channels.aliyun import AliyunSms
from linli.notify.channels.base import Outgoing, PermanentFailure, TemporaryFailure
from linli.notify.channels.sms import normalize_number
from linli.notify.channels.tencent import TencentSms
from linli.notify.testing import AliyunSmsFake, TencentSmsFake

PHONE = "13812345678"
MESSAGE = Outgoing(title="通知", kind="notice")


@pytest.fixture
def aliyun(db):
    with AliyunSmsFake() as fake, override_settings(
        LINLI_ALIYUN_SMS_ACCESS_KEY_ID=fake.key_id, LINLI_ALIYUN_SMS_ACCESS_KEY_SECRET=fake.secret,
        LINLI_ALIYUN_SMS_SIGN_NAME="邻里", LINLI_ALIYUN_SMS_ENDPOINT=fake.url + "/",
        LINLI_SMS_TEMPLATES={"default": "SMS_100"}, LINLI_SMS_PER_NUMBER_HOUR=2, LINLI_SMS_PER_NUMBER_DAY=3,
    ):
        yield fake


def test_the_hour_limit_stops_the_third_message_before_the_provider(aliyun, caplog):
    channel = AliyunSms()
    channel.send(address=PHONE, message=MESSAGE, key="k1")
    channel.send(address="+86 138-1234-5678", message=MESSAGE, key="k2")  # the same number, written otherwise
    with caplog.at_level(logging.INFO, logger="linli"):
        with pytest.raises(TemporaryFailure) as exc:
            channel.send(address=PHONE, message=MESSAGE, key="k3")
    assert exc.value.code == "rate_limited"
    assert 0 < exc.value.retry_after <= 3600  # to the end of the clock hour
    assert aliyun.keys() == ["k1", "k2"]  # the provider never saw the third
    assert PHONE not in caplog.text and "138****5678" in caplog.text
    channel.send(address="13900001111", message=MESSAGE, key="k4")  # another number is not limited
    assert aliyun.keys() == ["k1", "k2", "k4"]


def test_the_day_limit_says_to_wait_until_the_day_ends(aliyun):
    with override_settings(LINLI_SMS_PER_NUMBER_HOUR=0, LINLI_SMS_PER_NUMBER_DAY=1):
        AliyunSms().send(address=PHONE, message=MESSAGE, key="k1")
        with pytest.raises(TemporaryFailure) as exc:
            AliyunSms().send(address=PHONE, message=MESSAGE, key="k2")
    assert exc.value.code == "rate_limited"
    assert 0 < exc.value.retry_after <= 24 * 3600
    assert aliyun.keys() == ["k1"]


def test_a_message_the_provider_refused_does_not_count(aliyun):
    aliyun.fail_next("template", times=3)
    for n in range(3):
        with pytest.raises(PermanentFailure):
            AliyunSms().send(address=PHONE, message=MESSAGE, key=f"refused-{n}")
    AliyunSms().send(address=PHONE, message=MESSAGE, key="k1")
    AliyunSms().send(address=PHONE, message=MESSAGE, key="k2")
    assert aliyun.keys() == ["k1", "k2"]


def test_a_refused_over_limit_attempt_does_not_use_up_the_next_window(aliyun):
    """Attempts refused by the limit are given back: the count stays at the limit, not above it."""
    channel = AliyunSms()
    channel.send(address=PHONE, message=MESSAGE, key="k1")
    channel.send(address=PHONE, message=MESSAGE, key="k2")
    for _ in range(3):
        with pytest.raises(TemporaryFailure):
            channel.send(address=PHONE, message=MESSAGE, key="k3")
    with override_settings(LINLI_SMS_PER_NUMBER_HOUR=3):
        channel.send(address=PHONE, message=MESSAGE, key="k3")
    assert aliyun.keys() == ["k1", "k2", "k3"]


def test_the_limits_are_shared_by_both_providers(aliyun):
    with TencentSmsFake() as tencent, override_settings(
        LINLI_TENCENT_SMS_SECRET_ID=tencent.secret_id, LINLI_TENCENT_SMS_SECRET_KEY=tencent.secret_key,
        LINLI_TENCENT_SMS_SDK_APP_ID="1400000000", LINLI_TENCENT_SMS_SIGN_NAME="邻里",
        LINLI_TENCENT_SMS_ENDPOINT=tencent.url + "/",
    ):
        AliyunSms().send(address=PHONE, message=MESSAGE, key="k1")
        TencentSms().send(address=PHONE, message=MESSAGE, key="k2")
        with pytest.raises(TemporaryFailure) as exc:
            TencentSms().send(address=PHONE, message=MESSAGE, key="k3")
        assert exc.value.code == "rate_limited"
        assert tencent.keys() == ["k2"]


def test_numbers_are_compared_without_their_country_code():
    assert normalize_number("+86 138 1234 5678") == normalize_number("008613812345678") == PHONE
