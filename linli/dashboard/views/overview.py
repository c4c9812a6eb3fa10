"""The overview pages (issue 17 item 1): ``/dashboard/`` (the user's top area), ``/dashboard/<code>/`` (a division
below it), ``/dashboard/<code>/wall/`` (the command centre's wall screen). Figures: linli/dashboard/selectors.py."""

from __future__ import annotations

import datetime
import re

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, re_path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.core.access import staff_required
from linli.dashboard import selectors as sel
from linli.dashboard import store
from linli.people.roles import Role
from linli.places.models import Division
from linli.workorders.permissions import rates_divisions

# Who lands on the dashboard after signing in (the others get the link in the top bar).
LANDING_ROLES = {Role.STREET_ADMIN, Role.DISTRICT_ADMIN, Role.AUDITOR}


def _cell(value, text=None, url=None) -> dict:
    raw = "" if value is None else str(value)
    return {"raw": raw, "text": text if text is not None else raw, "url": url}


def chart(kind: str, title: str, unit: str, columns: list, rows: list) -> dict:
    """The table-first chart of the contract (docs/dashboard-charts.md), as the template's include reads it:
    rows = [(label, url, [cell …])]."""
    return {"kind": kind, "title": title, "unit": unit, "columns": columns,
            "rows": [{"label": label, "url": url, "cells": cells} for label, url, cells in rows]}


def charts_for(figures: sel.Figures) -> dict:
    o = figures.orders
    out = {
        "trend": chart("line", _("受理量趋势"), _("件"), [_("日期") if o["trend_unit"] == "day" else _("月份"),
                                                          _("本期"), _("去年同期")],
                       [(t["label"], t["url"], [_cell(t["count"], url=t["url"]), _cell(t["last_year"])])
                        for t in o["trend"]]),
        "channel": chart("pie", _("按渠道"), _("件"), [_("渠道"), _("受理量")],
                         [(c["label"], c["url"], [_cell(c["count"], url=c["url"])]) for c in o["by_channel"]]),
        "category": chart("hbar", _("按类别"), _("件"), [_("类别"), _("受理量")],
                          [(c["label"], c["url"], [_cell(c["count"], url=c["url"])]) for c in o["by_category"]]),
        "tier": chart("bar", _("易事·难事·大事"), _("件"), [_("难易"), _("受理量")],
                      [(t["label"], t["url"], [_cell(t["count"], url=t["url"])]) for t in o["by_tier"]]),
    }
    if figures.backlog:
        out["backlog"] = chart("bar", _("在办工单（按状态）"), _("件"), [_("状态"), _("件数")],
                               [(b["label"], b["url"], [_cell(b["count"], url=b["url"])])
                                for b in figures.backlog["by_status"]])
    if figures.hotline and figures.hotline["rows"]:
        out["hotline"] = chart("hbar", _("每百户12345工单（按小区）"), _("件/百户"), [_("小区"), _("每百户"), _("件数")],
                               [(r["name"], r["page"], [_cell(r["per_100"], url=r["page"]),
                                                        _cell(r["count"], url=r["url"])])
                                for r in figures.hotline["rows"]])
    if figures.hotline and figures.hotline.get("points"):
        # The estates by their coordinates, drawn without online tiles (charts.js: a plain longitude/latitude plot).
        out["map"] = chart("map", _("小区分布：每百户12345工单"), _("件/百户"),
                           [_("小区"), _("经度"), _("纬度"), _("每百户")],
                           [(pt["name"], pt["url"], [_cell(pt["longitude"]), _cell(pt["latitude"]),
                                                     _cell(pt["per_100"])])
                            for pt in figures.hotline["points"]])
    if figures.coverage:
        out["coverage"] = chart("pie", _("物业管理方式（按户）"), _("户"), [_("管理方式"), _("户数")],
                                [(m["label"], None, [_cell(m["homes"])]) for m in figures.coverage["modes"]])
    if figures.fees and any(t["rate"] is not None for t in figures.fees["trend"]):
        out["fees"] = fee_trend_chart(figures.fees["trend"])
    if figures.children:
        out["children"] = chart("bar", _("下级受理量与满意率"), "", [_("区划"), _("受理量"), _("满意率%")],
                                [(c["name"], c["url"], [_cell(c["received"], url=c["url"]), _cell(c["satisfaction"])])
                                 for c in figures.children])
    return out


def fee_trend_chart(trend: list[dict]) -> dict:
    """Each month's bills as paid by the end of that month and of the next (selectors.fee_trend)."""
    out = chart("line", _("物业费收缴率（按金额，当月账单）"), "%", [_("月份"), _("当月底收缴率"), _("次月底收缴率")],
                [(t["label"], None, [_cell(t["rate"]), _cell(t["next_rate"])]) for t in trend])
    out["note"] = _("每月账单在当月底、次月底前已缴的比例，按实际缴费日期计算；以后补缴的欠费不改变往月的数字。")
    return out


def _area_or_404(request, code):
    area = sel.area_for(request.user, code)
    if area is None:
        raise Http404
    return area


def _period(request):
    try:
        return sel.parse_period(request.GET.get("period")), ""
    except ValueError as exc:
        return sel.parse_period(None), str(exc)


def _breadcrumbs(request, area: sel.Area) -> list[Division]:
    if len(area.divisions) != 1:
        return []
    tops = sel.top_divisions(request.user)
    division = area.divisions[0]
    parts = [p for p in division.path.split("/") if p]
    paths = ["".join(f"{c}/" for c in parts[: i + 1]) for i in range(len(parts) - 1)]
    return [d for d in Division.objects.filter(path__in=paths).order_by("path")
            if any(d.path.startswith(t.path) for t in tops)]


def downloads(user, area, period) -> list[dict]:
    """The reports people take to meetings, as direct links on the dashboard (issue 17 item 3): the month's report
    (the period's month, else last month) as PDF and Excel, last week's joint-meeting briefing (streets and
    districts), the 12345 assessment export and the page of earlier reports. Only where the reports' own rule lets
    the user download them (``rates_divisions``, as the rates page)."""
    if not area.code or not rates_divisions(user).filter(code=area.code).exists():
        return []
    today = timezone.localdate()
    month = period.key if re.fullmatch(r"\d{4}-\d{2}", period.key) else \
        f"{today.replace(day=1) - datetime.timedelta(days=1):%Y-%m}"
    code = area.code

    def item(title, fmt, url, hint):
        # ``text``: the whole label in one string (what a screen reader says and the tests look for).
        return {"text": _("%(t)s（%(f)s）") % {"t": title, "f": fmt} if fmt else title, "title": title, "fmt": fmt, "hint": hint, "url": url,
                "file": bool(fmt)}

    pdf, excel = _("PDF"), _("Excel")
    a4, table = _("A4 打印版"), _("可编辑表格")
    month_title = _("%(m)s 月报") % {"m": month}
    out = [item(month_title, pdf, reverse("dashboard:report_month", kwargs={"code": code, "key": month, "fmt": "pdf"}),
                a4),
           item(month_title, excel,
                reverse("dashboard:report_month", kwargs={"code": code, "key": month, "fmt": "xlsx"}), table)]
    if area.level in (Division.Level.STREET, Division.Level.DISTRICT):
        year, week, _weekday = (today - datetime.timedelta(days=7)).isocalendar()
        key = f"{year}-W{week:02d}"
        out += [item(_("上周联席会议周报"), pdf,
                     reverse("dashboard:report_week", kwargs={"code": code, "key": key, "fmt": "pdf"}), a4),
                item(_("上周联席会议周报"), excel,
                     reverse("dashboard:report_week", kwargs={"code": code, "key": key, "fmt": "xlsx"}), table)]
    out += [item(_("12345考核导出"), excel,
                 reverse("dashboard:report_assessment", kwargs={"code": code, "fmt": "xlsx"}) + f"?period={period.key}",
                 _("受理量、响应率、解决率、满意率等")),
            item(_("全部月报与周报"), "", reverse("dashboard:reports", kwargs={"code": code}), _("往期报告列表"))]
    return out


@staff_required
def index(request, code=None):
    if code is None and sel.area_for(request.user, None) is None:
        # A property manager serves no division: their page is the overview of their company's estates.
        from linli.dashboard.estates import managed_companies

        if managed_companies(request.user):
            return redirect("dashboard:company")
    area = _area_or_404(request, code)
    period, error = _period(request)
    figures = store.overview(request.user, area, period, period_text="" if error else request.GET.get("period", ""))
    return render(request, "dashboard/overview.html", {"as_of": figures.as_of,
        "area": area, "period": period, "error": error, "figures": figures, "charts": charts_for(figures),
        "shortcuts": sel.shortcuts(timezone.localdate()), "breadcrumbs": _breadcrumbs(request, area),
        "downloads": downloads(request.user, area, period),
    })


@staff_required
def wall(request, code=None):
    area = _area_or_404(request, code)
    period, error = _period(request)
    figures = store.overview(request.user, area, period, parts=("backlog", "hotline", "children"),
                             period_text="" if error else request.GET.get("period", ""))
    return render(request, "dashboard/wall.html", {
        "area": area, "period": period, "figures": figures, "charts": charts_for(figures),
        "now": timezone.localtime(),
    })


# A division's code starts with a digit (统计用区划代码): the other parts' pages (assessment/, reports/) never do.
urlpatterns = [
    path("", index, name="index"),
    path("wall/", wall, name="wall_top"),
    re_path(r"^(?P<code>\d[\w-]*)/$", index, name="division"),
    re_path(r"^(?P<code>\d[\w-]*)/wall/$", wall, name="wall"),
]


def ready():
    """The top-bar link (staff who serve a division) and the first page after sign-in (street, district and city
    admins and auditors)."""
    from linli.core.landing import Landing
    from linli.core.landing import register as register_landing
    from linli.core.nav import NavItem
    from linli.core.nav import register as register_nav

    register_nav(NavItem(gettext_lazy("总览"), "dashboard:index",
                         lambda scope, user: (scope.is_staff_member and bool(scope.paths))
                         or (Role.PROPERTY_MANAGER in scope.roles and bool(scope.org_ids)), order=8))
    register_landing(Landing("dashboard:index", lambda scope, user: bool(scope.roles & LANDING_ROLES)
                             and bool(scope.paths), order=10))
