"""Signing in and out, changing one's password, the lockout page: each step written to the audit log."""

import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db.models import Max, Q
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _

from linli.people.middleware import start_idle_clock
from linli.people.models import AuditEvent
from linli.people.scopes import scope_for
from linli.people.services import audit, client_ip


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

    def form_valid(self, form):
        response = super().form_valid(form)
        audit(action=AuditEvent.Action.PASSWORD_CHANGE, user=self.request.user, request=self.request)
        messages.success(self.request, _("密码已修改"))
        return response


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
