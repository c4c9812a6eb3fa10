"""Reports people take to meetings: the monthly street report and the weekly joint-meeting briefing as PDF and XLSX
(direct links), the page that lists them, and the 12345 assessment export (XLSX, CSV). docs/dashboard-reports.md.

Who: staff whose division covers the one asked for (admins, grid workers, department handlers, auditors — the rule of
the rates page, ``workorders.permissions.rates_divisions``); anyone else gets 404. Every download is a line of the
security audit log."""

import datetime
from urllib.parse import quote

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import re_path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.access import staff_required
from linli.core.dbrouter import replica_reads
from linli.people.models import AuditEvent
from linli.people.services import audit
from linli.places.models import Division
from linli.workorders import links as workorder_links
from linli.workorders import rates as rates_mod
from linli.workorders.permissions import rates_divisions

MONTHS_LISTED = 12
WEEKS_LISTED = 8
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
CODE = r"(?P<code>[0-9A-Za-z_-]+)"


def _division(user, code: str, *, levels=None) -> Division:
    """The division ``code`` if ``user`` may see its figures (and it is of one of ``levels``), else 404."""
    division = rates_divisions(user).filter(code=code).first()
    if division is None or (levels and division.level not in levels):
        raise Http404
    return division


def _download(request, *, body: bytes, fmt: str, filename: str, target: str, data: dict) -> HttpResponse:
    audit(action=AuditEvent.Action.EXPORT, user=request.user, request=request, target=target, data=data)
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    # RFC 6266: a Chinese name for browsers that read filename*, an ASCII one for the rest
    ascii_name = filename.encode("ascii", "ignore").decode() or f"report.{fmt}"
    response["Content-Disposition"] = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    return response


def _font_missing(request, exc):
    return render(request, "dashboard/report_error.html", {"message": str(exc)}, status=503)


@staff_required
@replica_reads
def month_download(request, code, key, fmt):
    from linli.dashboard.reports import data, fonts, pdf, xlsx

    division = _division(request.user, code)
    try:
        period = data.month_period(key)
    except ValueError:
        raise Http404 from None
    report = data.month_report(division, period, user=request.user)
    try:
        body = pdf.month_pdf(report) if fmt == "pdf" else xlsx.month_xlsx(report)
    except fonts.FontMissing as exc:
        return _font_missing(request, exc)
    return _download(request, body=body, fmt=fmt, filename=f"{division.code}-{period.key}-{_('月度报告')}.{fmt}",
                     target=f"dashboard.report.month:{division.code}:{period.key}",
                     data={"format": fmt, "report": "month", "division": division.code, "period": period.key})


@staff_required
@replica_reads
def week_download(request, code, key, fmt):
    from linli.dashboard.reports import data, fonts, pdf, xlsx

    division = _division(request.user, code, levels=(Division.Level.STREET, Division.Level.DISTRICT))
    try:
        period = data.week_period(key)
    except ValueError:
        raise Http404 from None
    report = data.week_report(division, period, user=request.user)
    try:
        body = pdf.week_pdf(report) if fmt == "pdf" else xlsx.week_xlsx(report)
    except fonts.FontMissing as exc:
        return _font_missing(request, exc)
    return _download(request, body=body, fmt=fmt, filename=f"{division.code}-{period.key}-{_('联席会议周报')}.{fmt}",
                     target=f"dashboard.report.week:{division.code}:{period.key}",
                     data={"format": fmt, "report": "week", "division": division.code, "period": period.key})


@staff_required
@replica_reads
def assessment_download(request, code, fmt):
    """12345考核导出 for ``?period=`` (2026-11, 2026-Q4, 2026 or 2026-11-01..2026-11-15; empty: this month)."""
    from linli.dashboard.reports import data, xlsx

    division = _division(request.user, code)
    try:
        period = rates_mod.parse_period(request.GET.get("period"))
    except ValueError as exc:
        return render(request, "dashboard/report_error.html", {"message": str(exc)}, status=400)
    lines, total = data.assessment(division, period)
    if fmt == "csv":
        body = xlsx.assessment_csv(lines, total)
    else:
        body = xlsx.assessment_xlsx(division, period, lines, total, generated_by=data.who(request.user))
    return _download(request, body=body, fmt=fmt, filename=f"{division.code}-{period.key}-{_('12345考核')}.{fmt}",
                     target=f"dashboard.report.assessment:{division.code}:{period.key}",
                     data={"format": fmt, "report": "assessment", "division": division.code, "period": period.key,
                           "rows": len(lines)})


def recent_months(today: datetime.date, n: int = MONTHS_LISTED) -> list[str]:
    """This month and the ``n - 1`` before it, newest first."""
    out, year, month = [], today.year, today.month
    for _i in range(n):
        out.append(f"{year}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return out


def recent_weeks(today: datetime.date, n: int = WEEKS_LISTED) -> list[tuple[str, datetime.date, datetime.date]]:
    """This ISO week and the ``n - 1`` before it, newest first: (key, Monday, Sunday)."""
    from linli.dashboard.reports.data import week_key

    monday = today - datetime.timedelta(days=today.weekday())
    out = []
    for i in range(n):
        first = monday - datetime.timedelta(weeks=i)
        out.append((week_key(first), first, first + datetime.timedelta(days=6)))
    return out


@staff_required
def reports_index(request, code):
    """The last 12 months and 8 weeks with their links, the assessment export, and the streets below a district."""
    division = _division(request.user, code)
    today = timezone.localdate()
    weekly = division.level in (Division.Level.STREET, Division.Level.DISTRICT)
    children = list(rates_divisions(request.user).filter(parent=division, level=Division.Level.STREET)
                    .order_by("code")) if division.level == Division.Level.DISTRICT else []
    return render(request, "dashboard/reports.html", {
        "division": division, "months": recent_months(today), "weeks": recent_weeks(today) if weekly else [],
        "children": children, "this_month": f"{today:%Y-%m}",
        "last_month": f"{(today.replace(day=1) - datetime.timedelta(days=1)):%Y-%m}",
    })


def assessment_links(user, division, period) -> list[dict]:
    """The export's links on the rates page (``workorders.links.register_rates``)."""
    base = reverse("dashboard:report_assessment", kwargs={"code": division.code, "fmt": "xlsx"})
    csv_url = reverse("dashboard:report_assessment", kwargs={"code": division.code, "fmt": "csv"})
    return [{"text": _("导出12345考核表（Excel）"), "url": f"{base}?period={period.key}"},
            {"text": _("导出12345考核表（CSV）"), "url": f"{csv_url}?period={period.key}"},
            {"text": _("月报与周报"), "url": reverse("dashboard:reports", kwargs={"code": division.code})}]


urlpatterns = [
    re_path(rf"^{CODE}/reports/$", reports_index, name="reports"),
    re_path(rf"^{CODE}/reports/month/(?P<key>\d{{4}}-\d{{2}})\.(?P<fmt>pdf|xlsx)$", month_download,
            name="report_month"),
    re_path(rf"^{CODE}/reports/week/(?P<key>\d{{4}}-W\d{{2}})\.(?P<fmt>pdf|xlsx)$", week_download,
            name="report_week"),
    re_path(rf"^{CODE}/reports/assessment\.(?P<fmt>xlsx|csv)$", assessment_download, name="report_assessment"),
]


def ready():
    """Registers this part's links and hooks (called from DashboardConfig.ready)."""
    from linli.dashboard.reports import checks  # noqa: F401 - registers the deploy check of the PDF font

    workorder_links.register_rates("dashboard.assessment_export", assessment_links)
