"""A user's notifications (站内通知): the list and marking them read."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.core.htmx import is_htmx
from linli.workorders.models import (
    Notification,
)

from .base import _page

# -- notifications -----------------------------------------------------------------------------------


@login_required
def notifications(request):
    qs = Notification.objects.filter(user=request.user).select_related("order")
    unread = qs.filter(read_at__isnull=True).count()
    only_unread = request.GET.get("unread") == "1"
    page = _page(request, qs.filter(read_at__isnull=True) if only_unread else qs)
    return render(request, "workorders/notifications.html", {"page": page, "unread": unread,
                                                             "only_unread": only_unread})


@login_required
@require_POST
def notification_read(request, pk):
    note = Notification.objects.filter(user=request.user, pk=pk).first()
    if note is None:
        raise Http404
    if note.read_at is None:
        note.read_at = timezone.now()
        note.save(update_fields=["read_at"])
    if is_htmx(request):
        return render(request, "workorders/_notification.html", {"n": note})
    if note.order_id and request.POST.get("open"):
        return redirect("workorders:order", code=note.order.code)
    return redirect("workorders:notifications")


@login_required
@require_POST
def notifications_read_all(request):
    n = Notification.objects.filter(user=request.user, read_at__isnull=True).update(read_at=timezone.now())
    messages.success(request, _("已将 %(n)s 条通知标为已读") % {"n": n})
    return redirect("workorders:notifications")
