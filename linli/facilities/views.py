"""Pages of the facility ledger: the estates' ledgers, one estate's ledger, a facility's page with its history, the
forms that register, record, correct, link a fault, retire and import, and the list of what falls due soon.

Readers of the ledger (permissions.py) get the pages; anyone else 404 (as if nothing existed); a reader who may not
manage gets 403 on the forms and changes nothing (the service decides).
"""

from __future__ import annotations

import datetime
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.facilities import excel, selectors, services
from linli.facilities.filters import FacilityFilterSet
from linli.facilities.forms import (
    ChangeForm,
    CorrectForm,
    FacilityForm,
    FaultForm,
    ImportForm,
    RecordForm,
    RetireForm,
)
from linli.facilities.models import Facility
from linli.facilities.permissions import can_manage
from linli.workorders.models import WorkOrder


def ledger_required(view):
    """Signed in and reading the ledger of at least one estate; anyone else 404."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not selectors.ledger_estates(request.user).exists():
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def _estate(request, pk):
    return get_object_or_404(selectors.ledger_estates(request.user).select_related("community"), pk=pk)


def _facility(request, pk):
    return get_object_or_404(selectors.ledger_for(request.user).select_related("estate__community", "building"),
                             pk=pk)


def _require_manager(user, estate):
    if not can_manage(user, estate):
        raise PermissionDenied(_("只有所在社区、街道的管理员和该小区当前的物业服务人可以管理设施设备台账"))


def _errors_to(form, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        for error in errors:
            form.add_error(field if field in form.fields else None, error)


@ledger_required
def index(request):
    today = timezone.localdate()
    horizon = today + datetime.timedelta(days=services.REMINDER_DAYS)
    due_q = Q(facilities__inspection_due__lte=horizon) | Q(facilities__contract_end__lte=horizon)
    estates = (selectors.ledger_estates(request.user).select_related("community")
               .annotate(n=Count("facilities", filter=~Q(facilities__status=Facility.Status.RETIRED)),
                         due=Count("facilities", filter=due_q & ~Q(facilities__status=Facility.Status.RETIRED)))
               .order_by("community__path", "name"))
    page = Paginator(estates, 50).get_page(request.GET.get("page"))
    return render(request, "facilities/index.html", {"page": page})


@ledger_required
def due(request):
    today = timezone.localdate()
    facilities = selectors.due_soon(selectors.ledger_for(request.user), today)
    page = Paginator(facilities, 50).get_page(request.GET.get("page"))
    return render(request, "facilities/due.html", {
        "page": page, "rows": selectors.with_due(page, today), "days": services.REMINDER_DAYS})


@ledger_required
def estate_ledger(request, pk):
    estate = _estate(request, pk)
    today = timezone.localdate()
    qs = Facility.objects.filter(estate=estate).select_related("building")
    filterset = FacilityFilterSet(request.GET, queryset=qs)
    facilities = filterset.qs if filterset.is_valid() else qs
    page = Paginator(facilities, 50).get_page(request.GET.get("page"))
    return render(request, "facilities/estate_ledger.html", {
        "estate": estate, "page": page, "rows": selectors.with_due(page, today),
        "kinds": Facility.Kind.choices, "statuses": Facility.Status.choices,
        "buildings": estate.buildings.order_by("number"), "selected": request.GET,
        "can_manage": can_manage(request.user, estate), "days": services.REMINDER_DAYS})


@ledger_required
def facility_new(request, pk):
    estate = _estate(request, pk)
    _require_manager(request.user, estate)
    form = FacilityForm(request.POST or None, estate=estate)
    if request.method == "POST" and form.is_valid():
        try:
            facility = services.facility_register(actor=request.user, estate=estate, **form.cleaned_data)
        except ValidationError as exc:
            _errors_to(form, exc)
        else:
            messages.success(request, _("已登记：%(name)s") % {"name": facility.name})
            return redirect("facilities:facility", facility.pk)
    return render(request, "facilities/form.html", {
        "form": form, "estate": estate, "title": _("登记设施设备"), "back": ("facilities:estate", estate.pk)})


def _facility_form(request, facility: Facility, form, call, *, done: str, title: str, **context):
    """A form of one facility's page (record, correct, change, retire): on a valid POST ``call(form data)``, the
    service's errors on the form's fields, back to the facility when it succeeded."""
    if request.method == "POST" and form.is_valid():
        try:
            call(dict(form.cleaned_data))
        except ValidationError as exc:
            _errors_to(form, exc)
        else:
            messages.success(request, done)
            return redirect("facilities:facility", facility.pk)
    return render(request, "facilities/form.html", {
        "form": form, "facility": facility, "title": title, "back": ("facilities:facility", facility.pk), **context})


@ledger_required
def facility_change(request, pk):
    facility = _facility(request, pk)
    _require_manager(request.user, facility.estate)
    form = ChangeForm(request.POST or None, initial={field: getattr(facility, field) for field in services.CHANGEABLE})
    return _facility_form(request, facility, form,
                          lambda data: services.facility_change(actor=request.user, facility=facility, **data),
                          done=_("已变更（变更前后的内容记入台账变更）"), title=_("变更维保与公示信息"))


@ledger_required
def facility_import(request, pk):
    estate = _estate(request, pk)
    _require_manager(request.user, estate)
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = excel.import_sheet(form.cleaned_data["file"], estate=estate, actor=request.user)
    return render(request, "facilities/import.html", {
        "form": form, "estate": estate, "result": result, "columns": excel.COLUMNS, "max_rows": excel.MAX_ROWS,
        "max_mb": excel.MAX_BYTES // (1024 * 1024)})


@ledger_required
def template_xlsx(request):
    response = HttpResponse(excel.template_bytes(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = "attachment; filename=\"facilities-template.xlsx\""
    return response


@ledger_required
def facility_detail(request, pk):
    facility = _facility(request, pk)
    records = list(facility.records.select_related("recorded_by", "corrects").order_by("-done_on", "-pk"))
    corrected = {r.corrects_id for r in records if r.corrects_id}
    faults = list(facility.faults.select_related("order").order_by("-linked_at"))
    visible_orders = set(WorkOrder.objects.visible_to(request.user).filter(pk__in=[f.order_id for f in faults])
                         .values_list("pk", flat=True))
    return render(request, "facilities/facility_detail.html", {
        "facility": facility, "records": records, "corrected": corrected, "faults": faults,
        "visible_orders": visible_orders, "events": facility.events.select_related("actor").order_by("-at", "-pk"),
        "due": services.due_dates(facility, timezone.localdate()) if facility.status != Facility.Status.RETIRED
        else [],
        "can_manage": can_manage(request.user, facility.estate) and facility.status != Facility.Status.RETIRED,
        "can_correct": can_manage(request.user, facility.estate)})


@ledger_required
def record_new(request, pk):
    facility = _facility(request, pk)
    _require_manager(request.user, facility.estate)
    form = RecordForm(request.POST or None, initial={"done_on": timezone.localdate()})
    return _facility_form(request, facility, form,
                          lambda data: services.record_add(actor=request.user, facility=facility, **data),
                          done=_("已记录"), title=_("添加检验、保养或维修记录"))


@ledger_required
def record_correct(request, pk):
    record = get_object_or_404(selectors.records_for(request.user).select_related("facility__estate__community"),
                               pk=pk)
    facility = record.facility
    _require_manager(request.user, facility.estate)
    form = CorrectForm(request.POST or None, initial={
        "done_on": record.done_on, "result": record.result, "certificate_no": record.certificate_no,
        "next_due": record.next_due})
    return _facility_form(request, facility, form,
                          lambda data: services.record_correct(actor=request.user, record=record, **data),
                          done=_("已更正（原记录保留）"), title=_("更正记录"), record=record)


@ledger_required
def fault_new(request, pk):
    facility = _facility(request, pk)
    _require_manager(request.user, facility.estate)
    form = FaultForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        order = WorkOrder.objects.visible_to(request.user).filter(code=form.cleaned_data["code"].strip()).first()
        try:
            if order is None:
                raise ValidationError({"code": _("找不到该工单")})
            services.fault_link(actor=request.user, facility=facility, order=order,
                                source=form.cleaned_data["source"])
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error("code" if field in ("order", "code") else None, error)
        else:
            messages.success(request, _("已关联工单 %(code)s") % {"code": order.code})
            return redirect("facilities:facility", facility.pk)
    recent = (WorkOrder.objects.visible_to(request.user).filter(estate_id=facility.estate_id)
              .exclude(facility_faults__facility=facility).order_by("-received_at")[:10])
    return render(request, "facilities/form.html", {
        "form": form, "facility": facility, "title": _("关联故障工单"), "recent": recent,
        "back": ("facilities:facility", facility.pk)})


@ledger_required
def facility_retire(request, pk):
    facility = _facility(request, pk)
    _require_manager(request.user, facility.estate)
    form = RetireForm(request.POST or None)
    return _facility_form(request, facility, form,
                          lambda data: services.facility_retire(actor=request.user, facility=facility,
                                                                reason=data["reason"]),
                          done=_("已报废（台账和历史记录保留）"), title=_("报废设施"))

