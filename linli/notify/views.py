"""Notify pages: a user's inbox (/notify/), the choice of channel (/notify/settings/), and for street, district and
city admins the deliveries to the users within their divisions (/notify/deliveries/)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from linli.core.htmx import is_htmx

from . import selectors, services
from .filters import filter_deliveries
from .forms import ChannelForm
from .models import Channel, Notification
from .permissions import can_see_deliveries

KINDS = {"workorder": gettext_lazy("工单"), "care": gettext_lazy("关爱探访"), "notice": gettext_lazy("公示"),
         "bill": gettext_lazy("账单"), "wish": gettext_lazy("微心愿"), "meeting": gettext_lazy("会议")}


@login_required
def inbox(request):
    kind = request.GET.get("kind", "")
    only_unread = request.GET.get("unread") == "1"
    qs = selectors.inbox(request.user, kind=kind, unread=only_unread)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(request, "notify/inbox.html", {
        "page": page, "unread": selectors.unread_count(request.user), "only_unread": only_unread, "kind": kind,
        "kinds": [(k, str(v)) for k, v in KINDS.items()],
    })


def _safe_link(request, link: str) -> str:
    return link if link and url_has_allowed_host_and_scheme(link, allowed_hosts={request.get_host()}) else ""


@login_required
@require_POST
def read(request, pk):
    note = get_object_or_404(Notification, pk=pk, user=request.user)
    services.mark_read(user=request.user, notification=note)
    note.refresh_from_db()
    if request.POST.get("open") and _safe_link(request, note.link):
        return redirect(note.link)
    if is_htmx(request):
        return render(request, "notify/_note.html", {"n": note})
    return redirect("notify:inbox")


@login_required
@require_POST
def read_all(request):
    n = services.mark_read(user=request.user)
    messages.success(request, _("已将 %(n)s 条通知标为已读") % {"n": n})
    return redirect("notify:inbox")


@login_required
def channel_settings(request):
    user = request.user
    current = services.chosen_channel(user)
    if request.method == "POST":
        form = ChannelForm(request.POST)
        if form.is_valid():
            services.set_channel(user=user, channel=form.cleaned_data["channel"])
            reason = services.missing_address_reason(user, form.cleaned_data["channel"])
            if reason:
                messages.warning(request, reason)
            else:
                messages.success(request, _("已保存通知方式"))
            return redirect("notify:settings")
    else:
        form = ChannelForm(initial={"channel": current})
    channels = []
    for value, label in form.fields["channel"].choices:
        address = services.address_for(user, value) if value != Channel.INBOX else ""
        channels.append({"value": value, "label": label, "checked": value == current,
                         "address": services.masked_address(value, address),
                         "missing": services.missing_address_reason(user, value) if value != Channel.INBOX else ""})
    return render(request, "notify/settings.html", {
        "form": form, "channels": channels, "current": current,
        "reason": services.missing_address_reason(user, current),
    })


@login_required
def deliveries(request):
    if not can_see_deliveries(request.user):
        raise Http404
    qs, form = filter_deliveries(selectors.deliveries_visible_to(request.user), request.GET)
    page = Paginator(qs.order_by("-created_at", "-pk"), 50).get_page(request.GET.get("page"))
    rows = [{"d": d, "to": str(d.notification.user), "address": services.masked_address(d.channel, d.address)}
            for d in page]
    return render(request, "notify/deliveries.html", {"page": page, "rows": rows, "form": form})
