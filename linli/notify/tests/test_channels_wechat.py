"""WeChatTemplate against the fake Official Account API: the token cached and refreshed, the error codes."""

import pytest
from django.core.cache import cache
from django.test import override_settings

from linli.notify.channels.base import Outgoing, PermanentFailure, TemporaryFailure
from linli.notify.channels.wechat import WeChatTemplate, _token_key
from linli.notify.testing import WeChatFake

OPENID = "o6_bmjrPTlm6_2sgVt7hMZOPfL2M"
MESSAGE = Outgoing(title="您的报修已受理", body="工单 WO-1 已派给物业", link="https://linli.example/w/1", kind="workorder")


@pytest.fixture
def fake():
    with WeChatFake(templates={"TPL_DEFAULT", "TPL_ORDER"}, openids={OPENID, "o-other"},
                    unsubscribed={"o-other"}) as server:
        yield server


@pytest.fixture
def configured(fake, db):
    with override_settings(LINLI_WECHAT_APP_ID=fake.appid, LINLI_WECHAT_APP_SECRET=fake.secret,
                           LINLI_WECHAT_API=fake.url, LINLI_NOTIFY_HTTP_TIMEOUT=5,
                           LINLI_WECHAT_TEMPLATES={"default": "TPL_DEFAULT", "workorder": "TPL_ORDER"},
                           LINLI_WECHAT_TEMPLATE_FIELDS={"first": "title", "keyword1": "body", "keyword2": "time",
                                                         "remark": "hint"}):
        cache.delete(_token_key())
        yield fake


def test_a_good_send_carries_openid_template_link_and_data(configured):
    msgid = WeChatTemplate().send(address=OPENID, message=MESSAGE, key="d-1")
    [sent] = configured.messages
    assert msgid == sent["provider_id"]
    assert sent["touser"] == OPENID and sent["template_id"] == "TPL_ORDER" and sent["url"] == MESSAGE.link
    assert sent["data"]["first"] == {"value": "您的报修已受理"}
    assert sent["data"]["keyword1"] == {"value": "工单 WO-1 已派给物业"}
    assert sent["data"]["remark"]["value"]  # "点击查看详情" under a link
    assert set(sent["data"]) == {"first", "keyword1", "keyword2", "remark"}


def test_the_token_is_fetched_once_for_two_sends(configured):
    WeChatTemplate().send(address=OPENID, message=MESSAGE, key="d-1")
    WeChatTemplate().send(address=OPENID, message=Outgoing(title="公示", kind="notice"), key="d-2")
    assert configured.token_requests == 1
    assert [m["template_id"] for m in configured.messages] == ["TPL_ORDER", "TPL_DEFAULT"]


def test_an_expired_token_is_refreshed_once_and_the_send_retried(configured):
    WeChatTemplate().send(address=OPENID, message=MESSAGE, key="d-1")
    configured.fail_next("token_expired")  # 42001 on the next send
    msgid = WeChatTemplate().send(address=OPENID, message=MESSAGE, key="d-2")
    assert configured.token_requests == 2
    assert msgid == configured.messages[-1]["provider_id"]
    assert len(configured.messages) == 2


def test_a_token_replaced_elsewhere_is_refreshed(configured):
    WeChatTemplate().send(address=OPENID, message=MESSAGE, key="d-1")
    configured.token = "someone-else-fetched-a-new-one"  # our cached token is no longer the latest: 40001
    WeChatTemplate().send(address=OPENID, message=MESSAGE, key="d-2")
    assert configured.token_requests == 2 and len(configured.messages) == 2


def test_a_token_refused_twice_is_a_temporary_failure_with_one_refresh_only(configured):
    WeChatTemplate().send(address=OPENID, message=MESSAGE, key="d-1")
    configured.fail_next("token_expired")
    configured.fail_next("token_invalid")
    with pytest.raises(TemporaryFailure) as exc:
        WeChatTemplate().send(address=OPENID, message=MESSAGE, key="d-2")
    assert exc.value.code == "40001"
    assert configured.token_requests == 2  # one refresh, not a loop


@pytest.mark.parametrize("fault, failure, code", [
    ("busy", TemporaryFailure, "-1"),
    ("rate_limited", TemporaryFailure, "45009"),
    ("5xx", TemporaryFailure, "http_5xx"),
    ("unsubscribed", PermanentFailure, "43004"),
    ("invalid_openid", PermanentFailure, "40003"),
    ("template", PermanentFailure, "40037"),
])
def test_each_error_code_becomes_the_right_failure(configured, fault, failure, code):
    configured.fail_next(fault)
    with pytest.raises(failure) as exc:
        WeChatTemplate().send(address=OPENID, message=MESSAGE, key="d-1")
    assert type(exc.value) is failure and exc.value.code == code
    assert configured.messages == []


def test_the_fakes_own_checks_refuse_an_unknown_openid_an_unsubscribed_user_and_a_wrong_template(configured):
    with pytest.raises(PermanentFailure) as exc:
        WeChatTemplate().send(address="o-unknown", message=MESSAGE, key="d-1")
    assert exc.value.code == "40003"
    with pytest.raises(PermanentFailure) as exc:
        WeChatTemplate().send(address="o-other", message=MESSAGE, key="d-2")
    assert exc.value.code == "43004"
    with override_settings(LINLI_WECHAT_TEMPLATES={"default": "TPL_GONE"}):
        with pytest.raises(PermanentFailure) as exc:
            WeChatTemplate().send(address=OPENID, message=MESSAGE, key="d-3")
    assert exc.value.code == "40037"


def test_a_wrong_secret_is_permanent(configured):
    with override_settings(LINLI_WECHAT_APP_SECRET="wrong"):
        with pytest.raises(PermanentFailure) as exc:
            WeChatTemplate().send(address=OPENID, message=MESSAGE, key="d-1")
    assert exc.value.code == "40125"


def test_the_same_key_is_not_sent_twice(configured):
    first = WeChatTemplate().send(address=OPENID, message=MESSAGE, key="d-once")
    assert WeChatTemplate().send(address=OPENID, message=MESSAGE, key="d-once") == first
    assert len(configured.messages) == 1


def test_without_configuration_the_send_is_refused_as_not_configured(db):
    with override_settings(LINLI_WECHAT_APP_ID="", LINLI_WECHAT_APP_SECRET=""):
        with pytest.raises(PermanentFailure) as exc:
            WeChatTemplate().send(address=OPENID, message=MESSAGE, key="d-1")
    assert exc.value.code == "not_configured"
