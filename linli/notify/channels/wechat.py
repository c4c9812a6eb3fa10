"""WeChat Official Account (公众号) template messages (模板消息), without an SDK.

``POST {api}/cgi-bin/message/template/send?access_token=…`` with touser (the resident's openid, bound from the H5
page: linli/notify/bind_views.py), template_id (by the message's kind, from LINLI_WECHAT_TEMPLATES), url (the
message's link) and data ({first, keyword1 …, remark} by default, LINLI_WECHAT_TEMPLATE_FIELDS). The access token
comes from ``{api}/cgi-bin/token?grant_type=client_credential``; it is kept in Django's cache (shared by every
process) until five minutes before ``expires_in``. An answer that says the token is invalid or expired (40001,
42001, 40014) makes one refresh and one more try.

Settings: LINLI_WECHAT_APP_ID, LINLI_WECHAT_APP_SECRET, LINLI_WECHAT_API (https://api.weixin.qq.com),
LINLI_WECHAT_TEMPLATES, LINLI_WECHAT_TEMPLATE_FIELDS. See docs/notifications-channels.md.
"""

from __future__ import annotations

import json
import logging
import urllib.parse

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext

from .base import Channel, Outgoing, PermanentFailure, TemporaryFailure, mask_address
from .common import already_sent, by_kind, http, json_or_none, mark_sent, seconds_to_local_midnight

log = logging.getLogger("linli.notify")

DEFAULT_API = "https://api.weixin.qq.com"
TOKEN_INVALID = {40001, 42001, 40014}  # invalid credential / access_token expired / invalid access_token
TEMPORARY = {-1, 45009, 45011}  # system busy / daily API quota reached / API minute limit
PERMANENT = {43004, 40003, 40037, 47003, 43101, 40036, 41028, 40013, 40125, 40164, 41001, 41002, 41004}
DEFAULT_FIELDS = {"first": "title", "keyword1": "body", "keyword2": "time", "remark": "hint"}
TOKEN_MARGIN = 300


def api_base() -> str:
    return (getattr(settings, "LINLI_WECHAT_API", "") or DEFAULT_API).rstrip("/")


def configured() -> bool:
    return bool(getattr(settings, "LINLI_WECHAT_APP_ID", "") and getattr(settings, "LINLI_WECHAT_APP_SECRET", ""))


def classify(errcode: int, errmsg: str) -> Exception:
    code = str(errcode)
    if errcode == 45009:
        return TemporaryFailure(code, errmsg, retry_after=seconds_to_local_midnight())
    if errcode in TEMPORARY or errcode in TOKEN_INVALID:
        return TemporaryFailure(code, errmsg, retry_after=60 if errcode == 45011 else None)
    return PermanentFailure(code, errmsg)


def _get_json(url: str) -> dict:
    status, raw = http("GET", url)
    data = json_or_none(raw)
    if not isinstance(data, dict):
        if status >= 500:
            raise TemporaryFailure("http_5xx", f"HTTP {status}")
        raise TemporaryFailure("bad_answer", f"HTTP {status} without JSON")
    return data


def _token_key() -> str:
    return f"notify:wechat:token:{getattr(settings, 'LINLI_WECHAT_APP_ID', '')}"


def access_token(*, refresh: bool = False) -> str:
    """The Official Account's access token, from the cache unless ``refresh`` (or absent)."""
    if not refresh:
        try:
            token = cache.get(_token_key())
        except Exception:  # a cache that is down: fetch a token (it replaces the others' until the cache is back)
            log.warning("wechat: cache unavailable, fetching a token")
            token = None
        if token:
            return token
    query = urllib.parse.urlencode({"grant_type": "client_credential", "appid": settings.LINLI_WECHAT_APP_ID,
                                    "secret": settings.LINLI_WECHAT_APP_SECRET})
    data = _get_json(f"{api_base()}/cgi-bin/token?{query}")
    token = data.get("access_token")
    if not token:
        raise classify(int(data.get("errcode", 0) or 0), str(data.get("errmsg", ""))[:200])
    expires_in = int(data.get("expires_in", 7200) or 7200)
    try:
        cache.set(_token_key(), token, max(60, expires_in - TOKEN_MARGIN))
    except Exception:
        log.warning("wechat: cache unavailable, token not kept")
    log.info("wechat: access token fetched (expires in %ss)", expires_in)
    return token


def template_data(message: Outgoing) -> dict:
    now = timezone.localtime()
    sources = {"title": message.title, "body": message.body or message.title, "link": message.link,
               "kind": message.kind, "time": f"{now:%Y-%m-%d %H:%M}",
               "hint": gettext("点击查看详情") if message.link else ""}
    fields = getattr(settings, "LINLI_WECHAT_TEMPLATE_FIELDS", None) or DEFAULT_FIELDS
    max_chars = int(getattr(settings, "LINLI_WECHAT_VALUE_MAX_CHARS", 200))
    data = {}
    for field, source in fields.items():
        value = str(sources.get(source, source))  # an unknown source is literal text
        data[field] = {"value": value if len(value) <= max_chars else value[: max_chars - 1] + "…"}
    return data


class WeChatTemplate(Channel):
    name = "wechat"

    def send(self, *, address: str, message: Outgoing, key: str) -> str:
        done = already_sent("wechat", key)
        if done:
            return done
        if not configured():
            raise PermanentFailure("not_configured", "WeChat AppID or AppSecret missing")
        template_id = by_kind(getattr(settings, "LINLI_WECHAT_TEMPLATES", {}), message.kind)
        if not template_id:
            raise PermanentFailure("not_configured", f"no WeChat template for kind {message.kind or 'default'!r}")
        payload = {"touser": address, "template_id": template_id, "data": template_data(message)}
        if message.link:
            payload["url"] = message.link
        body = json.dumps(payload, ensure_ascii=False).encode()
        answer = self._post(access_token(), body)
        if int(answer.get("errcode", 0) or 0) in TOKEN_INVALID:
            log.info("wechat: token refused (%s), refreshing once", answer.get("errcode"))
            answer = self._post(access_token(refresh=True), body)
        errcode = int(answer.get("errcode", 0) or 0)
        if errcode == 0:
            msgid = str(answer.get("msgid", ""))
            mark_sent("wechat", key, msgid)
            log.info("wechat: sent to %s (%s)", mask_address(address), msgid)
            return msgid
        errmsg = str(answer.get("errmsg", ""))[:200]
        log.warning("wechat: %s refused (%s: %s)", mask_address(address), errcode, errmsg)
        raise classify(errcode, errmsg)

    def _post(self, token: str, body: bytes) -> dict:
        url = f"{api_base()}/cgi-bin/message/template/send?{urllib.parse.urlencode({'access_token': token})}"
        status, raw = http("POST", url, body=body, headers={"Content-Type": "application/json; charset=utf-8"})
        data = json_or_none(raw)
        if not isinstance(data, dict):
            if status >= 500:
                raise TemporaryFailure("http_5xx", f"HTTP {status}")
            raise TemporaryFailure("bad_answer", f"HTTP {status} without JSON")
        return data


def openid_for_code(code: str) -> str:
    """The openid of the user who came back from the OAuth page (snsapi_base) with ``code``.
    Raises TemporaryFailure/PermanentFailure like a send."""
    query = urllib.parse.urlencode({"appid": settings.LINLI_WECHAT_APP_ID, "secret": settings.LINLI_WECHAT_APP_SECRET,
                                    "code": code, "grant_type": "authorization_code"})
    data = _get_json(f"{api_base()}/sns/oauth2/access_token?{query}")
    if data.get("openid"):
        return str(data["openid"])
    raise classify(int(data.get("errcode", 0) or 0), str(data.get("errmsg", ""))[:200])
