"""The assessment rates (响应率/解决率/满意率) page and its bars."""

import datetime
from decimal import Decimal

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from linli.core.access import staff_required
from linli.core.dbrouter import replica_reads
from linli.places.models import Division
from linli.workorders import daily, links, permissions
from linli.workorders import rates as rates_mod

# -- rates ---------------------------------------------------------------------------------------------------


def division_prefixes(path: str) -> list[str]:
    """The paths of a division and of every division above it ("11/", "11/05/", "11/05/03/")."""
    parts = [p for p in path.split("/") if p]
    return ["".join(f"{c}/" for c in parts[: i + 1]) for i in range(len(parts))]


BAR_COLOURS = {"response": "#3b78c4", "resolution": "#2e9a56", "satisfaction": "#d9a21b", "score": "#8a5cc7"}


def rate_bars(rows, *, width: int = 460, label_width: int = 96) -> str:
    """Grouped horizontal bars (response, resolution, satisfaction per row) as inline SVG, 0–100 %."""
    keys = [("response", _("响应率")), ("resolution", _("解决率")), ("satisfaction", _("满意率"))]
    bar, gap = 8, 12
    block = bar * len(keys) + gap
    height = max(block * len(rows), block)
    plot = width - label_width - 52
    out = [f'<svg class="chart" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg" role="img">',
           f"<title>{escape(_('响应率、解决率、满意率条形图（数据见表）'))}</title>"]
    for i, row in enumerate(rows):
        y = i * block
        out.append(f'<text x="0" y="{y + bar * 2:.0f}" font-size="12">{escape(row.name[:7])}</text>')
        for j, (key, label) in enumerate(keys):
            value = getattr(row.tally, f"{key}_rate")
            yy = y + j * bar
            if value is None:
                out.append(f'<text x="{label_width}" y="{yy + bar - 1}" font-size="8" fill="#777">—</text>')
                continue
            w = float(Decimal(plot) * value)
            out.append(f'<rect x="{label_width}" y="{yy}" width="{w:.1f}" height="{bar - 1}" '
                       f'fill="{BAR_COLOURS[key]}"><title>{escape(label)}: {value * 100:.2f}%</title></rect>')
            out.append(f'<text x="{label_width + w + 3:.1f}" y="{yy + bar - 1}" font-size="8">{value * 100:.1f}%</text>')
    out.append("</svg>")
    out.append('<p class="legend">')
    for key, label in keys:
        out.append(f'<span><i class="sw-{key}"></i>{escape(label)}</span>')
    out.append("</p>")
    return mark_safe("".join(out))


@staff_required
@replica_reads
def rates_page(request, code=None):
    divisions = permissions.rates_divisions(request.user)
    if code is None:
        top = divisions.order_by("path").first()
        if top is None:
            raise Http404
        # The period (and any other choice in the query string) goes along to the division's page.
        query = request.GET.urlencode()
        return redirect(reverse("workorders:rates_division", args=[top.code]) + (f"?{query}" if query else ""))
    division = divisions.filter(code=code).first()
    if division is None:
        raise Http404
    try:
        period = rates_mod.parse_period(request.GET.get("period"))
        error = ""
    except ValueError as exc:
        period, error = rates_mod.parse_period(None), str(exc)
    figures = daily.current_rates(division, period)
    # Ranked by score (issue 17): the best first, equal scores share a rank; the figures are unchanged.
    figures.by_org = rates_mod.ranked_rows(figures.by_org)
    figures.by_community = rates_mod.ranked_rows(figures.by_community)
    figures.by_street = rates_mod.ranked_rows(figures.by_street)
    children = list(divisions.filter(parent=division).order_by("path"))
    ancestors = list(divisions.filter(path__in=division_prefixes(division.path)).exclude(pk=division.pk)
                     .order_by("path"))
    today = timezone.localdate()
    shortcuts = [(f"{today:%Y-%m}", _("本月")),
                 (f"{(today.replace(day=1) - datetime.timedelta(days=1)):%Y-%m}", _("上月")),
                 (f"{today.year}-Q{(today.month - 1) // 3 + 1}", _("本季度")), (str(today.year), _("本年"))]
    chart_rows = figures.by_community if division.level != Division.Level.COMMUNITY else figures.by_org
    return render(request, "workorders/rates.html", {
        "division": division, "period": period, "figures": figures, "error": error, "children": children,
        "ancestors": ancestors, "shortcuts": shortcuts, "chart": rate_bars(chart_rows),
        "org_chart": rate_bars(figures.by_org) if figures.by_org else "",
        "weights": rates_mod.score_weights(),
        "extra_links": links.rates_links_for(request.user, division, period),
    })
