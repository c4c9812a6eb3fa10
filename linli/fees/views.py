"""Pages of fees and funds: plans, billing runs, a home's account, payments, relief, ledger, figures,
Excel, and the public accounts (收支公开) that anyone can open from the estate's QR code."""

from __future__ import annotations

import datetime
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.core.access import get_visible_or_404, member_required
from linli.core.htmx import is_htmx
from linli.core.text import normalize
from linli.people.scopes import scope_for
from linli.places.models import Division, Estate, Home

from . import excel, permissions, selectors, services
from .charts import trend_chart
from .forms import FeePlanForm, ImportForm, LedgerForm, PaymentForm, ReasonForm, ReliefForm, VoidForm
from .models import Bill, BillingRun, LedgerEntry, Payment, PublicLink, Relief
from .money import ZERO, parse_period

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def fee_staff_required(view):
    """Pages for roles that read fees (admins, property people, auditors); 404 for everyone else."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not permissions.reads_fees(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def _staff_estate(user, pk) -> Estate:
    """An estate the user serves in a fee-reading role; 404 otherwise (residents included)."""
    return get_visible_or_404(Estate.objects.managed_by_staff_of(user).select_related("community", "cluster"), user,
                              pk=pk)


def _account_home(user, pk) -> tuple[Home, bool]:
    """A home whose account the user may read, and whether they read it as staff."""
    home = get_visible_or_404(Home.objects.select_related("building", "estate"), user, pk=pk)
    if permissions.reads_fees(user) and Estate.objects.managed_by_staff_of(user).filter(pk=home.estate_id).exists():
        return home, True
    if home.pk in scope_for(user).home_ids:
        return home, False
    raise Http404


def _period_arg(request, default: str) -> str:
    code = request.GET.get("period") or default
    try:
        return parse_period(code).code
    except ValueError:
        return default


def _errors_into(form, exc: ValidationError):
    if hasattr(exc, "message_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


# -- entry points -------------------------------------------------------------------------------------


@member_required
def index(request):
    if permissions.reads_fees(request.user):
        return redirect("fees:figures")
    return redirect("fees:my_bills")


@member_required
def my_bills(request):
    """A resident's homes, each with its bills and payments, and the public accounts of its estate."""
    scope = scope_for(request.user)
    homes = Home.objects.filter(pk__in=scope.home_ids).select_related("building", "estate").order_by("pk")
    if not homes:
        raise Http404
    rows = []
    for home in homes:
        bills = Bill.objects.filter(home=home).select_related("plan").order_by("-period_start")[:24]
        rows.append({"home": home, "bills": bills, "owed": sum((b.outstanding for b in bills), ZERO),
                     "link": services.public_link_for(home.estate)})
    return render(request, "fees/my_bills.html", {"rows": rows})


# -- figures ------------------------------------------------------------------------------------------


@fee_staff_required
def figures(request, code=None):
    user = request.user
    divisions = Division.objects.visible_to(user)
    staff_estates = Estate.objects.managed_by_staff_of(user)
    if code is None:
        top = divisions.order_by("path").first()
        if top is None or not (scope_for(user).paths):
            # Property people serve estates, not divisions: their figures are per estate.
            return _estate_figures(request, staff_estates)
        return redirect("fees:figures_division", code=top.code)
    division = get_visible_or_404(Division.objects.select_related("parent"), user, code=code)
    today = timezone.localdate()
    period = _period_arg(request, str(today.year))
    start, end = selectors.period_range(period)
    estates = list(staff_estates.filter(community__path__startswith=division.path)
                   .values("pk", "name", "community__path", "community__name", "community__code", "cluster_id",
                           "cluster__name"))
    per_estate = selectors.collection_by_estate([e["pk"] for e in estates], start, end)
    total = selectors.sum_collections(per_estate.values())
    groups: dict = {}
    clusters: dict = {}
    if division.level == Division.Level.COMMUNITY:
        for e in estates:
            groups[e["pk"]] = {"name": e["name"], "url": reverse("fees:estate", args=[e["pk"]]),
                               "c": per_estate.get(e["pk"], selectors.Collection())}
    else:
        children = {c.path: c for c in divisions.filter(parent=division)}
        for e in estates:
            child = next((c for p, c in children.items() if e["community__path"].startswith(p)), None)
            if child is None:
                continue
            g = groups.setdefault(child.pk, {"name": child.name, "url": reverse("fees:figures_division",
                                                                                args=[child.code]), "items": []})
            g["items"].append(per_estate.get(e["pk"], selectors.Collection()))
            if e["cluster_id"]:
                k = clusters.setdefault(e["cluster_id"], {"name": e["cluster__name"], "items": []})
                k["items"].append(per_estate.get(e["pk"], selectors.Collection()))
        for g in list(groups.values()) + list(clusters.values()):
            g["c"] = selectors.sum_collections(g.pop("items"))
    trend = selectors.trend([e["pk"] for e in estates], 12, end)
    return render(request, "fees/figures.html", {
        "division": division, "period": period, "total": total, "groups": list(groups.values()),
        "clusters": sorted(clusters.values(), key=lambda g: g["name"]), "trend": trend,
        "chart": trend_chart(trend), "estate_count": len(estates),
    })


def _estate_figures(request, estates):
    today = timezone.localdate()
    period = _period_arg(request, str(today.year))
    start, end = selectors.period_range(period)
    rows = list(estates.order_by("community__path", "name").values("pk", "name"))
    per_estate = selectors.collection_by_estate([e["pk"] for e in rows], start, end)
    groups = [{"name": e["name"], "url": reverse("fees:estate", args=[e["pk"]]),
               "c": per_estate.get(e["pk"], selectors.Collection())} for e in rows]
    trend = selectors.trend([e["pk"] for e in rows], 12, end)
    return render(request, "fees/figures.html", {
        "division": None, "period": period, "total": selectors.sum_collections(per_estate.values()),
        "groups": groups, "clusters": [], "trend": trend, "chart": trend_chart(trend), "estate_count": len(rows),
    })


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
        "plans": est.fee_plans.order_by("-effective_from"),
        "cluster_plans": est.cluster.fee_plans.order_by("-effective_from") if est.cluster_id else [],
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
    from .charts import qr_svg as make_qr

    svg = make_qr(url)
    if svg is None:
        raise Http404
    return HttpResponse(svg, content_type="image/svg+xml")


@fee_staff_required
def plan_new(request, pk):
    est = _staff_estate(request.user, pk)
    permissions.require_manager(request.user, est)
    form = FeePlanForm(request.POST or None)
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


# -- Excel -----------------------------------------------------------------------------------------------


def _xlsx(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@fee_staff_required
def statement(request, pk):
    est = _staff_estate(request.user, pk)
    today = timezone.localdate()
    month = request.GET.get("month") or f"{today.year}-{today.month:02d}"
    try:
        data = excel.statement_bytes(estate=est, month=month, user=request.user, request=request)
    except (ValueError, ValidationError) as exc:
        raise Http404 from exc
    return _xlsx(data, f"{est.name}-{month}-收支月报.xlsx")


@fee_staff_required
def import_template(request, pk):
    est = _staff_estate(request.user, pk)
    return _xlsx(excel.template_bytes(), f"{est.name}-历史缴费导入模板.xlsx")


@fee_staff_required
def import_payments(request, pk):
    est = _staff_estate(request.user, pk)
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST":
        permissions.require_collector(request.user, est)
        if form.is_valid():
            result = excel.import_payments(estate=est, data=form.cleaned_data["file"].read(), actor=request.user)
    return render(request, "fees/import.html", {"estate": est, "form": form, "result": result,
                                                "can_collect": permissions.can_collect(request.user, est)},
                  status=400 if result and not result.ok else 200)


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
    from .charts import qr_svg as make_qr

    context["qr"] = make_qr(context["url"])
    return render(request, "fees/public.html", context)
