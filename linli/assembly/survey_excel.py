"""A survey as a workbook (逐户征求意见): the results in total and by building, and the answer of every home (staff
only, written to the audit log like every export of personal data). Through linli.core.exports, so no cell is ever
a formula."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.styles import Font

from linli.assembly import selectors
from linli.core.exports import append_row, new_workbook, workbook_bytes
from linli.people.models import AuditEvent
from linli.people.services import audit

MAX_HOMES = 50_000  # one workbook; a larger area is exported estate by estate
BOLD = Font(bold=True)


def _head(ws, row):
    append_row(ws, row)
    for cell in ws[ws.max_row]:
        cell.font = BOLD


def _results_rows(ws, results, where: str):
    for item in results["questions"]:
        q = item["question"]
        if q.is_choice:
            for o in item["options"]:
                append_row(ws, [where, q.position, q.text, o["option"].label, o["count"], float(o["share"]) / 100])
        else:
            append_row(ws, [where, q.position, q.text, _("文字答复"), len(item["texts"]), None])


def _answer_text(q, value) -> str:
    if value in (None, "", []):
        return ""
    if q.is_choice:
        labels = {o.pk: o.label for o in q.options.all()}
        return "；".join(labels.get(v, "?") for v in value)
    return value


def survey_workbook(*, survey, user, request=None) -> bytes:
    """The workbook of ``survey`` for ``user`` (the view checks ``sees_survey_homes``); one audit line."""
    homes = survey.homes().count()
    if homes > MAX_HOMES:
        raise ValidationError(_("一次最多导出%(n)s户，请按小区分别导出") % {"n": MAX_HOMES})
    wb = new_workbook()
    ws = wb.active
    ws.title = _("结果")
    append_row(ws, [survey.title])
    append_row(ws, [_("意见征询，不是业主表决（民法典第二百七十八条）；按户统计，不按面积。")])
    progress = selectors.survey_progress(survey)
    append_row(ws, [_("已答复"), progress["answered"], _("户数"), progress["homes"]])
    _head(ws, [_("范围"), _("序号"), _("问题"), _("选项"), _("户数"), _("占已答复户")])
    _results_rows(ws, selectors.survey_results(survey, with_homes=True), _("合计"))
    for block in selectors.survey_results_by_building(survey, with_homes=True):
        _results_rows(ws, block, f"{block['building'].estate.name} {block['building'].number}")
    for row in ws.iter_rows(min_row=5, min_col=6, max_col=6):
        row[0].number_format = "0.0%"
    ws.column_dimensions["C"].width = 40
    ws.column_dimensions["D"].width = 24

    questions = list(survey.questions.prefetch_related("options"))
    sheet = wb.create_sheet(_("逐户"))
    _head(sheet, [_("小区"), _("楼栋"), _("单元"), _("门牌号"), _("答复方式"), _("答复时间"), _("录入/提交人"),
                  _("纸质表编号"), *[f"{q.position}. {q.text}" for q in questions]])
    lines = 0
    for home, response in selectors.survey_home_rows(survey):
        lines += 1
        if response is None:
            append_row(sheet, [home.building.estate.name, home.building.number, home.entrance, home.number,
                               _("未答复")])
            continue
        append_row(sheet, [home.building.estate.name, home.building.number, home.entrance, home.number,
                           response.get_channel_display(),
                           timezone.localtime(response.at).replace(tzinfo=None),
                           str(response.actor or ""), response.paper_no,
                           *[_answer_text(q, response.answers.get(str(q.pk))) for q in questions]])
    for row in sheet.iter_rows(min_row=2, min_col=6, max_col=6):
        row[0].number_format = "yyyy-mm-dd hh:mm"
    sheet.freeze_panes = "A2"
    data = workbook_bytes(wb)
    audit(action=AuditEvent.Action.EXPORT, user=user, request=request, target=f"assembly.survey:{survey.pk}",
          count=lines, data={"format": "xlsx", "survey": survey.title[:60]})
    return data
