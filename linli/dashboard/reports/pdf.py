"""The reports as print-ready A4 PDF (portrait, a wider inner margin for binding, page numbers, a Chinese title block,
tables whose header row repeats on every page they run over), drawn with fpdf2 and the font of ``fonts.py``."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils import timezone
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.enums import TableHeadingsDisplay, WrapMode, XPos, YPos
from fpdf.fonts import FontFace

from linli.dashboard.reports import data
from linli.dashboard.reports.data import pct
from linli.dashboard.reports.fonts import report_fonts

FAMILY = "linli-cjk"
BINDING, OUTER, TOP, BOTTOM = 25, 15, 18, 18  # mm: the left margin leaves room for staples or a binder
GREY = (110, 110, 110)
HEAD_FILL = (232, 238, 246)


def _local(dt, fmt="%Y-%m-%d %H:%M") -> str:
    return timezone.localtime(dt).strftime(fmt) if dt else "—"


def _num(n) -> str:
    return "—" if n is None else f"{n:,}"


class ReportPDF(FPDF):
    """An A4 report: title block on page 1, the report's name on top of the others, page x of y at the foot."""

    def __init__(self, *, title: str, place: str, period: str, stamp: str):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.report_title, self.place, self.period_text, self.stamp = title, place, period, stamp
        fonts = report_fonts()
        self.add_font(FAMILY, "", fonts.regular.path, collection_font_number=fonts.regular.index)
        self.add_font(FAMILY, "B", fonts.bold.path, collection_font_number=fonts.bold.index)
        self.set_margins(BINDING, TOP, OUTER)
        self.set_auto_page_break(True, margin=BOTTOM)
        self.set_title(f"{place} {title} {period}")
        self.set_author(stamp)
        self.set_creator("Linli")
        self.set_lang("zh-CN")
        self.alias_nb_pages()

    # -- page furniture ------------------------------------------------------------------------------------------

    def header(self):
        if self.page_no() == 1:
            return
        self.set_font(FAMILY, "", 8)
        self.set_text_color(*GREY)
        self.cell(0, 5, f"{self.place} · {self.report_title} · {self.period_text}", new_x=XPos.LMARGIN,
                  new_y=YPos.NEXT)
        self.set_draw_color(*GREY)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.ln(3)
        self.set_text_color(0, 0, 0)

    def footer(self):
        self.set_y(-12)
        self.set_font(FAMILY, "", 8)
        self.set_text_color(*GREY)
        self.cell(0, 5, _("第 %(page)s 页 / 共 %(pages)s 页") % {"page": self.page_no(), "pages": "{nb}"},
                  align="C")
        self.set_text_color(0, 0, 0)

    def title_block(self):
        self.set_font(FAMILY, "B", 13)
        self.cell(0, 8, self.place, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(FAMILY, "B", 18)
        self.cell(0, 11, self.report_title, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(FAMILY, "", 11)
        self.cell(0, 7, self.period_text, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(FAMILY, "", 9)
        self.set_text_color(*GREY)
        self.cell(0, 6, self.stamp, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(0, 0, 0)
        self.set_draw_color(0, 0, 0)
        self.set_line_width(0.5)
        self.line(self.l_margin, self.get_y() + 1, self.w - self.r_margin, self.get_y() + 1)
        self.set_line_width(0.2)
        self.ln(5)

    # -- content -------------------------------------------------------------------------------------------------

    def summary(self, text: str):
        self.set_font(FAMILY, "", 11)
        self.set_fill_color(246, 246, 240)
        self.multi_cell(0, 6.5, text, border=1, fill=True, padding=2.5, wrapmode=WrapMode.CHAR,
                        new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(3)

    def section(self, title: str):
        if self.get_y() > self.h - BOTTOM - 35:  # a heading is never left alone at the foot of a page
            self.add_page()
        self.ln(2)
        self.set_font(FAMILY, "B", 13)
        self.cell(0, 8, title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def subsection(self, title: str):
        if self.get_y() > self.h - BOTTOM - 25:
            self.add_page()
        self.set_font(FAMILY, "B", 10.5)
        self.cell(0, 7, title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def note(self, text: str):
        self.set_font(FAMILY, "", 8.5)
        self.set_text_color(*GREY)
        self.multi_cell(0, 4.5, text, wrapmode=WrapMode.CHAR, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(0, 0, 0)
        self.ln(1)

    def grid(self, headers: Sequence[str], rows: Sequence[Sequence], widths: Sequence[float],
             numeric: Sequence[int] = (), empty: str | None = None):
        """A table with its header row repeated on each page it runs over; ``numeric`` columns align right."""
        if not rows:
            self.note(empty or _("（无）"))
            return
        self.set_font(FAMILY, "", 9)
        with self.table(col_widths=tuple(widths), width=sum(widths), align="LEFT", line_height=5.2,
                        text_align="LEFT", wrapmode=WrapMode.CHAR, padding=(0.8, 1.2),
                        headings_style=FontFace(emphasis="BOLD", fill_color=HEAD_FILL),
                        repeat_headings=TableHeadingsDisplay.ON_TOP_OF_EVERY_PAGE) as table:
            head = table.row()
            for h in headers:
                head.cell(h)
            for row in rows:
                line = table.row()
                for i, value in enumerate(row):
                    line.cell("—" if value is None or value == "" else str(value),
                              align="RIGHT" if i in numeric else "LEFT")
        self.ln(3)


def _stamp(report) -> str:
    return _("生成时间：%(at)s　生成人：%(who)s") % {"at": _local(report.generated_at), "who": report.generated_by}


def _order_rows(lines: list[data.OrderLine], overdue: bool):
    for line in lines:
        if overdue:
            yield (line.code, f"{line.community} {line.estate}", line.category, _local(line.reply_due, "%m-%d"),
                   line.days_overdue, line.holder)
        else:
            yield (line.code, f"{line.community} {line.estate}", line.category, _local(line.received_at, "%m-%d"),
                   line.note, line.holder)


def month_pdf(r: data.MonthReport) -> bytes:
    period = _("%(y)s年%(m)s月（%(first)s 至 %(last)s）") % {
        "y": r.period.first_day.year, "m": r.period.first_day.month, "first": r.period.first_day.isoformat(),
        "last": r.period.last_day.isoformat()}
    pdf = ReportPDF(title=_("月度物业服务与接诉即办报告"), place=r.division.name, period=period, stamp=_stamp(r))
    pdf.add_page()
    pdf.title_block()
    pdf.summary(r.summary)

    t = r.rates.total
    last = r.received_last_year
    pdf.section(_("一、主要指标"))
    pdf.grid([_("指标"), _("本月"), _("去年同期"), _("说明")], [
        (_("受理诉求（件）"), _num(r.received.total), _num(last.total),
         _("较去年同期 %(p)s") % {"p": pct(r.received_change)} if r.received_change is not None else "—"),
        (_("目前在办（件）"), _num(r.backlog_total), "", _("截至生成时")),
        (_("目前超期（件）"), _num(r.overdue_count), "", _("截至生成时")),
        (_("响应率"), pct(t.response_rate, 2), "", f"{t.responded}/{t.dispatched}"),
        (_("解决率"), pct(t.resolution_rate, 2), "", f"{t.solved}/{t.visited}"),
        (_("满意率"), pct(t.satisfaction_rate, 2), "", _("评价 %(n)s 次") % {"n": t.rated}),
        (_("按时办结率"), pct(r.on_time.rate, 2), "", f"{r.on_time.num}/{r.on_time.den}"),
        (_("重复投诉率"), pct(r.repeat.rate, 2), "", f"{r.repeat.num}/{r.repeat.den}"),
        (_("专业化物业覆盖率（按户）"), pct(r.coverage.professional_share), "",
         f"{_num(r.coverage.professional_homes)}/{_num(r.coverage.homes_total)}"),
        (_("无人管理小区（个）"), _num(len(r.coverage.unmanaged)), "", _("见第五部分")),
        (_("物业费收缴率（按金额）"), pct(r.fees.rate), "", f"{r.fees.paid}/{r.fees.due} " + _("元")),
        (_("物业费收缴率（按户）"), pct(r.fees.household_rate), "", f"{r.fees.homes_settled}/{r.fees.homes}"),
    ], widths=(52, 28, 28, 62), numeric=(1, 2))

    pdf.section(_("二、受理情况"))
    pdf.subsection(_("按渠道"))
    pdf.grid([_("渠道"), _("本月"), _("去年同期")],
             [(label, n, last.count("by_channel", key)) for key, label, n in r.received.by_channel],
             widths=(70, 35, 35), numeric=(1, 2), empty=_("本月没有受理工单"))
    pdf.subsection(_("按难易（易事自办、难事协办、大事共办）"))
    pdf.grid([_("难易"), _("本月"), _("去年同期")],
             [(label, n, last.count("by_tier", key)) for key, label, n in r.received.by_tier],
             widths=(70, 35, 35), numeric=(1, 2))
    pdf.subsection(_("在办工单（按状态）"))
    pdf.grid([_("状态"), _("件数")], [(label, n) for _k, label, n in r.backlog], widths=(70, 35), numeric=(1,))

    pdf.section(_("三、突出问题"))
    pdf.subsection(_("诉求最多的类别"))
    pdf.grid([_("类别"), _("本月"), _("去年同期"), _("占本月")],
             [(label, n, last.count("by_category", code), pct(data.ratio(n, r.received.total)))
              for code, label, n in r.top_categories],
             widths=(70, 30, 30, 30), numeric=(1, 2, 3), empty=_("本月没有受理工单"))
    pdf.subsection(_("诉求最多的小区"))
    pdf.grid([_("小区"), _("社区"), _("工单"), _("户数"), _("每百户")],
             [(e.name, e.community, e.orders, e.homes, e.per_100_homes) for e in r.top_estates],
             widths=(55, 45, 22, 22, 26), numeric=(2, 3, 4), empty=_("本月没有受理工单"))
    pdf.subsection(_("重复投诉（%(n)s 件）") % {"n": r.repeat.num})
    if r.repeat.num > len(r.repeat_lines):
        pdf.note(_("只列出最近的 %(n)s 件，完整名单见 Excel 版。") % {"n": len(r.repeat_lines)})
    pdf.grid([_("工单编号"), _("小区"), _("类别"), _("受理"), _("情况"), _("承办单位")],
             list(_order_rows(r.repeat_lines, overdue=False)), widths=(28, 34, 24, 12, 38, 34),
             empty=_("本月没有重复投诉"))

    pdf.section(_("四、超期工单（%(n)s 件，截至生成时）") % {"n": r.overdue_count})
    if r.overdue_count > len(r.overdue):
        pdf.note(_("只列出超期最久的 %(n)s 件。") % {"n": len(r.overdue)})
    pdf.grid([_("工单编号"), _("小区"), _("类别"), _("办结时限"), _("超期天数"), _("承办单位")],
             list(_order_rows(r.overdue, overdue=True)), widths=(30, 40, 24, 18, 16, 42), numeric=(4,),
             empty=_("目前没有超期工单"))

    pdf.section(_("五、物业管理覆盖与收费"))
    pdf.grid([_("管理方式"), _("小区数"), _("户数")],
             [(label, n_est, n_homes) for _m, label, n_est, n_homes in r.coverage.rows()],
             widths=(70, 35, 35), numeric=(1, 2))
    pdf.subsection(_("无人管理的小区（%(n)s 个）") % {"n": len(r.coverage.unmanaged)})
    pdf.grid([_("小区"), _("社区"), _("户数")],
             [(e.name, e.community.name, e.home_count) for e in r.coverage.unmanaged[:data.LIST_LIMIT]],
             widths=(70, 65, 35), numeric=(2,), empty=_("没有无人管理的小区"))
    pdf.subsection(_("物业费收缴（账期始于本月的账单）"))
    pdf.grid([_("应收（元）"), _("减免（元）"), _("实收（元）"), _("欠缴（元）"), _("收缴率")],
             [(r.fees.billed, r.fees.relief, r.fees.paid, r.fees.outstanding, pct(r.fees.rate))],
             widths=(34, 34, 34, 34, 34), numeric=(0, 1, 2, 3, 4))
    pdf.note(_("计算方法：响应率、解决率、满意率与“接诉即办考评”页相同；按时办结率 = 本月办结反馈且在办结时限内的工单 ÷ "
               "本月办结反馈的有时限工单；重复投诉 = 被合并到同一事项的工单，或同一号码7天内再次来电。"))
    return bytes(pdf.output())


def week_pdf(r: data.WeekReport) -> bytes:
    period = _("%(key)s（%(first)s 至 %(last)s）") % {"key": r.period.key, "first": r.period.first_day.isoformat(),
                                                    "last": r.period.last_day.isoformat()}
    pdf = ReportPDF(title=_("联席会议周报"), place=r.division.name, period=period, stamp=_stamp(r))
    pdf.add_page()
    pdf.title_block()
    pdf.summary(r.summary)

    pdf.section(_("一、本周吹哨报到会议"))
    pdf.grid([_("会议"), _("召开时间"), _("状态"), _("报到"), _("任务"), _("记录提示")],
             [(m.title, _local(m.scheduled_at, "%m-%d %H:%M"), m.status, f"{m.reported}/{m.invited}", m.tasks,
               "；".join(m.flags + ([_("迟到：%(d)s") % {"d": "、".join(m.late)}] if m.late else [])))
              for m in r.meetings],
             widths=(50, 22, 16, 13, 12, 57), numeric=(3, 4), empty=_("本周没有吹哨报到会议"))

    pdf.section(_("二、任务完成情况（按部门）"))
    pdf.grid([_("部门"), _("任务"), _("已办结"), _("其中逾期办结"), _("超期未办结"), _("办理中")],
             [(d.name, d.total, d.done, d.late_done, d.overdue, d.open) for d in r.departments],
             widths=(60, 20, 20, 26, 24, 20), numeric=(1, 2, 3, 4, 5), empty=_("没有需要跟踪的任务"))
    pdf.subsection(_("任务清单"))
    pdf.grid([_("部门"), _("任务工单"), _("会议"), _("期限"), _("状态")],
             [(t.department, t.code, t.meeting, t.deadline.isoformat(),
               t.status + (_("（超期）") if t.overdue else _("（逾期办结）") if t.late_done else ""))
              for t in r.tasks],
             widths=(40, 30, 50, 20, 30), empty=_("没有需要跟踪的任务"))

    pdf.section(_("三、升级到街道的工单（%(n)s 件）") % {"n": len(r.escalated)})
    pdf.grid([_("工单编号"), _("小区"), _("类别"), _("升级时间"), _("现承办单位"), _("状态")],
             [(e.code, e.estate, e.category, _local(e.at, "%m-%d %H:%M"), e.to, e.status) for e in r.escalated],
             widths=(30, 34, 24, 22, 40, 20), empty=_("本周没有升级到街道的工单"))
    return bytes(pdf.output())
