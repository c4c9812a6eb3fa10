"""The ledger (收支公开) and the public accounts page."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import permissions, selectors, services
from ..charts import qr_svg as make_qr
from ..forms import LedgerForm, ReasonForm
from ..models import LedgerEntry, PublicLink
from .base import _errors_into, _staff_estate, fee_staff_required

# -- ledger ----------------------------------------------------------------------------------------------


@fee_staff_required
def ledger(request, pk):
    est = _staff_estate(request.user, pk)
    can_manage = permissions.can_manage(request.user, est)
    form = LedgerForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        permissions.require_manager(request.user, est)
        if form.is_valid():
            try:
                services.ledger_record(estate=est, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                _errors_into(form, exc)
            else:
                messages.success(request, _("已记账"))
                return redirect("fees:ledger", pk=est.pk)
    entries = LedgerEntry.objects.filter(estate=est).select_related("approved_by").order_by("-seq")
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "fees/ledger.html", {"estate": est, "form": form, "page": page, "can_manage": can_manage,
                                                "reason_form": ReasonForm()})


@fee_staff_required
@require_POST
def ledger_reverse(request, pk):
    entry = get_object_or_404(LedgerEntry, pk=pk)
    est = _staff_estate(request.user, entry.estate_id)
    permissions.require_manager(request.user, est)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            services.ledger_reverse(entry=entry, reason=form.cleaned_data["reason"], actor=request.user)
            messages.success(request, _("已冲销第 %(seq)s 条") % {"seq": entry.seq})
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
    return redirect("fees:ledger", pk=est.pk)


# -- public accounts ---------------------------------------------------------------------------------------


def public(request, token):
    """收支公开: no sign-in, no personal data; reachable from the QR code in the stairwell."""
    link = get_object_or_404(PublicLink.objects.select_related("estate__community__parent"), token=token)
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    year = max(2000, min(year, today.year))
    context = selectors.public_accounts(link.estate, year, today=today)
    context["url"] = request.build_absolute_uri(reverse("fees:public", args=[token]))
    context["qr"] = make_qr(context["url"])
    return render(request, "fees/public.html", context)
