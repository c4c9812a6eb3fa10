"""A home's account: payments, receipts, voiding, relief."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import permissions, services
from ..forms import PaymentForm, ReasonForm, ReliefForm, VoidForm
from ..models import Bill, Payment, Relief
from ..money import ZERO
from .base import _account_home, _errors_into

# -- a home's account ------------------------------------------------------------------------------------


def _account_context(request, home, staff, form=None, relief_form=None):
    bills = Bill.objects.filter(home=home).select_related("plan").order_by("-period_start", "-pk")
    payments = Payment.objects.filter(home=home).select_related("recorded_by", "voided_by")
    credit = sum((p.unallocated for p in payments if not p.is_void), ZERO)
    can_collect = staff and permissions.can_collect(request.user, home.estate)
    return {
        "home": home, "staff": staff, "bills": bills, "payments": payments, "credit": credit,
        "owed": sum((b.outstanding for b in bills), ZERO),
        "reliefs": Relief.objects.filter(home=home).select_related("approved_by"),
        "can_collect": can_collect,
        "can_relieve": staff and permissions.can_approve_relief(request.user, home.estate),
        "form": form or (PaymentForm() if can_collect else None),
        "void_form": VoidForm(),
    }


@login_required
def home_account(request, pk):
    home, staff = _account_home(request.user, pk)
    return render(request, "fees/home.html", _account_context(request, home, staff))


@login_required
@require_POST
def payment_new(request, pk):
    home, staff = _account_home(request.user, pk)
    if not staff:
        raise PermissionDenied(_("只有该小区当前物业服务人的人员可以登记收款"))
    permissions.require_collector(request.user, home.estate)
    form = PaymentForm(request.POST)
    if form.is_valid():
        try:
            payment = services.payment_record(home=home, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _errors_into(form, exc)
        else:
            messages.success(request, _("已收款 %(amount)s 元，收据号 %(no)s") % {"amount": payment.amount,
                                                                           "no": payment.receipt_no})
            return redirect("fees:receipt", pk=payment.pk)
    return render(request, "fees/home.html", _account_context(request, home, staff, form=form), status=400)


def _payment_for(user, pk) -> tuple[Payment, bool]:
    payment = get_object_or_404(Payment.objects.select_related("home__building", "estate", "recorded_by"), pk=pk)
    _home, staff = _account_home(user, payment.home_id)
    return payment, staff


@login_required
def receipt(request, pk):
    payment, staff = _payment_for(request.user, pk)
    allocations = payment.allocations.select_related("bill__plan").order_by("pk")
    return render(request, "fees/receipt.html", {"payment": payment, "allocations": allocations,
                                                 "provider": payment.estate.current_stewardship()})


@login_required
@require_POST
def payment_void(request, pk):
    payment, staff = _payment_for(request.user, pk)
    if not staff:
        raise PermissionDenied
    permissions.require_collector(request.user, payment.estate)
    form = VoidForm(request.POST)
    if form.is_valid():
        try:
            services.payment_void(payment=payment, reason=form.cleaned_data["reason"], actor=request.user)
            messages.success(request, _("已作废收据 %(no)s") % {"no": payment.receipt_no})
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
    else:
        messages.error(request, _("请填写作废原因"))
    return redirect("fees:home", pk=payment.home_id)


@login_required
def relief_new(request, pk):
    home, staff = _account_home(request.user, pk)
    if not staff:
        raise Http404
    permissions.require_relief_approver(request.user, home.estate)
    form = ReliefForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            data = dict(form.cleaned_data, value=form.cleaned_data.get("value") or 0)
            services.relief_grant(home=home, actor=request.user, **data)
        except ValidationError as exc:
            _errors_into(form, exc)
        else:
            messages.success(request, _("已批准减免"))
            return redirect("fees:home", pk=home.pk)
    return render(request, "fees/relief_form.html", {"home": home, "form": form})


@login_required
@require_POST
def relief_revoke(request, pk):
    relief = get_object_or_404(Relief, pk=pk)
    home, staff = _account_home(request.user, relief.home_id)
    if not staff:
        raise Http404
    permissions.require_relief_approver(request.user, home.estate)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            services.relief_revoke(relief=relief, reason=form.cleaned_data["reason"], actor=request.user)
            messages.success(request, _("已撤销减免"))
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
    return redirect("fees:home", pk=home.pk)
