"""Excel: the statement, the import template and the payment import."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header

from linli.core.dbrouter import replica_reads

from .. import excel, permissions
from ..forms import ImportForm
from .base import XLSX, _staff_estate, fee_staff_required

# -- Excel -----------------------------------------------------------------------------------------------


def _xlsx(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@fee_staff_required
@replica_reads
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
