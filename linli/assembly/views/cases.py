"""Selection cases: from unmanaged to managed."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.assembly import services
from linli.assembly.forms import (
    CaseForm,
    CaseStepForm,
)
from linli.assembly.models import (
    SelectionCase,
)
from linli.assembly.views.common import (
    _errors,
    _is_staff_for,
    _writable_estates,
)
from linli.core.access import get_visible_or_404, staff_required
from linli.people.scopes import scope_for
from linli.places.permissions import require_estate_writer


@staff_required
def case_new(request):
    estates = _writable_estates(request.user)
    if not estates.exists():
        raise PermissionDenied(_("只读角色不能立案"))
    form = CaseForm(request.POST or None, estates=estates, initial={"estate": request.GET.get("estate")})
    if request.method == "POST" and form.is_valid():
        try:
            case = services.selection_open(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _errors(form, exc)
        else:
            return redirect("assembly:case_detail", pk=case.pk)
    return render(request, "assembly/form.html", {"form": form, "title": _("无人管理小区选聘立案"), "multipart": False})


@staff_required
def case_detail(request, pk):
    case = get_visible_or_404(SelectionCase.objects.select_related("estate", "outcome__provider"), request.user, pk=pk)
    if not _is_staff_for(request.user, case.estate):
        raise Http404
    can_write = scope_for(request.user).can_write_estate(case.estate)
    form = CaseStepForm(request.POST or None, case=case, user=request.user)
    if request.method == "POST":
        require_estate_writer(request.user, case.estate)
        if form.is_valid():
            d = form.cleaned_data
            try:
                if d["step"] == "decide":
                    services.selection_decide_mode(case=case, mode=d["mode"], motion=d["motion"], actor=request.user,
                                                   start=d["start"])
                elif d["step"] == "hire":
                    services.selection_hire(case=case, provider=d["provider"], motion=d["motion"],
                                            committee_meeting=d["committee_meeting"], start=d["start"],
                                            contract_end=d["contract_end"], contract_no=d["contract_no"],
                                            actor=request.user)
                else:
                    services.selection_appoint_custodian(case=case, provider=d["provider"], consent=d["motion"],
                                                         start=d["start"], contract_end=d["contract_end"],
                                                         actor=request.user)
            except ValidationError as exc:
                _errors(form, exc)
            else:
                messages.success(request, _("已记录"))
                return redirect("assembly:case_detail", pk=pk)
    return render(request, "assembly/case_detail.html", {
        "case": case, "form": form, "can_write": can_write, "events": case.events.select_related("motion", "actor"),
        "past_deadline": case.deadline is not None and timezone.localdate() > case.deadline,
        "motions": case.motions.select_related("provider", "winning_option__provider").order_by("id"),
    })
