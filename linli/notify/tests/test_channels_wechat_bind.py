"""Binding the WeChat openid from the H5 page: OAuth snsapi_base with a signed, single-use, session-bound state."""

import time
import urllib.parse

import pytest
from django.core import signing
from django.test import Client, override_settings

from linli.notify.models import WeChatBinding
from linli.notify.testing import WeChatFake

BIND, DONE, UNBIND = "/notify/wechat/bind/", "/notify/wechat/bind/done/", "/notify/wechat/bind/unbind/"
AUTHORIZE = "https://open.weixin.qq.com/connect/oauth2/authorize"
OPENID = "o6_bmjrPTlm6_2sgVt7hMZOPfL2M"


@pytest.fixture
def fake():
    with WeChatFake() as server, override_settings(
        LINLI_WECHAT_APP_ID=server.appid, LINLI_WECHAT_APP_SECRET=server.secret, LINLI_WECHAT_API=server.url,
        LINLI_WECHAT_AUTHORIZE_URL=AUTHORIZE, LINLI_PUBLIC_URL="https://linli.example.gov.cn",
    ):
        yield server


def start(client) -> dict:
    response = client.get(BIND)
    assert response.status_code == 302
    url = urllib.parse.urlsplit(response["Location"])
    assert f"{url.scheme}://{url.netloc}{url.path}" == AUTHORIZE and url.fragment == "wechat_redirect"
    return dict(urllib.parse.parse_qsl(url.query))


def test_a_stranger_is_sent_to_sign_in(fake, db):
    for response in (Client().get(BIND), Client().get(DONE + "?code=c&state=s"), Client().post(UNBIND)):
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert not WeChatBinding.objects.exists()


def test_the_page_says_so_when_wechat_is_not_configured(client_for):
    with override_settings(LINLI_WECHAT_APP_ID="", LINLI_WECHAT_APP_SECRET=""):
        response = client_for("resident_a").get(BIND)
    assert response.status_code == 200
    assert "尚未配置微信公众号" in response.content.decode()


def test_a_resident_binds_through_the_oauth_page(fake, client_for, world):
    client = client_for("resident_a")
    query = start(client)
    assert query["appid"] == fake.appid and query["scope"] == "snsapi_base" and query["response_type"] == "code"
    assert query["redirect_uri"] == "https://linli.example.gov.cn" + DONE
    assert len(query["state"].encode()) <= 128  # WeChat's limit
    fake.codes["CODE-1"] = OPENID
    response = client.get(DONE, {"code": "CODE-1", "state": query["state"]})
    assert response.status_code == 200
    page = response.content.decode()
    assert "微信绑定成功" in page and "/notify/settings/" in page and OPENID not in page  # shown masked
    assert WeChatBinding.objects.get(user=world.resident_a).openid == OPENID


def test_a_forged_state_is_refused(fake, client_for):
    client = client_for("resident_a")
    start(client)
    fake.codes["CODE-1"] = OPENID
    forged = signing.TimestampSigner(salt="linli.notify.wechat_bind").sign("guessed-nonce")
    for state in ("", "abc", forged):
        response = client.get(DONE, {"code": "CODE-1", "state": state})
        assert response.status_code == 400
    assert not WeChatBinding.objects.exists()
    assert "CODE-1" in fake.codes  # the code was never exchanged


def test_a_state_is_used_once(fake, client_for):
    client = client_for("resident_a")
    state = start(client)["state"]
    fake.codes.update({"CODE-1": OPENID, "CODE-2": "o-second"})
    assert client.get(DONE, {"code": "CODE-1", "state": state}).status_code == 200
    assert client.get(DONE, {"code": "CODE-2", "state": state}).status_code == 400
    assert list(WeChatBinding.objects.values_list("openid", flat=True)) == [OPENID]


def test_a_state_from_another_session_is_refused(fake, client_for):
    state = start(client_for("resident_a"))["state"]
    other = client_for("community_admin")
    start(other)  # the other user has a state of their own, not this one
    fake.codes["CODE-1"] = OPENID
    assert other.get(DONE, {"code": "CODE-1", "state": state}).status_code == 400
    assert not WeChatBinding.objects.exists()


def test_an_expired_state_is_refused(fake, client_for, monkeypatch):
    client = client_for("resident_a")
    real = time.time
    monkeypatch.setattr(signing.time, "time", lambda: real() - 3600)  # the state was made an hour ago
    state = start(client)["state"]
    monkeypatch.setattr(signing.time, "time", real)
    fake.codes["CODE-1"] = OPENID
    assert client.get(DONE, {"code": "CODE-1", "state": state}).status_code == 400
    assert not WeChatBinding.objects.exists()


def test_an_openid_bound_to_another_user_is_refused(fake, client_for, world):
    WeChatBinding.objects.create(user=world.community_admin, openid=OPENID)
    client = client_for("resident_a")
    state = start(client)["state"]
    fake.codes["CODE-1"] = OPENID
    response = client.get(DONE, {"code": "CODE-1", "state": state})
    assert response.status_code == 409
    assert "已绑定另一个邻里账号" in response.content.decode()
    assert WeChatBinding.objects.get(openid=OPENID).user == world.community_admin
    assert not WeChatBinding.objects.filter(user=world.resident_a).exists()


def test_binding_again_replaces_the_users_openid(fake, client_for, world):
    WeChatBinding.objects.create(user=world.resident_a, openid="o-old")
    client = client_for("resident_a")
    state = start(client)["state"]
    fake.codes["CODE-1"] = OPENID
    assert client.get(DONE, {"code": "CODE-1", "state": state}).status_code == 200
    assert list(WeChatBinding.objects.values_list("openid", flat=True)) == [OPENID]


def test_an_invalid_code_is_reported_and_binds_nothing(fake, client_for):
    client = client_for("resident_a")
    state = start(client)["state"]
    response = client.get(DONE, {"code": "NOT-A-CODE", "state": state})
    assert response.status_code == 502
    assert not WeChatBinding.objects.exists()


def test_unbind_is_a_post_of_the_signed_in_user(fake, client_for, world):
    WeChatBinding.objects.create(user=world.resident_a, openid=OPENID)
    WeChatBinding.objects.create(user=world.community_admin, openid="o-admin")
    client = client_for("resident_a")
    assert client.get(UNBIND).status_code == 405
    response = client.post(UNBIND)
    assert response.status_code == 200 and "已解除微信绑定" in response.content.decode()
    assert list(WeChatBinding.objects.values_list("openid", flat=True)) == ["o-admin"]
