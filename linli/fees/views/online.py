"""在线缴费 on the resident's page (where a payment channel is turned on): pay what a home owes, then see the receipt.

A channel's own cashier page takes the money (``PaymentGateway.checkout_url``) and its callback records it; the
sandbox (``make run``) has no cashier, so the intent page offers a simulated payment, clearly marked as a test.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.people.scopes import scope_for
from linli.places.models import Home

from .. import services
from ..models import Bill, PaymentIntent
from ..money import ZERO


def owed(home: Home):
    return sum((b.outstanding for b in Bill.objects.filter(home=home)), ZERO)


@login_required
@require_POST
def pay_online(request, pk):
    """Start paying all a home owes: only for a home of the payer's own, only when a channel is on."""
    gateway = services.gateway()
    if gateway is None or pk not in scope_for(request.user).home_ids:
        raise Http404
    home = get_object_or_404(Home, pk=pk)
    amount = owed(home)
    if amount <= ZERO:
        messages.info(request, _("这套房屋没有要交的物业费。"))
        return redirect("fees:my_bills")
    try:
        intent = gateway.create_intent(home=home, amount=amount, actor=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("fees:my_bills")
    return redirect(gateway.checkout_url(intent) or reverse("fees:pay_intent", args=[intent.reference]))


@login_required
def intent_page(request, reference):
    """The payer's own intent: what is being paid, and (sandbox only) the button that stands in for a cashier."""
    intent = get_object_or_404(PaymentIntent.objects.select_related("home__estate", "home__building", "payment"),
                               reference=reference, created_by=request.user)
    gateway = services.gateway(intent.gateway)
    if request.method == "POST":
        if gateway is None or gateway.name != "sandbox" or intent.status != PaymentIntent.Status.PENDING:
            raise Http404
        payment = gateway.simulate_payment(intent)
        messages.success(request, _("已缴费 %(amount)s 元，这是您的收据。") % {"amount": payment.amount})
        return redirect("fees:receipt", pk=payment.pk)
    return render(request, "fees/pay_online.html", {
        "intent": intent, "sandbox": gateway is not None and gateway.name == "sandbox"})
