"""Binding the openid of a signed-in user through the Official Account's OAuth page (scope snsapi_base: silent,
no confirmation screen, only the openid).

``/notify/wechat/bind/`` sends the user to WeChat's authorize URL with a ``state`` that is signed, expires after
ten minutes and is kept in the user's session: the callback ``/notify/wechat/bind/done/`` accepts it once, from the
same session (a forged, expired, reused or foreign state is refused: CSRF). The code is exchanged for the openid at
``{api}/sns/oauth2/access_token`` and written to ``WeChatBinding`` (one per user; an openid already bound to another
user is refused). ``/notify/wechat/bind/unbind/`` (POST) removes the binding.
"""

import logging
import secrets
import urllib.parse

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from linli.core.errors import Conflict

from . import services
from .channels import wechat
from .channels.base import ChannelError
from .models import Channel, WeChatBinding

log = logging.getLogger("linli.notify")

STATE_SALT = "linli.notify.wechat_bind"
SESSION_KEY = "notify_wechat_bind_state"
STATE_MAX_AGE = 600  # seconds


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=STATE_SALT)


def _page(request, *, status=200, **context):
    binding = WeChatBinding.objects.filter(user=request.user).first()
    context.update(binding=binding, masked_openid=_masked(binding.openid) if binding else "",
                   configured=wechat.configured(), settings_path=reverse("notify:settings"))
    return render(request, "notify/wechat_bind.html", context, status=status)


def _masked(openid: str) -> str:
    return services.masked_address(Channel.WECHAT, openid)


def callback_url(request) -> str:
    path = reverse("notify_wechat:bind_done")
    public = getattr(settings, "LINLI_PUBLIC_URL", "").rstrip("/")
    return f"{public}{path}" if public else request.build_absolute_uri(path)


@login_required
def bind_start(request):
    if not wechat.configured():
        return _page(request)
    nonce = secrets.token_urlsafe(16)
    request.session[SESSION_KEY] = nonce
    # WeChat wants the parameters in this order and the #wechat_redirect fragment; state is at most 128 bytes.
    query = urllib.parse.urlencode([("appid", settings.LINLI_WECHAT_APP_ID), ("redirect_uri", callback_url(request)),
                                    ("response_type", "code"), ("scope", "snsapi_base"),
                                    ("state", _signer().sign(nonce))])
    return redirect(f"{settings.LINLI_WECHAT_AUTHORIZE_URL}?{query}#wechat_redirect")


@login_required
def bind_done(request):
    expected = request.session.pop(SESSION_KEY, None)  # single use, whatever comes next
    try:
        nonce = _signer().unsign(request.GET.get("state", ""), max_age=STATE_MAX_AGE)
    except signing.BadSignature:  # also SignatureExpired
        nonce = None
    if not (expected and nonce and constant_time_compare(nonce, expected)):
        return _page(request, status=400, error=_("绑定链接无效或已过期，请重新点击“绑定微信”。"))
    code = request.GET.get("code", "")
    if not code:
        return _page(request, status=400, error=_("未获得微信授权，绑定没有完成。"))
    if not wechat.configured():
        return _page(request)
    try:
        openid = wechat.openid_for_code(code)
    except ChannelError as exc:
        log.warning("wechat bind: code exchange failed (%s)", exc.code)
        return _page(request, status=502, error=_("暂时无法从微信确认您的身份，请稍后重试。"))
    try:
        services.bind_wechat(user=request.user, openid=openid)
    except Conflict as exc:
        return _page(request, status=409, error=exc.messages[0])
    return render(request, "notify/wechat_bind_done.html",
                  {"masked_openid": _masked(openid), "settings_path": reverse("notify:settings")})


@login_required
@require_POST
def unbind(request):
    deleted = services.unbind_wechat(user=request.user)
    return _page(request, notice=_("已解除微信绑定。") if deleted else _("您还没有绑定微信。"))
