"""The property manager's overview of the estates their company manages (``/dashboard/company/``) and the estate page
of the dashboard (``/dashboard/estate/<pk>/``), where the ranking, the map and the 12345 table lead. Figures:
linli/dashboard/estates.py; who sees what is said there."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.access import staff_required
from linli.dashboard import estates as est
from linli.dashboard import selectors as sel
from linli.dashboard.views.overview import _cell, _period, chart, fee_trend_chart
from linli.fees.permissions import reads_fees


def _orders_charts(fig: dict) -> dict:
    out = {
        "trend": chart("line", _("近12个月受理量"), _("件"), [_("月份"), _("受理量"), _("其中12345")],
                       [(t["label"], t["url"], [_cell(t["count"], url=t["url"]), _cell(t["hotline"])])
                        for t in fig["trend"]]),
        "tier": chart("bar", _("易事·难事·大事"), _("件"), [_("难易"), _("受理量")],
                      [(t["label"], t["url"], [_cell(t["count"], url=t["url"])]) for t in fig["by_tier"]]),
        "category": chart("hbar", _("按类别"), _("件"), [_("类别"), _("受理量")],
                          [(c["label"], c["url"], [_cell(c["count"], url=c["url"])]) for c in fig["by_category"]]),
        "channel": chart("pie", _("按渠道"), _("件"), [_("渠道"), _("受理量")],
                         [(c["label"], c["url"], [_cell(c["count"], url=c["url"])]) for c in fig["by_channel"]]),
    }
    return out


@staff_required
def company(request, org_id=None):
    companies = est.managed_companies(request.user)
    if org_id is None and companies:
        chosen = companies[0]
    else:
        chosen = next((c for c in companies if c.pk == org_id), None)
    if chosen is None:
        raise Http404
    period, error = _period(request)
    fig = est.cached(("company", chosen.pk, period.key), lambda: est.company_overview(chosen, period))
    charts = _orders_charts(fig)
    rows = fig["rows"]
    if rows:
        charts["hotline"] = chart(
            "hbar", _("每百户12345工单（按小区）"), _("件/百户"), [_("小区"), _("每百户"), _("件数")],
            [(r.estate.name, r.links["page"], [_cell(r.hotline_per_100, url=r.links["page"]),
                                               _cell(r.hotline, url=r.links["hotline"])]) for r in rows])
        charts["fees_by_estate"] = chart(
            "hbar", _("物业费收缴率（按小区，按金额）"), "%", [_("小区"), _("收缴率"), _("按户")],
            [(r.estate.name, r.links["page"], [_cell(r.fee_rate, url=r.links["fees"]), _cell(r.household_rate)])
             for r in sorted(rows, key=lambda r: (r.fee_rate is None, r.fee_rate or 0, r.estate.name))])
    if fig["map"]:
        charts["map"] = chart("map", _("小区分布：每百户12345工单"), _("件/百户"),
                              [_("小区"), _("经度"), _("纬度"), _("每百户")],
                              [(r.estate.name, r.links["page"], [_cell(r.estate.longitude), _cell(r.estate.latitude),
                                                                 _cell(r.hotline_per_100 or 0)]) for r in fig["map"]])
    if any(t["rate"] is not None for t in fig["fee_trend"]):
        charts["fees"] = fee_trend_chart(fig["fee_trend"])
    return render(request, "dashboard/company.html", {
        "fig": fig, "t": fig["totals"], "charts": charts, "period": period, "error": error,
        "companies": companies if len(companies) > 1 else [], "shortcuts": sel.shortcuts(timezone.localdate()),
    })


@staff_required
def estate(request, pk):
    found = est.estate_for(request.user, pk)
    if found is None:
        raise Http404
    period, error = _period(request)
    fig = est.cached(("estate", found.pk, period.key), lambda: est.estate_overview(found, period))
    if not reads_fees(request.user):  # kept for everyone who opens the estate: no link to a fee page that 404s
        fig = {**fig, "fees": {**fig["fees"], "url": None}}
    charts = _orders_charts(fig)
    charts["backlog"] = chart("bar", _("在办工单（按状态）"), _("件"), [_("状态"), _("件数")],
                              [(b["label"], b["url"], [_cell(b["count"], url=b["url"])]) for b in fig["backlog"]])
    if any(t["rate"] is not None for t in fig["fees"]["trend"]):
        charts["fees"] = fee_trend_chart(fig["fees"]["trend"])
    # The way back: the area overview of the division the user serves, or the company page.
    tops = sel.top_divisions(request.user)
    back = (sel.link("dashboard:division", found.community.code, period=period.key)
            if any(found.community.path.startswith(t.path) for t in tops)
            else sel.link("dashboard:company", period=period.key))
    return render(request, "dashboard/estate.html", {
        "fig": fig, "row": fig["row"], "estate": found, "charts": charts, "period": period, "error": error,
        "back": back, "shortcuts": sel.shortcuts(timezone.localdate()),
    })


def index_for_managers(request):
    """``/dashboard/`` of a property manager who serves no division: their company's page."""
    if est.managed_companies(request.user):
        return redirect("dashboard:company")
    raise Http404


urlpatterns = [
    path("company/", company, name="company"),
    path("company/<int:org_id>/", company, name="company_one"),
    path("estate/<int:pk>/", estate, name="estate"),
]
