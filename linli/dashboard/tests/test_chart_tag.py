"""The {% chart %} tag renders the table-first markup of docs/dashboard-charts.md, escaping what people typed."""

import json
from decimal import Decimal
from xml.etree import ElementTree

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.utils import translation


def render(**kw) -> str:
    with translation.override("zh-hans"):
        return Template(
            "{% load charts %}{% chart kind=kind title=title unit=unit columns=columns rows=rows outline=outline %}"
        ).render(Context({"unit": "", "outline": None, **kw}))


def figure(markup: str):
    """The markup is well-formed XML too: parse it strictly (a stray < or & would fail here)."""
    return ElementTree.fromstring(markup.strip())


def test_it_renders_a_figure_with_the_kind_title_unit_and_caption():
    fig = figure(render(kind="line", title="每日受理量", unit="件", columns=["日期", "今年"], rows=[("11-01", [12])]))
    assert fig.tag == "figure"
    assert (fig.get("class"), fig.get("data-chart"), fig.get("data-unit"), fig.get("data-title")) == (
        "chart", "line", "件", "每日受理量")
    assert fig.findtext("figcaption") == "每日受理量（件）"


def test_the_first_column_is_categories_and_each_further_column_a_series():
    fig = figure(render(kind="bar", title="t", columns=["日期", "今年", "去年同期"],
                        rows=[("11-01", [12, 9]), ("11-02", [3, 4])]))
    assert [th.text for th in fig.findall(".//thead/tr/th")] == ["日期", "今年", "去年同期"]
    assert [th.get("scope") for th in fig.findall(".//thead/tr/th")] == ["col", "col", "col"]
    rows = fig.findall(".//tbody/tr")
    assert [r.findall("./th")[0].text for r in rows] == ["11-01", "11-02"]
    assert rows[0].findall("./th")[0].get("scope") == "row"
    assert [(td.get("data-value"), td.text) for td in rows[0].findall("./td")] == [("12", "12"), ("9", "9")]


def test_numbers_keep_a_raw_dot_decimal_and_read_with_grouping():
    fig = figure(render(kind="bar", title="t", columns=["小区", "金额", "率"],
                        rows=[("A", [Decimal("12345.60"), 0.5]), ("B", [1234567, Decimal("-3")])]))
    cells = [(td.get("data-value"), td.text) for td in fig.findall(".//tbody//td")]
    assert cells == [("12345.60", "12,345.60"), ("0.5", "0.5"), ("1234567", "1,234,567"), ("-3", "-3")]


def test_an_empty_value_is_no_value_not_zero():
    fig = figure(render(kind="line", title="t", columns=["日期", "去年同期"], rows=[("11-01", [None]), ("11-02", [""])]))
    tds = fig.findall(".//tbody//td")
    assert [td.get("data-value") for td in tds] == ["", ""]
    assert ["".join(td.itertext()) for td in tds] == ["—无数据", "—无数据"]
    assert tds[0].findall("./span")[0].get("aria-hidden") == "true"
    assert tds[0].findall("./span")[1].get("class") == "visually-hidden"


def test_a_cell_or_a_label_given_with_a_url_holds_a_link():
    fig = figure(render(kind="hbar", title="t", columns=["小区", "分"],
                        rows=[(("锦霞小区", "/places/estates/1/"), [(Decimal("9.5"), "/workorders/?estate=1&x=2")])]))
    th_link = fig.findall(".//tbody/tr/th/a")[0]
    td_link = fig.findall(".//tbody/tr/td/a")[0]
    assert (th_link.get("href"), th_link.text) == ("/places/estates/1/", "锦霞小区")
    assert (td_link.get("href"), td_link.text) == ("/workorders/?estate=1&x=2", "9.5")
    assert fig.findall(".//tbody/tr/td")[0].get("data-value") == "9.5"


def test_user_text_is_escaped_everywhere():
    evil = '<script>alert(1)</script>"&'
    markup = render(kind="hbar", title=evil, unit=evil, columns=[evil, evil],
                    rows=[((evil, '/x?"><script>'), [(1, "javascript:alert(1)\" onclick=\"x")])])
    assert "<script>" not in markup
    assert 'onclick="x' not in markup
    assert markup.count("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&amp;") == 7  # data-title, data-unit, caption ×2, 2 th, 1 row
    fig = figure(markup)
    assert fig.get("data-title") == evil
    assert fig.findall(".//tbody/tr/th/a")[0].get("href") == '/x?"><script>'


def test_the_outline_is_json_that_cannot_close_its_script_element():
    outline = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "</script><b>x"}, "geometry": None}]}
    markup = render(kind="map", title="小区分布", columns=["名称", "经度", "纬度", "值"],
                    rows=[("锦霞小区", [Decimal("106.486200"), Decimal("29.480100"), 3])], outline=outline)
    assert "</script><b>" not in markup
    script = figure(markup).findall(".//script[@class='chart-outline']")[0]
    assert script.get("type") == "application/json"
    assert json.loads(script.text) == outline
    tds = figure(markup).findall(".//tbody//td")
    assert [td.get("data-value") for td in tds] == ["106.486200", "29.480100", "3"]


def test_no_rows_say_so_in_the_table():
    fig = figure(render(kind="pie", title="t", columns=["分类", "件"], rows=[]))
    assert fig.findall(".//tbody//td")[0].text == "暂无数据"
    assert fig.findall(".//tbody//td")[0].get("colspan") == "2"


@pytest.mark.parametrize("kw, message", [
    ({"kind": "radar", "columns": ["a", "b"], "rows": []}, "not one of"),
    ({"kind": "bar", "columns": ["a"], "rows": []}, "at least one series"),
    ({"kind": "bar", "columns": ["a", "b"], "rows": [("x", [1, 2])]}, "has 2 values for 1 series"),
    ({"kind": "bar", "columns": ["a", "b"], "rows": [("x", ["12"])]}, "a number or None"),
    ({"kind": "bar", "columns": ["a", "b"], "rows": [("x", [True])]}, "a number or None"),
    ({"kind": "bar", "columns": ["a", "b"], "rows": [("x", [float("nan")])]}, "finite"),
])
def test_a_malformed_chart_is_refused_with_a_reason(kw, message):
    with pytest.raises(TemplateSyntaxError, match=message):
        render(title="t", **kw)


def test_the_assets_load_the_vendored_echarts_and_the_words_charts_js_writes():
    with translation.override("en"):
        markup = Template("{% load charts %}{% chart_assets %}").render(Context({}))
    assert 'src="/static/dashboard/vendor/echarts/echarts.min.js" defer' in markup
    assert 'src="/static/dashboard/charts.js" defer' in markup
    start = markup.index('<script id="chart-words" type="application/json">') + len(
        '<script id="chart-words" type="application/json">')
    words = json.loads(markup[start:markup.index("</script>", start)])
    assert words["showTable"] == "Show table"
    assert words["showChart"] == "Show chart"
