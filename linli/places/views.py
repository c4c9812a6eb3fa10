"""Pages of the registry: divisions, estates, an estate with its buildings and homes, coverage."""

import html

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from linli.core.access import (
    get_visible_or_404,
    member_required,
    scope_for,
    staff_required,
)
from linli.core.dbrouter import replica_reads
from linli.core.htmx import is_htmx
from linli.core.rows import reverser
from linli.core.templatetags.linli import percent
from linli.places.charts import stacked_bars
from linli.places.filters import DivisionFilterSet, EstateFilterSet
from linli.places.forms import StewardshipCorrectionForm, StewardshipForm
from linli.places.models import Building, Division, Estate, Home, Stewardship
from linli.places.permissions import require_estate_writer
from linli.places.selectors import coverage_with_children, with_current_mode
from linli.places.services import stewardship_change, stewardship_correct

PAGE_SIZE = 50


def _page(request, qs):
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


@staff_required
def division_list(request):
    qs = Division.objects.visible_to(request.user).select_related("parent").annotate(
        estate_count=Count("estates", distinct=True)
    )
    filterset = DivisionFilterSet(request.GET, queryset=qs)
    page = _page(request, filterset.qs.order_by("path"))
    template = "places/_division_rows.html" if is_htmx(request) else "places/division_list.html"
    return render(request, template, {"filter": filterset, "page": page})


@staff_required
def estate_list(request):
    qs = with_current_mode(
        Estate.objects.visible_to(request.user).select_related("community", "cluster")
    ).annotate(building_count=Count("buildings", distinct=True))
    filterset = EstateFilterSet(request.GET, queryset=qs)
    page = _page(request, filterset.qs.order_by("community__path", "name"))
    modes = dict(Stewardship.Mode.choices)
    for estate in page:
        estate.mode_label = modes.get(estate.mode, _("未登记"))
    template = "places/_estate_rows.html" if is_htmx(request) else "places/estate_list.html"
    return render(request, template, {"filter": filterset, "page": page})


@member_required
def estate_detail(request, pk):
    estate = get_visible_or_404(Estate.objects.select_related("community__parent", "cluster"), request.user, pk=pk)
    scope = scope_for(request.user)
    staff_view = Estate.objects.managed_by_staff_of(request.user).filter(pk=pk).exists()
    context = {
        "estate": estate,
        "current": estate.current_stewardship(),
        "staff_view": staff_view,
        "can_write": scope.can_write_estate(estate),
        "committee_view": scope.sits_on_committee_of(estate),  # issue 20: the committee reads the facility ledger
    }
    if staff_view:
        context["history"] = estate.stewardships.select_related(
            "provider", "lead_estate", "created_by", "corrected_by")
        context["buildings"] = estate.buildings.annotate(home_count=Count("homes")).order_by("number")
        context["home_count"] = estate.homes.count()
    else:
        # A resident sees the public part of the estate and their own homes only.
        context["my_homes"] = Home.objects.visible_to(request.user).filter(estate=estate).select_related("building")
        if estate.pk in scope.resident_estate_ids:
            context["report_url"] = _report_url(estate)
    return render(request, "places/estate_detail.html", context)


def _report_url(estate) -> str:
    """我要反映 for a resident of the estate: linli.workorders' page (the layer above), reversed by name."""
    try:
        return f"{reverse('workorders:report_mine')}?estate={estate.pk}"
    except NoReverseMatch:
        return ""


@staff_required
def building_homes(request, pk):
    building = get_visible_or_404(Building.objects.select_related("estate"), request.user, pk=pk)
    homes = Home.objects.visible_to(request.user).filter(building=building).order_by("entrance", "floor", "number")
    # Who lives there is linli.people's (the layer above): reached through the homes' relation, not an import.
    Occupancy = Home._meta.get_field("occupancies").related_model
    occupants = {}
    # Explicit order: the model's default ordering would join through home → building → estate.
    for occ in Occupancy.objects.current().filter(home__in=homes).select_related("person").order_by("relation", "pk"):
        occupants.setdefault(occ.home_id, []).append(occ)
    rows = [(home, occupants.get(home.pk, [])) for home in homes]
    return render(request, "places/_building_homes.html", {"building": building, "rows": rows})


def _selection_case_url() -> str:
    """The selection case's page of linli.assembly (the layer above), reversed by name, not imported."""
    try:
        return reverse("assembly:case_new")
    except NoReverseMatch:
        return ""


def _apply_errors(form, exc: ValidationError) -> None:
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@staff_required
def stewardship_new(request, pk):
    estate = get_visible_or_404(Estate, request.user, pk=pk)
    require_estate_writer(request.user, estate)
    form = StewardshipForm(request.POST or None, user=request.user, estate=estate)
    if request.method == "POST" and form.is_valid():
        try:
            stewardship_change(estate=estate, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("已登记 %(estate)s 的管理方式变更") % {"estate": estate})
            return redirect("places:estate_detail", pk=estate.pk)
    return render(request, "places/stewardship_form.html", {
        "estate": estate, "form": form, "case_url": _selection_case_url(),
        "first_record": not estate.stewardships.exists(),
    })


@staff_required
def stewardship_correct_page(request, pk):
    """Correct a data-entry mistake in one stewardship row: a new row and a logged event (never a silent edit)."""
    row = get_visible_or_404(Stewardship.objects.select_related("estate", "provider"), request.user, pk=pk)
    require_estate_writer(request.user, row.estate)
    form = StewardshipCorrectionForm(request.POST or None, user=request.user, stewardship=row)
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "reason"}
        try:
            stewardship_correct(stewardship=row, actor=request.user, reason=form.cleaned_data["reason"], **fields)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("已更正 %(estate)s 的登记记录，原记录保留在历史中") % {"estate": row.estate})
            return redirect("places:estate_detail", pk=row.estate_id)
    return render(request, "places/stewardship_correct.html", {"row": row, "estate": row.estate, "form": form})


@staff_required
@replica_reads
def coverage_page(request, code=None):
    user = request.user
    divisions = Division.objects.visible_to(user)
    if code is None:
        top = divisions.order_by("path").first()
        if top is None:
            raise Http404
        return redirect("places:coverage_division", code=top.code)
    division = get_visible_or_404(Division.objects.select_related("parent"), user, code=code)
    estates = Estate.objects.visible_to(user)
    # The division and each of its children from one read of the division's estates and homes.
    figures, children = coverage_with_children(division, list(divisions.filter(parent=division).order_by("path")),
                                               estates=estates)
    chart_rows = [(division.name, [(m, label, homes) for m, label, _e, homes in figures.rows()])]
    chart_rows += [(c.name, [(m, label, homes) for m, label, _e, homes in cov.rows()]) for c, cov in children]
    return render(request, "places/coverage.html", {
        "division": division,
        "figures": figures,
        "children": children,
        "chart": stacked_bars(chart_rows),
        "ancestors": _ancestors(division, divisions),
        **_coverage_rows(figures, children),
    })


def _coverage_rows(figures, children) -> dict:
    """The coverage tables' rows, every value escaped (``html.escape``, as the template's autoescape): through the
    template language, with a url tag per row, a district's 95 unmanaged estates and 18 contracts cost a sixth of
    the page."""
    division_url = reverser("places:coverage_division", "900000000000")
    estate_url = reverser("places:estate_detail", 987654321)
    esc = html.escape
    return {
        "child_rows": SafeString("".join(
            f'<tr><td><a href="{esc(division_url(child.code))}">{esc(child.name)}</a></td><td>{cov.estates_total}'
            f'</td><td>{cov.homes_total}</td>\n<td>{esc(percent(cov.professional_share))}</td>'
            f'<td>{len(cov.unmanaged)}</td></tr>' for child, cov in children)),
        "unmanaged_rows": SafeString("".join(
            f'<tr><td><a href="{esc(estate_url(e.pk))}">{esc(e.name)}</a></td><td>{esc(str(e.community))}</td>'
            f'<td>{e.home_count}</td></tr>' for e in figures.unmanaged)),
        "expiring_rows": SafeString("".join(
            f'<tr><td><a href="{esc(estate_url(s.estate_id))}">{esc(str(s.estate))}</a></td>'
            f'<td>{esc(str(s.provider)) if s.provider else "—"}</td><td>{s.contract_end:%Y-%m-%d}</td></tr>'
            for s in figures.expiring)),
    }


def _ancestors(division, visible):
    out, node = [], division.parent
    while node is not None:
        if visible.filter(pk=node.pk).exists():
            out.insert(0, node)
        node = node.parent
    return out
