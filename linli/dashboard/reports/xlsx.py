"""The reports as workbooks (one sheet per section, header row frozen, widths set, numbers as numbers, rates as
percentages) and the 12345 assessment export as XLSX and CSV, all through ``linli.core.exports``."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.styles import Alignment, Font, PatternFill

from linli.core.exports import append_row, csv_bytes, new_workbook, workbook_bytes
from linli.dashboard.reports import data

PERCENT = "0.00%"
MONEY = "#,##0.00"
BOLD = Font(bold=True)
HEAD_FILL = PatternFill("solid", fgColor="E8EEF6")


def _local(dt):
    """A naive local datetime (spreadsheets have no time zones)."""
    return timezone.localtime(dt).replace(tzinfo=None) if dt else None


class Book:
    """A workbook being filled sheet by sheet."""

    def __init__(self):
        self.wb = new_workbook()
        self.first = True

    def sheet(self, title: str, headers: Sequence[str], rows, widths: Sequence[int], *,
              percent: Sequence[int] = (), money: Sequence[int] = (), dates: Sequence[int] = ()):
        """A sheet: bold, filled header row frozen; ``percent``/``money``/``dates`` are column numbers (0-based)."""
        if self.first:
            ws = self.wb.active
            ws.title = title
            self.first = False
        else:
            ws = self.wb.create_sheet(title)
        append_row(ws, headers)
        for cell in ws[1]:
            cell.font, cell.fill = BOLD, HEAD_FILL
            cell.alignment = Alignment(vertical="center", wrap_text=True)
        for row in rows:
            append_row(ws, [str(v) if isinstance(v, Promise) else v for v in row])
        for col, width in enumerate(widths, start=1):
            ws.column_dimensions[ws.cell(row=1, column=col).column_letter].width = width
        for row in ws.iter_rows(min_row=2):
            for i, cell in enumerate(row):
                if i in percent:
                    cell.number_format = PERCENT
                elif i in money:
                    cell.number_format = MONEY
                elif i in dates:
                    cell.number_format = "yyyy-mm-dd hh:mm"
        ws.freeze_panes = "A2"
        return ws

    def bytes(self) -> bytes:
        return workbook_bytes(self.wb)


def _cover(book: Book, report, title: str, period: str):
    book.sheet(_("封面"), [_("项目"), _("内容")], [
        (_("报告"), title), (_("地区"), report.division.name), (_("期间"), period),
        (_("摘要"), report.summary), (_("生成时间"), _local(report.generated_at)), (_("生成人"), report.generated_by),
    ], widths=(14, 100), dates=(1,))


def _orders(lines: list[data.OrderLine]):
    for line in lines:
        yield (line.code, line.community, line.estate, line.category, _local(line.received_at), line.status,
               line.holder, _local(line.reply_due), line.days_overdue, line.note)


ORDER_HEADERS = (gettext_lazy("工单编号"), gettext_lazy("社区"), gettext_lazy("小区"), gettext_lazy("类别"),
                 gettext_lazy("受理时间"), gettext_lazy("状态"), gettext_lazy("承办单位"), gettext_lazy("办结时限"),
                 gettext_lazy("超期天数"), gettext_lazy("说明"))


def month_xlsx(r: data.MonthReport) -> bytes:
    book = Book()
    _cover(book, r, _("月度物业服务与接诉即办报告"), r.period.key)
    t, last = r.rates.total, r.received_last_year
    book.sheet(_("主要指标"), [_("指标"), _("本月"), _("去年同期"), _("分子"), _("分母")], [
        (_("受理诉求（件）"), r.received.total, last.total, None, None),
        (_("受理量同比变化"), r.received_change, None, r.received.total - last.total, last.total),
        (_("目前在办（件）"), r.backlog_total, None, None, None),
        (_("目前超期（件）"), r.overdue_count, None, None, None),
        (_("响应率"), t.response_rate, None, t.responded, t.dispatched),
        (_("解决率"), t.resolution_rate, None, t.solved, t.visited),
        (_("满意率"), t.satisfaction_rate, None, None, t.rated),
        (_("按时办结率"), r.on_time.rate, None, r.on_time.num, r.on_time.den),
        (_("重复投诉率"), r.repeat.rate, None, r.repeat.num, r.repeat.den),
        (_("专业化物业覆盖率（按户）"), _dec(r.coverage.professional_share), None, r.coverage.professional_homes,
         r.coverage.homes_total),
        (_("无人管理小区（个）"), len(r.coverage.unmanaged), None, None, None),
        (_("物业费收缴率（按金额）"), r.fees.rate, None, r.fees.paid, r.fees.due),
        (_("物业费收缴率（按户）"), r.fees.household_rate, None, r.fees.homes_settled, r.fees.homes),
    ], widths=(28, 14, 14, 14, 14))
    ws = book.wb[_("主要指标")]
    for row in (3, 6, 7, 8, 9, 10, 11, 13, 14):  # the rates' rows (1-based, after the header) show as percentages
        ws.cell(row=row, column=2).number_format = PERCENT
    book.sheet(_("按渠道"), [_("渠道"), _("本月"), _("去年同期")],
               [(label, n, last.count("by_channel", key)) for key, label, n in r.received.by_channel],
               widths=(20, 12, 12))
    book.sheet(_("按类别"), [_("类别"), _("本月"), _("去年同期"), _("占本月")],
               [(label, n, last.count("by_category", code), data.ratio(n, r.received.total))
                for code, label, n in r.received.by_category], widths=(24, 12, 12, 12), percent=(3,))
    book.sheet(_("按难易"), [_("难易"), _("本月"), _("去年同期")],
               [(label, n, last.count("by_tier", key)) for key, label, n in r.received.by_tier], widths=(12, 12, 12))
    book.sheet(_("在办工单"), [_("状态"), _("件数")], [(label, n) for _k, label, n in r.backlog], widths=(16, 12))
    book.sheet(_("诉求最多的小区"), [_("小区"), _("社区"), _("工单"), _("户数"), _("每百户工单")],
               [(e.name, e.community, e.orders, e.homes, e.per_100_homes) for e in r.top_estates],
               widths=(24, 20, 10, 10, 12))
    book.sheet(_("重复投诉"), [str(h) for h in ORDER_HEADERS], _orders(r.repeat_lines),
               widths=(22, 14, 18, 14, 17, 12, 28, 17, 10, 30), dates=(4, 7))
    book.sheet(_("超期工单"), [str(h) for h in ORDER_HEADERS], _orders(r.overdue),
               widths=(22, 14, 18, 14, 17, 12, 28, 17, 10, 30), dates=(4, 7))
    book.sheet(_("物业管理覆盖"), [_("管理方式"), _("小区数"), _("户数")],
               [(label, n_est, n_homes) for _m, label, n_est, n_homes in r.coverage.rows()], widths=(18, 12, 12))
    book.sheet(_("无人管理小区"), [_("小区"), _("社区"), _("户数")],
               [(e.name, e.community.name, e.home_count) for e in r.coverage.unmanaged], widths=(24, 20, 10))
    book.sheet(_("物业费收缴"), [_("应收（元）"), _("减免（元）"), _("实收（元）"), _("欠缴（元）"), _("收缴率（按金额）"),
                                _("计费户数"), _("缴清户数"), _("收缴率（按户）")],
               [(r.fees.billed, r.fees.relief, r.fees.paid, r.fees.outstanding, r.fees.rate, r.fees.homes,
                 r.fees.homes_settled, r.fees.household_rate)],
               widths=(14, 14, 14, 14, 16, 10, 10, 14), money=(0, 1, 2, 3), percent=(4, 7))
    return book.bytes()


def _dec(value) -> Decimal | None:
    return None if value is None else data.ratio(value, 1)


def week_xlsx(r: data.WeekReport) -> bytes:
    book = Book()
    _cover(book, r, _("联席会议周报"), f"{r.period.key}（{r.period.first_day} — {r.period.last_day}）")
    book.sheet(_("会议"), [_("会议"), _("街道"), _("召开时间"), _("状态"), _("邀请部门"), _("已报到"), _("迟到"),
                          _("缺席"), _("任务"), _("记录提示")],
               [(m.title, m.street, _local(m.scheduled_at), m.status, m.invited, m.reported, "、".join(m.late),
                 "、".join(m.absent), m.tasks, "；".join(m.flags)) for m in r.meetings],
               widths=(30, 14, 17, 10, 10, 10, 20, 20, 8, 36), dates=(2,))
    book.sheet(_("按部门"), [_("部门"), _("任务"), _("已办结"), _("其中逾期办结"), _("超期未办结"), _("办理中")],
               [(d.name, d.total, d.done, d.late_done, d.overdue, d.open) for d in r.departments],
               widths=(28, 10, 10, 14, 12, 10))
    book.sheet(_("任务"), [_("部门"), _("任务工单"), _("会议"), _("期限"), _("状态"), _("已办结"), _("超期未办结"),
                          _("逾期办结")],
               [(t.department, t.code, t.meeting, t.deadline, t.status, _("是") if t.done else _("否"),
                 _("是") if t.overdue else _("否"), _("是") if t.late_done else _("否")) for t in r.tasks],
               widths=(24, 22, 30, 12, 12, 8, 10, 10))
    ws = book.wb[_("任务")]
    for row in ws.iter_rows(min_row=2, min_col=4, max_col=4):
        row[0].number_format = "yyyy-mm-dd"
    book.sheet(_("升级到街道"), [_("工单编号"), _("小区"), _("类别"), _("升级时间"), _("现承办单位"), _("状态"), _("说明")],
               [(e.code, e.estate, e.category, _local(e.at), e.to, e.status, e.note) for e in r.escalated],
               widths=(22, 18, 14, 17, 28, 12, 36), dates=(3,))
    return book.bytes()


# -- the 12345 assessment export ----------------------------------------------------------------------------------

ASSESSMENT_HEADERS = (
    gettext_lazy("承办单位"), gettext_lazy("受理量"), gettext_lazy("响应率"), gettext_lazy("解决率"),
    gettext_lazy("满意率"), gettext_lazy("按时办结率"), gettext_lazy("重复投诉率"), gettext_lazy("派单数"),
    gettext_lazy("按时签收"), gettext_lazy("回访数"), gettext_lazy("已解决"), gettext_lazy("评价数"),
    gettext_lazy("满意"), gettext_lazy("基本满意"), gettext_lazy("不满意"), gettext_lazy("办结数"),
    gettext_lazy("按时办结"), gettext_lazy("重复投诉"), gettext_lazy("综合得分"))


def _assessment_row(line: data.OrgAssessment, as_percent: bool):
    t = line.tally

    def rate(value):
        if value is None:
            return None
        return (value * 100).quantize(Decimal("0.01")) if as_percent else value

    return (line.name, line.received, rate(t.response_rate), rate(t.resolution_rate), rate(t.satisfaction_rate),
            rate(line.on_time.rate), rate(line.repeat.rate), t.dispatched, t.responded, t.visited, t.solved, t.rated,
            t.satisfied, t.basic, t.unsatisfied, line.on_time.den, line.on_time.num, line.repeat.num, t.score)


def assessment_xlsx(division, period, lines, total, *, generated_by: str) -> bytes:
    book = Book()
    ws = book.sheet(_("12345考核"), [str(h) for h in ASSESSMENT_HEADERS],
                    [_assessment_row(line, False) for line in [*lines, total]],
                    widths=(32, 10, 10, 10, 10, 12, 12, 10, 10, 10, 10, 10, 8, 10, 8, 10, 10, 10, 10),
                    percent=(2, 3, 4, 5, 6))
    for cell in ws[ws.max_row]:
        cell.font = BOLD
    book.sheet(_("说明"), [_("项目"), _("内容")], [
        (_("地区"), division.name), (_("期间"), f"{period.key}（{period.first_day} — {period.last_day}）"),
        (_("生成人"), generated_by), (_("生成时间"), _local(timezone.now())),
        (_("定义"), _("响应率、解决率、满意率按“接诉即办考评”的定义（docs/workorders-meetings-and-rates.md）；"
                    "按时办结率 = 期内办结反馈且不晚于办结时限的工单 ÷ 期内办结反馈的有时限工单；"
                    "重复投诉率 = 期内受理的重复投诉 ÷ 期内受理量（重复投诉：被合并到同一事项，或同一号码7天内再次来电）；"
                    "受理量、按时办结率和重复投诉率按工单当前的承办单位归属。")),
    ], widths=(14, 100), dates=(1,))
    return book.bytes()


def assessment_csv(lines, total) -> bytes:
    """CSV (UTF-8 with BOM): the rates as percentages with two decimals (87.50), the counts as integers."""
    headers = [str(h) + ("(%)" if i in (2, 3, 4, 5, 6) else "") for i, h in enumerate(ASSESSMENT_HEADERS)]
    return csv_bytes(headers, [_assessment_row(line, True) for line in [*lines, total]])
