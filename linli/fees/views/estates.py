"""An estate's fee pages: plans, billing runs, arrears, the QR code for the public accounts."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.core.htmx import is_htmx
from linli.core.text import normalize
from linli.places.models import Home

from .. import permissions, selectors, services
from ..charts import qr_svg as make_qr
from ..forms import FeePlanForm
from ..models import BillingRun
from .base import _errors_into, _staff_estate, fee_staff_required

# -- an estate ----------------------------------------------------------------------------------------


@fee_staff_required
def estate(request, pk):
    user = request.user
    est = _staff_estate(user, pk)
    today = timezone.localdate()
    month = f"{today.year}-{today.month:02d}"
    link = services.public_link_for(est)
    homes = Home.objects.filter(estate=est).select_related("building").order_by("building__number", "entrance",
                                                                                 "number")
    q = normalize(request.GET.get("q", ""))
    if q:
        homes = homes.filter(Q(number__icontains=q) | Q(building__number__icontains=q))
    page = Paginator(homes, 30).get_page(request.GET.get("page"))
    context = {
        "estate": est,
        "plans": selectors.with_billing_start(est, list(est.fee_plans.select_related("provider")
                                                       .order_by("-effective_from"))),
        "cluster_plans": selectors.with_billing_start(est, list(est.cluster.fee_plans.order_by("-effective_from")))
        if est.cluster_id else [],
        "runs": BillingRun.objects.filter(estate=est)[:5],
        "month": month,
        "year": selectors.collection([est.pk], datetime.date(today.year, 1, 1), today),
        "public_url": request.build_absolute_uri(reverse("fees:public", args=[link.token])),
        "link": link,
        "page": page,
        "q": q,
        "can_manage": permissions.can_manage(user, est),
        "can_collect": permissions.can_collect(user, est),
    }
    if is_htmx(request):
        return render(request, "fees/_home_rows.html", context)
    return render(request, "fees/estate.html", context)


@fee_staff_required
def qr_svg(request, pk):
    est = _staff_estate(request.user, pk)
    link = services.public_link_for(est)
    url = request.build_absolute_uri(reverse("fees:public", args=[link.token]))
    svg = make_qr(url)
    if svg is None:
        raise Http404
    return HttpResponse(svg, content_type="image/svg+xml")


@fee_staff_required
def plan_new(request, pk):
    est = _staff_estate(request.user, pk)
    permissions.require_manager(request.user, est)
    form = FeePlanForm(request.POST or None, estate=est)
    if request.method == "POST" and form.is_valid():
        try:
            services.fee_plan_create(actor=request.user, estate=est, **form.cleaned_data)
        except ValidationError as exc:
            _errors_into(form, exc)
        else:
            messages.success(request, _("已保存收费标准"))
            return redirect("fees:estate", pk=est.pk)
    return render(request, "fees/plan_form.html", {"estate": est, "form": form})


@fee_staff_required
def billing(request, pk):
    """Start a billing run; the run page then bills chunk after chunk with a progress bar."""
    est = _staff_estate(request.user, pk)
    today = timezone.localdate()
    if request.method == "POST":
        permissions.require_manager(request.user, est)
        try:
            run = services.billing_run_start(period=request.POST.get("period", ""), estate=est, actor=request.user)
        except (ValueError, ValidationError) as exc:
            messages.error(request, str(exc.messages[0] if hasattr(exc, "messages") else exc))
        else:
            return redirect("fees:run", pk=run.pk)
    return render(request, "fees/billing.html", {
        "estate": est, "default_period": f"{today.year}-{today.month:02d}",
        "runs": BillingRun.objects.filter(estate=est)[:20], "can_manage": permissions.can_manage(request.user, est),
    })


def _run_for(user, pk) -> BillingRun:
    run = get_object_or_404(BillingRun.objects.select_related("estate"), pk=pk)
    if run.estate_id is None:
        raise Http404
    _staff_estate(user, run.estate_id)
    return run


@fee_staff_required
def run_page(request, pk):
    run = _run_for(request.user, pk)
    return render(request, "fees/run.html", {"run": run, "can_manage": permissions.can_manage(request.user, run.estate)})


@fee_staff_required
@require_POST
def run_step(request, pk):
    """One chunk of a run (htmx polls this until the run is done); safe to repeat."""
    run = _run_for(request.user, pk)
    permissions.require_manager(request.user, run.estate)
    run = services.billing_run_step(run=run, chunk=int(request.GET.get("chunk", 500)))
    return render(request, "fees/_run_progress.html", {"run": run, "can_manage": True})


@fee_staff_required
def arrears(request, pk):
    est = _staff_estate(request.user, pk)
    rows, summary = selectors.arrears([est.pk])
    return render(request, "fees/arrears.html", {"estate": est, "rows": rows, "summary": summary,
                                                 "ageing": selectors.AGEING})
