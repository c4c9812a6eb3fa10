"""The reports people take to meetings: figures hand-computed from a small November in the cast's street, the PDF
and the workbook they make, who may download them, and the audit line of each download."""

import csv
import datetime
import io
import os
from decimal import Decimal

import pypdfium2
import pytest
from django.core import checks
from django.utils import timezone
from openpyxl import load_workbook

from linli.core.testing import pay
from linli.dashboard.reports import data, fonts, pdf, xlsx
from linli.fees import services as fees
from linli.meetings import services as meetings
from linli.people.models import AuditEvent, Organization
from linli.workorders import rates
from linli.workorders import services as s
from linli.workorders.models import WorkOrder


def at(month, day, hour, minute=0, year=2026):
    return timezone.make_aware(datetime.datetime(year, month, day, hour, minute))


# The PDF needs a Chinese font (fonts-noto-cjk, installed by `make chromium`); without one these tests are skipped, as
# the browser tests are without chromium, and the error page of a missing font is tested on its own.
needs_font = pytest.mark.skipif(not any(os.path.exists(p) for p in fonts.CANDIDATES),
                                reason="no Chinese font installed (apt-get install fonts-noto-cjk)")

NOW = at(11, 30, 23, 30)
NOVEMBER = data.month_period("2026-11")
W45 = data.week_period("2026-W45")  # 2 – 8 November 2026


def report(w, when, phone, estate=None, **kw):
    kw.setdefault("channel", "resident")
    kw.setdefault("text", "楼道灯坏了")
    kw.setdefault("tier", "easy")
    kw.setdefault("category", "facility")
    return s.workorder_create(place=s.resolve_place(estate=estate or w.estate_a), contact_phone=phone, now=when, **kw)


def handled(order, accepted, replied):
    hands = s._handlers(order)
    order = s.workorder_accept(order=order, actor=hands[0], now=accepted)
    return s.workorder_reply(order=order, actor=hands[0], text="已处理", now=replied)


@pytest.fixture
def month(desk):
    """November 2026 in 九宫庙街道 (estates A: 2 homes, market; B: 1 home, unmanaged):

    o1 A facility, 11-02, replied next day and called back 满意      o5 A, 11-08, merged into o2 (a repeat)
    o2 A facility by phone, 11-03, replied next day                  o6 A safety, 11-03, escalated to the street 11-05
    o3 B sanitation 难事, 11-06, overdue since 11-10 18:00           o7 A, 11-09, replied after its deadline
    o4 A, 11-07, from o1's number (a repeated caller)
    a joint meeting on 11-04 (城管 reported, 住建 absent) gave 城管 two tasks: t1 due 11-06, never done (overdue);
    t2 due 11-20, replied 11-10. One order in November 2025. Estate A billed 2 × 10 元 for November, 10 元 paid.
    """
    w = desk
    w.o1 = report(w, at(11, 2, 9), "13800000001")
    handled(w.o1, at(11, 2, 10), at(11, 3, 9))
    s.workorder_visit(order=WorkOrder.objects.get(pk=w.o1.pk), actor=w.street_admin, solved=True,
                      satisfaction="satisfied", now=at(11, 4, 9))
    w.o2 = report(w, at(11, 3, 9), "13800000002", channel="phone")
    handled(w.o2, at(11, 3, 10), at(11, 4, 9))
    w.o3 = report(w, at(11, 6, 9), "13800000003", estate=w.estate_b, tier="hard", category="sanitation")
    WorkOrder.objects.filter(pk=w.o3.pk).update(overdue=True, reply_due=at(11, 10, 18))
    w.o4 = report(w, at(11, 7, 9), "13800000001")
    w.o5 = report(w, at(11, 8, 9), "13800000005")
    s.workorder_merge(order=w.o5, into=w.o2, actor=w.street_admin, now=at(11, 8, 10))
    w.o6 = report(w, at(11, 3, 9), "13800000006", category="safety", text="消防通道被堵")
    while WorkOrder.objects.get(pk=w.o6.pk).level != "street":
        s.workorder_escalate(order=WorkOrder.objects.get(pk=w.o6.pk), actor=w.street_admin, reason="多次未解决",
                             now=at(11, 5, 10))
    w.o7 = report(w, at(11, 9, 9), "13800000007")
    WorkOrder.objects.filter(pk=w.o7.pk).update(reply_due=at(11, 9, 12))
    handled(WorkOrder.objects.get(pk=w.o7.pk), at(11, 9, 10), at(11, 10, 9))
    report(w, at(11, 10, 9, year=2025), "13800000009", channel="hotline")

    w.housing = Organization.objects.create(name="大渡口区住房和城乡建设委员会", kind="department", field="housing",
                                            division=w.district)
    meeting = meetings.meeting_convene(street=w.street, title="锦霞小区楼道照明吹哨会", scheduled_at=at(11, 4, 10),
                                       topic="楼道照明", actor=w.street_admin, departments=[w.department, w.housing],
                                       now=at(11, 3, 9))
    invite = meeting.invites.get(department=w.department)
    meetings.meeting_report(invite=invite, actor=w.department_handler, now=at(11, 4, 9, 50))
    meetings.meeting_record_minutes(meeting=meeting, actor=w.street_admin, minutes="议定更换灯具", now=at(11, 4, 11))
    w.t1 = meetings.meeting_add_task(meeting=meeting, department=w.department, text="更换1栋楼道灯",
                                     deadline=datetime.date(2026, 11, 6), actor=w.street_admin, now=at(11, 4, 11, 10))
    w.t2 = meetings.meeting_add_task(meeting=meeting, department=w.department, text="清理消防通道",
                                     deadline=datetime.date(2026, 11, 20), actor=w.street_admin, now=at(11, 4, 11, 10))
    t2 = w.t2.order
    t2 = s.workorder_accept(order=t2, actor=w.department_handler, now=at(11, 5, 9))
    s.workorder_reply(order=t2, actor=w.department_handler, text="已清理", now=at(11, 10, 9))

    plan = fees.fee_plan_create(actor=w.manager_a, estate=w.estate_a, rate=Decimal("10"),
                                effective_from=datetime.date(2026, 1, 1), decision="业主大会决定 2025-3号",
                                services="保洁", responsible="项目经理")
    assert plan.pk
    fees.bill_period(period="2026-11", estate=w.estate_a, actor=w.manager_a)
    pay(w, w.home_a1, "10", "pay-nov-a1", at(11, 15, 10))
    return w


# -- the figures -----------------------------------------------------------------------------------------------------


def test_the_month_report_has_the_hand_computed_figures(month):
    r = data.month_report(month.street, NOVEMBER, user=month.street_admin, now=NOW)
    # o1–o7 and the two task orders (they are orders of the street too); the channel of each
    assert r.received.total == 9
    assert r.received.by_channel == [("resident", "居民扫码", 6), ("phone", "来电", 1), ("joint_meeting", "吹哨报到任务", 2)]
    assert r.received.by_tier == [("easy", "易事", 6), ("hard", "难事", 3), ("major", "大事", 0)]
    # the task orders are classified from their text: t1 (灯) facility, t2 (消防通道) safety
    assert [(code, n) for code, _label, n in r.received.by_category] == [
        ("facility", 6), ("safety", 2), ("sanitation", 1)]
    assert (r.received_last_year.total, r.last_year.key, r.received_change) == (1, "2025-11", Decimal("8.0000"))
    # in hand now: o3, o4, o6, t1 and last year's order dispatched; o2, o7 and t2 replied (o1 called back, o5 merged)
    assert dict((k, n) for k, _label, n in r.backlog) == {
        "received": 0, "dispatched": 5, "accepted": 0, "in_progress": 0, "replied": 3}
    assert r.backlog_total == 8
    assert r.overdue_count == 1
    [late] = r.overdue
    assert (late.code, late.estate, late.category, late.days_overdue) == (month.o3.code, "新工宿舍", "环境卫生", 20)
    # replied in November with a deadline: o1, o2, t2 in time, o7 late
    assert (r.on_time.num, r.on_time.den, r.on_time.rate) == (3, 4, Decimal("0.7500"))
    # repeats: o4 (o1's number within 7 days) and o5 (merged) of the 9 received
    assert (r.repeat.num, r.repeat.den, r.repeat.rate) == (2, 9, Decimal("0.2222"))
    assert {line.code for line in r.repeat_lines} == {month.o4.code, month.o5.code}
    assert [(e.name, e.orders, e.homes, e.per_100_homes) for e in r.top_estates] == [
        ("锦霞小区", 6, 2, Decimal("300.00")), ("新工宿舍", 1, 1, Decimal("100.00"))]
    assert (r.coverage.homes_total, r.coverage.professional_homes) == (3, 2)
    assert [e.name for e in r.coverage.unmanaged] == ["新工宿舍"]
    assert (r.fees.billed, r.fees.paid, r.fees.rate, r.fees.homes, r.fees.homes_settled, r.fees.household_rate) == (
        Decimal("20.00"), Decimal("10.00"), Decimal("0.5000"), 2, 1, Decimal("0.5000"))
    # the rates are the rates page's, exactly
    assert r.rates.total.as_dict() == rates.compute(month.street, NOVEMBER, now=NOW).total.as_dict()
    assert r.summary.startswith("2026年11月，九宫庙街道共受理诉求 9 件，比去年同期增加 800.0%；")
    assert "目前在办 8 件，其中超期 1 件；物业费收缴率 50.0%。" in r.summary


def test_no_personal_data_of_reporters_goes_into_the_lists(month):
    r = data.month_report(month.street, NOVEMBER, user=month.street_admin, now=NOW)
    text = repr(r.overdue) + repr(r.repeat_lines)
    assert r.overdue and r.repeat_lines
    for secret in ("13800000001", "13800000003", "周莲秀", "楼道灯坏了"):
        assert secret not in text


def test_the_week_briefing_has_the_meetings_tasks_and_escalations(month):
    r = data.week_report(month.street, W45, user=month.street_admin, now=NOW)
    [m] = r.meetings
    assert (m.title, m.invited, m.reported, m.absent, m.tasks) == (
        "锦霞小区楼道照明吹哨会", 2, 1, ["大渡口区住房和城乡建设委员会"], 2)
    assert m.flags == ["缺席：大渡口区住房和城乡建设委员会"]
    assert [(t.code, t.done, t.overdue) for t in r.tasks] == [
        (month.t1.order.code, False, True), (month.t2.order.code, True, False)]
    [d] = r.departments
    assert (d.name, d.total, d.done, d.late_done, d.overdue, d.open) == ("大渡口区城市管理局", 2, 1, 0, 1, 0)
    [e] = r.escalated
    assert (e.code, e.estate, e.to, e.at) == (month.o6.code, "锦霞小区", "九宫庙街道物业服务中心", at(11, 5, 10))
    assert r.summary == ("11-02至11-08，九宫庙街道召开（或安排）吹哨报到会议 1 次，其中 1 次有记录提示；"
                         "跟踪任务 2 项，已办结 1 项，超期未办结 1 项；升级到街道的工单 1 件。")


def test_another_week_has_no_meeting_but_keeps_the_open_task(month):
    r = data.week_report(month.street, data.week_period("2026-W47"), user=month.street_admin, now=NOW)
    assert r.meetings == [] and r.escalated == []
    assert [t.code for t in r.tasks] == [month.t1.order.code]  # still not done: followed every week


def test_the_assessment_export_has_one_line_per_organisation(month):
    lines, total = data.assessment(month.street, NOVEMBER, now=NOW)
    by_name = {line.name: line for line in lines}
    company = by_name["重庆锦绣物业服务有限公司"]
    # A's orders o1, o2, o4, o5 (merged: still charged to its assignee), o7 are the company's; o6 went to the centre
    assert (company.received, company.repeat.num, company.on_time.num, company.on_time.den) == (5, 2, 2, 3)
    assert company.tally.as_dict() == next(r.tally for r in rates.compute(month.street, NOVEMBER, now=NOW).by_org
                                            if r.name == company.name).as_dict()
    assert by_name["大渡口区城市管理局"].received == 2
    assert (total.received, total.repeat.num, total.on_time.num, total.on_time.den) == (9, 2, 3, 4)


def test_periods_are_read_strictly():
    assert (W45.first_day, W45.last_day) == (datetime.date(2026, 11, 2), datetime.date(2026, 11, 8))
    assert data.week_key(datetime.date(2027, 1, 1)) == "2026-W53"
    for bad in ("2026-W54", "2026-11-01", "W45"):
        with pytest.raises(ValueError):
            data.week_period(bad)
    with pytest.raises(ValueError, match="2026-11"):
        data.month_period("2026")
    leap = data.same_period_last_year(rates.period_of_days(datetime.date(2028, 2, 29), datetime.date(2028, 2, 29)))
    assert (leap.first_day, leap.last_day) == (datetime.date(2027, 2, 28), datetime.date(2027, 2, 28))


# -- the files -----------------------------------------------------------------------------------------------------------


def page_texts(body: bytes) -> list[str]:
    """The text of each page as PDFium (Chrome's PDF engine) reads it, without white space."""
    document = pypdfium2.PdfDocument(body)
    return ["".join(document[i].get_textpage().get_text_range().split()) for i in range(len(document))]


def pdf_text(body: bytes) -> tuple[int, str]:
    pages = page_texts(body)
    return len(pages), "".join(pages)


@needs_font
def test_the_month_pdf_opens_with_its_chinese_title_block_and_page_numbers(month):
    body = pdf.month_pdf(data.month_report(month.street, NOVEMBER, user=month.street_admin, now=NOW))
    assert body.startswith(b"%PDF")
    pages, text = pdf_text(body)
    assert pages >= 1
    for expected in ("九宫庙街道", "月度物业服务与接诉即办报告", "2026年11月（2026-11-01至2026-11-30）",
                     "生成人：street_admin", f"第1页/共{pages}页", "超期工单（1件", month.o3.code, "新工宿舍",
                     "重复投诉（2件）", "响应率", "物业费收缴率（按金额）", "50.0%"):
        assert expected in text


@needs_font
def test_a_long_list_runs_over_pages_with_its_header_repeated(month):
    r = data.month_report(month.street, NOVEMBER, user=month.street_admin, now=NOW)
    r.overdue = r.overdue * 90
    pages = page_texts(pdf.month_pdf(r))
    listing = [i for i, text in enumerate(pages) if month.o3.code in text]
    assert len(pages) >= 4 and len(listing) >= 3
    # the overdue table's header row on every page it runs over, and each page numbered "第 i 页 / 共 n 页"
    assert all("超期天数" in pages[i] for i in listing)
    assert all(text.endswith(f"第{i + 1}页/共{len(pages)}页") for i, text in enumerate(pages))


@needs_font
def test_the_week_pdf_names_the_absent_department(month):
    pages, text = pdf_text(pdf.week_pdf(data.week_report(month.street, W45, user=month.street_admin, now=NOW)))
    assert pages >= 1
    for expected in ("联席会议周报", "2026-W45", "锦霞小区楼道照明吹哨会", "缺席：大渡口区住房和城乡建设委员会",
                     month.t1.order.code, "（超期）", month.o6.code):
        assert expected in text


def test_the_month_workbook_holds_numbers_and_percentages(month):
    body = xlsx.month_xlsx(data.month_report(month.street, NOVEMBER, user=month.street_admin, now=NOW))
    wb = load_workbook(io.BytesIO(body))
    assert wb.sheetnames[:3] == ["封面", "主要指标", "按渠道"]
    ws = wb["主要指标"]
    assert ws.freeze_panes == "A2"
    assert [c.value for c in ws[2]][:3] == ["受理诉求（件）", 9, 1]
    on_time = next(row for row in ws.iter_rows(min_row=2) if row[0].value == "按时办结率")
    assert (on_time[1].value, on_time[1].number_format, on_time[3].value, on_time[4].value) == (0.75, "0.00%", 3, 4)
    overdue = wb["超期工单"]
    assert [c.value for c in overdue[2]][:3] == [month.o3.code, "新工社区", "新工宿舍"]
    assert overdue.cell(row=2, column=9).value == 20
    assert overdue.column_dimensions["A"].width == 22
    fees_sheet = wb["物业费收缴"]
    assert [c.value for c in fees_sheet[2]][:5] == [20, 0, 10, 10, 0.5]


def test_the_assessment_export_as_csv_and_workbook(month):
    lines, total = data.assessment(month.street, NOVEMBER, now=NOW)
    rows = list(csv.reader(io.StringIO(xlsx.assessment_csv(lines, total).decode("utf-8-sig"))))
    assert rows[0][:7] == ["承办单位", "受理量", "响应率(%)", "解决率(%)", "满意率(%)", "按时办结率(%)", "重复投诉率(%)"]
    assert rows[-1][0] == "合计" and rows[-1][1] == "9" and rows[-1][5] == "75.00" and rows[-1][6] == "22.22"
    wb = load_workbook(io.BytesIO(xlsx.assessment_xlsx(month.street, NOVEMBER, lines, total, generated_by="x")))
    ws = wb["12345考核"]
    last = [c.value for c in ws[ws.max_row]]
    assert (last[0], last[1], last[5], last[6]) == ("合计", 9, 0.75, 0.2222)
    assert ws.cell(row=ws.max_row, column=6).number_format == "0.00%"


# -- the font -------------------------------------------------------------------------------------------------------------


def test_a_font_without_chinese_glyphs_is_refused(settings):
    settings.LINLI_PDF_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
    with pytest.raises(fonts.FontMissing, match="不含中文字形"):
        fonts.report_fonts()


def test_a_missing_font_is_a_clear_error_at_the_download_and_a_deploy_warning(month, client_for, settings):
    settings.LINLI_PDF_FONT = "/nowhere/NotoSansCJK-Regular.ttc"
    response = client_for("street_admin").get("/dashboard/500104001/reports/month/2026-11.pdf")
    assert response.status_code == 503
    assert "找不到 LINLI_PDF_FONT 指定的字体文件：/nowhere/NotoSansCJK-Regular.ttc" in response.content.decode()
    assert not AuditEvent.objects.filter(target__startswith="dashboard.report").exists()
    found = [w.id for w in checks.run_checks(include_deployment_checks=True)]
    assert "linli.W170" in found


@needs_font
def test_the_font_is_found_without_a_setting(settings):
    settings.LINLI_PDF_FONT = ""
    found = fonts.report_fonts()
    assert found.regular.path in fonts.CANDIDATES


# -- who may download ------------------------------------------------------------------------------------------------------

MONTH_PDF = "/dashboard/500104001/reports/month/2026-11.pdf"
URLS = [MONTH_PDF, "/dashboard/500104001/reports/month/2026-11.xlsx", "/dashboard/500104001/reports/week/2026-W45.pdf",
        "/dashboard/500104001/reports/week/2026-W45.xlsx", "/dashboard/500104001/reports/assessment.xlsx?period=2026-11",
        "/dashboard/500104001/reports/assessment.csv?period=2026-11", "/dashboard/500104001/reports/"]


@pytest.mark.parametrize("url", URLS)
def test_strangers_and_other_streets_are_refused(world, client_for, client, url):
    assert client.get(url).status_code == 302  # anonymous: sent to sign in
    for name in ("stranger", "resident_a", "manager_a", "other_street_admin", "community_admin"):
        assert client_for(name).get(url).status_code == 404, name
    assert not AuditEvent.objects.filter(target__startswith="dashboard.report").exists()


@needs_font
@pytest.mark.parametrize("name", ["street_admin", "district_admin", "auditor"])
def test_the_street_district_and_auditor_download_and_each_download_is_audited(month, client_for, name):
    client = client_for(name)
    for url, kind in zip(URLS[:6], ("application/pdf", "spreadsheetml", "application/pdf", "spreadsheetml",
                                    "spreadsheetml", "text/csv"), strict=True):
        response = client.get(url)
        assert response.status_code == 200, url
        assert kind in response["Content-Type"]
        assert response["Content-Disposition"].startswith('attachment; filename="500104001-')
    lines = list(AuditEvent.objects.filter(target__startswith="dashboard.report").order_by("pk")
                 .values_list("kind", "username", "target"))
    assert lines == [("export", name, "dashboard.report.month:500104001:2026-11")] * 2 + [
        ("export", name, "dashboard.report.week:500104001:2026-W45")] * 2 + [
        ("export", name, "dashboard.report.assessment:500104001:2026-11")] * 2


def test_a_community_admin_gets_the_month_report_of_their_community_but_no_week_briefing(month, client_for):
    client = client_for("community_admin")
    assert client.get("/dashboard/500104001001/reports/month/2026-11.xlsx").status_code == 200
    assert client.get("/dashboard/500104001001/reports/week/2026-W45.pdf").status_code == 404


def test_the_reports_page_lists_twelve_months_and_eight_weeks(world, client_for):
    response = client_for("street_admin").get("/dashboard/500104001/reports/")
    assert response.status_code == 200
    body = response.content.decode()
    today = timezone.localdate()
    assert body.count("/dashboard/500104001/reports/month/") == 24  # 12 months × PDF and Excel
    assert body.count("/dashboard/500104001/reports/week/") == 16
    assert f"/dashboard/500104001/reports/month/{today:%Y-%m}.pdf" in body
    assert f"/dashboard/500104001/reports/week/{data.week_key(today)}.pdf" in body


def test_a_district_page_links_its_streets(world, client_for):
    body = client_for("district_admin").get("/dashboard/500104/reports/").content.decode()
    assert 'href="/dashboard/500104001/reports/"' in body and 'href="/dashboard/500104002/reports/"' in body


def test_the_rates_page_links_the_assessment_export(world, client_for):
    body = client_for("street_admin").get("/workorders/rates/500104001/?period=2026-11").content.decode()
    assert 'href="/dashboard/500104001/reports/assessment.xlsx?period=2026-11"' in body
    assert 'href="/dashboard/500104001/reports/assessment.csv?period=2026-11"' in body


def test_a_period_that_cannot_be_read_is_an_error_naming_it(world, client_for):
    response = client_for("street_admin").get("/dashboard/500104001/reports/assessment.csv?period=2026-13")
    assert response.status_code == 400
    assert "2026-13" in response.content.decode()
    assert client_for("street_admin").get("/dashboard/500104001/reports/month/2026-13.pdf").status_code == 404
