"""The chart gallery (staff only): one chart of each kind with sample figures, for designers and for the browser
tests (e2e/test_dashboard_charts.py), and a sample wall screen. The figures are made up; nothing is read from the
database, so the page shows nobody's data."""

import datetime
import math

from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from linli.core.access import staff_required

ESTATES = [  # name, longitude, latitude, orders per 100 homes (sample)
    ("锦霞小区", 106.4862, 29.4801, 9.5), ("新工宿舍", 106.4911, 29.4772, 14.2), ("百花园", 106.4790, 29.4868, 3.1),
    ("钢花村", 106.4955, 29.4839, 6.8), ("阳光<花园> & \"一期\"", 106.4823, 29.4735, 11.0),
    ("建设村", 106.4740, 29.4790, 4.4), ("茄子溪", 106.5002, 29.4750, 7.9),
]

# A made-up street outline (two communities) in GeoJSON, around the sample estates.
OUTLINE = {"type": "FeatureCollection", "features": [
    {"type": "Feature", "properties": {"name": "锦霞社区"}, "geometry": {"type": "Polygon", "coordinates": [[
        [106.4700, 29.4700], [106.4880, 29.4700], [106.4880, 29.4900], [106.4720, 29.4910], [106.4700, 29.4700]]]}},
    {"type": "Feature", "properties": {"name": "新工社区"}, "geometry": {"type": "Polygon", "coordinates": [[
        [106.4880, 29.4700], [106.5050, 29.4710], [106.5030, 29.4880], [106.4880, 29.4900], [106.4880, 29.4700]]]}},
]}


def picked_url(name: str) -> str:
    return reverse("dashboard:chart_gallery") + "?" + urlencode({"picked": name})


def sample_charts(today: datetime.date) -> list[dict]:
    days = [today - datetime.timedelta(days=n) for n in range(29, -1, -1)]
    line_rows = []
    for i, day in enumerate(days):
        this_year = 12 + round(6 * math.sin(i / 3)) + i // 4
        last_year = None if i in (10, 11) else 15 + round(4 * math.cos(i / 4))  # two days not recorded last year
        line_rows.append((day.strftime("%m-%d"), [this_year, last_year]))
    channels = [(_("12345热线"), 412), (_("电话"), 268), (_("微信"), 355), (_("上门"), 97), (_("二维码"), 143)]
    ranking = sorted(ESTATES, key=lambda e: -e[3])
    statuses = [_("待分派"), _("处理中"), _("已超期")]
    communities = [("锦霞社区", [12, 30, 4]), ("新工社区", [8, 21, 9]), ("钢花社区", [5, 17, 2]),
                   ("茄子溪社区", [None, 11, 1])]
    categories = [(_("环境卫生"), 320), (_("设施维修"), 281), (_("停车管理"), 164), (_("噪音扰民"), 88),
                  (_("物业服务"), 140), (_("其他"), 61)]
    points = [(name, [lon, lat, (value, picked_url(name))]) for name, lon, lat, value in ESTATES]
    return [
        {"kind": "line", "title": _("每日受理量"), "unit": _("件"),
         "columns": [_("日期"), _("今年"), _("去年同期")], "rows": line_rows},
        {"kind": "bar", "title": _("按渠道受理量"), "unit": _("件"),
         "columns": [_("渠道"), _("受理量")], "rows": [(name, [n]) for name, n in channels]},
        {"kind": "hbar", "title": _("每百户诉求量排名"), "unit": _("件/百户"), "id": "chart-ranking",
         "columns": [_("小区"), _("每百户诉求量")],
         "rows": [((name, picked_url(name)), [(value, picked_url(name))]) for name, _lon, _lat, value in ranking]},
        {"kind": "stack", "title": _("积压工单（按状态）"), "unit": _("件"),
         "columns": [_("社区"), *statuses], "rows": communities},
        {"kind": "pie", "title": _("诉求分类"), "unit": _("件"),
         "columns": [_("分类"), _("受理量")], "rows": [(name, [n]) for name, n in categories]},
        {"kind": "map", "title": _("小区分布（有区划轮廓）"), "unit": _("件/百户"), "outline": OUTLINE,
         "columns": [_("名称"), _("经度"), _("纬度"), _("每百户诉求量")], "rows": points},
        {"kind": "map", "title": _("小区分布（坐标图）"), "unit": _("件/百户"),
         "columns": [_("名称"), _("经度"), _("纬度"), _("每百户诉求量")], "rows": points},
    ]


@staff_required
def chart_gallery(request):
    return render(request, "dashboard/charts_gallery.html", {
        "charts": sample_charts(timezone.localdate()),
        "picked": request.GET.get("picked", ""),
    })


@staff_required
def chart_wall(request):
    """A sample wall screen: ?refresh=N seconds (1–3600, default 300)."""
    try:
        refresh = min(max(int(request.GET.get("refresh", 300)), 1), 3600)
    except ValueError:
        refresh = 300
    now = timezone.localtime()
    charts = sample_charts(now.date())[:6]
    return render(request, "dashboard/charts_wall.html", {
        "charts": charts, "refresh": refresh, "now": now,
        "stats": [(_("今日受理"), 37), (_("处理中"), 79), (_("已超期"), 16), (_("满意率"), "96.2%")],
    })


urlpatterns = [
    path("charts/", chart_gallery, name="chart_gallery"),
    path("charts/wall/", chart_wall, name="chart_wall"),
]


def ready():
    """Nothing to register: the gallery is reached by its address (docs/dashboard-charts.md)."""
