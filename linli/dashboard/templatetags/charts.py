"""The chart markup of the dashboard (docs/dashboard-charts.md): a table first, drawn by charts.js.

``{% load charts %}{% chart kind="line" title=_("每日受理量") unit=_("件") columns=columns rows=rows %}``

- ``columns``: the header strings; the first names the categories (日期, 小区 …), each further one a series.
- ``rows``: ``[(label, [value, …]), …]``. A label or a value may be a pair ``(x, url)``: the cell then holds a link
  that a click on the point, bar or slice follows. A value is an int, a Decimal (money, rates) or a float; ``None``
  or ``""`` is "no value" (drawn as a gap, read as 无数据), never zero.
- ``map``: columns 名称, 经度, 纬度, then one value column; ``outline`` (a GeoJSON FeatureCollection, a dict) is
  drawn under the points.

Everything is escaped by the template (estate names are user text); the outline goes through ``json_script``.
``{% chart_assets %}`` in a page's ``head`` block loads the stylesheet, ECharts and charts.js once.
"""

from decimal import Decimal

from django import template
from django.utils.html import json_script
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()

KINDS = ("line", "bar", "hbar", "stack", "pie", "map")


def _split(item):
    """(x, url) → (x, url); x → (x, None)."""
    if isinstance(item, (tuple, list)):
        if len(item) != 2:
            raise template.TemplateSyntaxError(f"a chart cell is a value or a (value, url) pair, not {item!r}")
        return item[0], item[1] or None
    return item, None


def raw_number(value) -> str:
    """The cell's data-value: digits with a dot decimal, no grouping, no exponent; "" for no value."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise template.TemplateSyntaxError(f"a chart value is a number or None, not {value!r}")
    if isinstance(value, float):
        value = Decimal(repr(value))
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise template.TemplateSyntaxError(f"a chart value is a finite number, not {value!r}")
        return format(value, "f")
    return str(value)


def cell(item) -> dict:
    value, url = _split(item)
    raw = raw_number(value)
    # Read as official statistics print them, in Chinese as in English: 12,345.60 (the decimals as given).
    text = format(Decimal(raw), ",f") if raw else ""
    return {"raw": raw, "text": text, "url": url}


@register.inclusion_tag("dashboard/_chart.html")
def chart(kind, title, unit="", columns=(), rows=(), outline=None, id=None, note=""):
    if kind not in KINDS:
        raise template.TemplateSyntaxError(f"chart kind {kind!r} is not one of {', '.join(KINDS)}")
    columns = list(columns)
    if len(columns) < 2:
        raise template.TemplateSyntaxError("a chart needs a category column and at least one series column")
    body = []
    for label, values in rows:
        values = list(values)
        if len(values) != len(columns) - 1:
            raise template.TemplateSyntaxError(
                f"chart row {label!r} has {len(values)} values for {len(columns) - 1} series columns")
        name, url = _split(label)
        body.append({"label": name, "url": url, "cells": [cell(v) for v in values]})
    return {
        "kind": kind, "title": title, "unit": unit, "note": note, "id": id,
        "columns": columns, "rows": body,
        # json_script escapes <, > and & so that a name in the outline cannot close the script element.
        "outline": mark_safe(json_script(outline).replace(  # noqa: S308 (json_script's output, escaped)
            '<script type="application/json">', '<script type="application/json" class="chart-outline">', 1))
        if outline else "",
    }


@register.inclusion_tag("dashboard/_chart_assets.html")
def chart_assets():
    """The stylesheet, ECharts and charts.js (deferred), and the few words charts.js writes, translated."""
    words = {
        "showTable": _("查看表格"), "showChart": _("查看图表"), "noValue": _("无数据"), "open": _("点击查看明细"),
        "updated": _("更新于"), "failed": _("刷新失败"), "stale": _("屏上仍是这一时刻的数据："),
        "retry": _("将自动重试"), "signedOut": _("登录已失效，请重新登录"), "fullscreen": _("全屏"),
        "exitFullscreen": _("退出全屏"), "longitude": _("经度"), "latitude": _("纬度"), "total": _("合计"),
    }
    return {"words": json_script(words, "chart-words")}
