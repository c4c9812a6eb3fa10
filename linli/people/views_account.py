"""Signing in and out (with a password, or with a phone number and a one-time code), changing one's password, the
lockout page: each step written to the audit log."""

import datetime
import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import ValidationError
from django.db.models import Max, Q
from django.http import Http404
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from linli.core import ratelimit
from linli.core.large_type import large_type_on, remember_large_type
from linli.people import signin
from linli.people.forms import CodeForm, PhoneForm
from linli.people.middleware import start_idle_clock
from linli.people.models import AuditEvent
from linli.people.phones import normalize_phone
from linli.people.scopes import scope_for
from linli.people.services import audit, client_ip, user_set_large_type


def _address_failures(request, *, count: bool) -> bool:
    """Count a failed sign-in against the client's address (with ``count``); True when the address is over
    LINLI_LOGIN_ADDRESS_FAILURE_LIMIT within the cool-off window. Accounts are locked by django-axes."""
    from django_ratelimit.core import get_usage

    minutes = max(1, int(settings.AXES_COOLOFF_TIME / datetime.timedelta(minutes=1)))
    limit = settings.LINLI_LOGIN_ADDRESS_FAILURE_LIMIT
    if not limit:
        return False
    usage = get_usage(request, group="linli.login_address", key="ip", rate=f"{limit}/{minutes}m", increment=count)
    return bool(usage and usage["count"] >= limit) if not count else bool(usage and usage["should_limit"])


class LoginView(auth_views.LoginView):
    """Django's sign-in page with Linli's template; success, failure and lockout are audited."""

    template_name = "core/login.html"

    def post(self, request, *args, **kwargs):
        # An address that failed too often is refused before any password is checked.
        if _address_failures(request, count=False):
            audit(action=AuditEvent.Action.LOCKOUT, request=request, data={"by": "address"},
                  username=str(request.POST.get("username", ""))[:150])
            return lockout_response(request)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        response = super().form_valid(form)
        start_idle_clock(self.request)
        audit(action=AuditEvent.Action.LOGIN, user=form.get_user(), request=self.request)
        return response

    def form_invalid(self, form):
        # django-axes marks the request when this failure locked the account or address, or when it was
        # refused because they already were; AxesMiddleware then answers with the lockout page.
        locked = getattr(self.request, "axes_locked_out", False)
        _address_failures(self.request, count=True)
        audit(action=AuditEvent.Action.LOCKOUT if locked else AuditEvent.Action.LOGIN_FAILED, request=self.request,
              username=str(self.request.POST.get("username", ""))[:150])
        return super().form_invalid(form)


class LogoutView(auth_views.LogoutView):
    """Sign-out (POST only, as in Django), audited before the session ends."""

    def post(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            audit(action=AuditEvent.Action.LOGOUT, user=request.user, request=request)
        return super().post(request, *args, **kwargs)


def _account_holder(view):
    """Signed-in members and admins; a signed-in stranger gets 404 like everywhere else."""

    @login_required
    def wrapper(request, *args, **kwargs):
        if not (scope_for(request.user).is_member or request.user.is_staff):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


@method_decorator(_account_holder, name="dispatch")
class PasswordChangeView(auth_views.PasswordChangeView):
    """A signed-in user changes their own password (the old one is asked for); the session stays valid."""

    template_name = "people/password_change.html"
    success_url = reverse_lazy("home")

    def get_form_class(self):
        # An account made for phone sign-in has no password to give: it sets one (SetPasswordForm) instead.
        if not self.request.user.has_usable_password():
            return SetPasswordForm
        return super().get_form_class()

    def form_valid(self, form):
        response = super().form_valid(form)
        audit(action=AuditEvent.Action.PASSWORD_CHANGE, user=self.request.user, request=self.request)
        messages.success(self.request, _("密码已修改"))
        return response


@require_POST
def large_type(request):
    """The 大字模式/标准字号 switch of the top bar: turns the mode over on this device and, when signed in, on the
    account (anyone may use it, signed in or not: the sign-in page needs it most)."""
    on = not large_type_on(request)
    if request.user.is_authenticated:
        user_set_large_type(user=request.user, on=on)
    nxt = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}, require_https=request.is_secure())
    return remember_large_type(redirect(nxt if nxt and safe else "home"), on)


def lockout_response(request, original_response=None, credentials=None):
    """The page django-axes shows for a locked account or address: when sign-in will be possible again."""
    from axes.models import AccessAttempt

    cooloff = settings.AXES_COOLOFF_TIME
    username = str((credentials or {}).get("username") or request.POST.get("username", ""))[:150]
    ip = client_ip(request)
    match = Q(username=username) if username else Q(pk__in=[])
    if ip:
        match |= Q(ip_address=ip)
    last = AccessAttempt.objects.filter(match).aggregate(last=Max("attempt_time"))["last"]
    until = (last or timezone.now()) + cooloff
    minutes = max(1, int((until - timezone.now()) / datetime.timedelta(minutes=1)) + 1)
    return render(request, "people/lockout.html", {
        "until": timezone.localtime(until), "minutes": minutes, "failure_limit": settings.AXES_FAILURE_LIMIT,
    }, status=settings.AXES_HTTP_RESPONSE_CODE)


# -- phone number and one-time code (手机验证码登录, linli/people/signin.py) ------------------------------------------

SIGNIN_PHONE = "_linli_signin_phone"
SIGNIN_CHOICE = "_linli_signin_choice"


def _signed_in(request, user, phone: str):
    auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    request.session.pop(SIGNIN_PHONE, None)
    request.session.pop(SIGNIN_CHOICE, None)
    start_idle_clock(request)
    audit(action=AuditEvent.Action.LOGIN, user=user, request=request, target=signin.masked(phone),
          data={"by": "sms_code"})
    return redirect(_next_url(request))


def _next_url(request) -> str:
    """Where to go after signing in: a path of this site, else the home page."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()},
                                                     require_https=request.is_secure()):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _with_next(url_name: str, request) -> str:
    url = reverse(url_name)
    nxt = request.POST.get("next") or request.GET.get("next") or ""
    return f"{url}?{urlencode({'next': nxt})}" if nxt else url


@require_http_methods(["GET", "POST"])
def code_login(request):
    """Step 1: the phone number. The same answer whether the number has an account or not (signin.py)."""
    data = request.POST or None
    if data is not None and data.get("resend") and request.session.get(SIGNIN_PHONE):
        # "Get a new code" on the code page: the number is the one in the session, never echoed into the page.
        data = {"phone": request.session[SIGNIN_PHONE], "next": data.get("next", "")}
    form = PhoneForm(data)
    error = ""
    if request.method == "POST" and form.is_valid():
        typed = form.cleaned_data["phone"]
        if ratelimit.limited(request, "signin_code"):
            error = _("这台设备获取验证码太频繁，请一小时后再试；或用用户名和密码登录。")
            audit(action=AuditEvent.Action.LOCKOUT, request=request, target=signin.masked(typed),
                  data={"by": "sms_code", "step": "request"})
        else:
            try:
                signin.code_request(phone=typed, ip=client_ip(request))
            except ValidationError as exc:
                if exc.code != "too_soon":
                    error = exc.messages[0]
                else:  # a code went out a moment ago: type that one in (the page says when to ask again)
                    messages.info(request, exc.messages[0])
                    request.session[SIGNIN_PHONE] = normalize_phone(typed)
                    return redirect(_with_next("login_code_verify", request))
            else:
                audit(action=AuditEvent.Action.CODE_SENT, request=request, target=signin.masked(typed))
                request.session[SIGNIN_PHONE] = normalize_phone(typed)
                return redirect(_with_next("login_code_verify", request))
    return render(request, "people/signin_code.html", {
        "form": form, "error": error, "next": request.POST.get("next") or request.GET.get("next", "")})


@require_http_methods(["GET", "POST"])
def code_verify(request):
    """Step 2: the code. Right: signed in (audited, the idle clock started); wrong: how many tries are left."""
    phone = request.session.get(SIGNIN_PHONE, "")
    if not phone:
        return redirect(_with_next("login_code", request))
    form = CodeForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        if ratelimit.limited(request, "signin_verify"):
            error = _("这台设备尝试验证码太频繁，请一小时后再试；或用用户名和密码登录。")
            audit(action=AuditEvent.Action.LOCKOUT, request=request, target=signin.masked(phone),
                  data={"by": "sms_code", "step": "verify"})
        else:
            try:
                user = signin.code_verify(phone=phone, code=form.cleaned_data["code"])
            except signin.SeveralAccounts:
                # The number is proven; which of its accounts is signing in is asked next, for a few minutes.
                request.session[SIGNIN_CHOICE] = {"phone": phone, "until": time.time() + 60 * signin.code_minutes()}
                request.session.pop(SIGNIN_PHONE, None)
                return redirect(_with_next("login_code_choose", request))
            except ValidationError as exc:
                error = exc.messages[0]
                audit(action=AuditEvent.Action.LOCKOUT if exc.code == "too_many" else AuditEvent.Action.LOGIN_FAILED,
                      request=request, target=signin.masked(phone), data={"by": "sms_code", "why": exc.code})
            else:
                return _signed_in(request, user, phone)
    return render(request, "people/signin_verify.html", {
        "form": form, "error": error, "masked_phone": signin.masked(phone),
        "minutes": signin.code_minutes(), "next": request.POST.get("next") or request.GET.get("next", "")})


@require_http_methods(["GET", "POST"])
def code_choose(request):
    """Step 3, only for a number of several accounts whose code was right: which of them is signing in."""
    pending = request.session.get(SIGNIN_CHOICE) or {}
    if not pending.get("phone") or pending.get("until", 0) < time.time():
        request.session.pop(SIGNIN_CHOICE, None)
        return redirect(_with_next("login_code", request))
    phone = pending["phone"]
    if request.method == "POST":
        try:
            user = signin.choose_account(phone=phone, choice=request.POST.get("account", ""))
        except signin.SeveralAccounts as exc:
            options, error = exc.options, _("请选择您是哪一位。")
        except ValidationError as exc:
            request.session.pop(SIGNIN_CHOICE, None)
            messages.error(request, exc.messages[0])
            return redirect(_with_next("login_code", request))
        else:
            return _signed_in(request, user, phone)
    else:
        options, error = signin.options_of(signin.holder_of(phone)), ""
    return render(request, "people/signin_choose.html", {
        "options": options, "error": error, "masked_phone": signin.masked(phone),
        "next": request.POST.get("next") or request.GET.get("next", "")})
