"""Export of the registry and the blank template."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from linli.core.exports import append_row, append_rows, csv_bytes, new_workbook, workbook_bytes
from linli.core.text import mask_phone
from linli.people.models import AuditEvent, Occupancy
from linli.people.scopes import scope_for
from linli.people.services import audit
from linli.places.models import Division, Home

from .columns import (
    COLUMNS,
    DATA_SHEET,
    FORMATS,
    HELP_SHEET,
    KIND_BY_LABEL,
    KIND_LABEL,
    MAX_ROWS,
    RELATION_BY_LABEL,
    RELATION_LABEL,
    RELATION_ORDER,
    header,
)
from .parsing import EXAMPLE_KEYS, EXAMPLE_VALUES

# -- export and template ---------------------------------------------------------------------------

HEADERS = [c.header for c in COLUMNS]


def export_table(*, user=None, division: Division | None = None) -> tuple[list[list], int]:
    """Rows in the template's column order: one per open occupancy, or one per home with nobody tied to it.

    ``user`` limits the export to ``Home.objects.visible_to(user)`` and masks phone numbers unless the
    user is a registry admin; ``None`` (the command line) exports everything in full.
    """
    if user is None:
        homes = Home.objects.all()
        occupancies = Occupancy.objects.all()
        whole_phones = True
    else:
        homes = Home.objects.visible_to(user)
        occupancies = Occupancy.objects.visible_to(user)
        whole_phones = scope_for(user).is_registry_admin
    if division is not None:
        homes = homes.filter(estate__community__path__startswith=division.path)
    homes = homes.select_related("building", "estate", "estate__community").order_by(
        "estate__community__path", "estate__name", "building__number", "entrance", "number", "id"
    )
    people: dict[int, list[Occupancy]] = defaultdict(list)
    for o in occupancies.filter(end__isnull=True, home__in=homes.values("pk")).select_related("person"):
        people[o.home_id].append(o)
    rows = []
    count = 0
    for h in homes:
        count += 1
        e = h.estate
        base = [e.community.code, e.community.name, e.name, KIND_LABEL.get(e.kind, e.kind), e.built_year,
                e.address, h.building.number, h.entrance, h.floor, h.number, h.area]
        ties = sorted(people.get(h.pk, []), key=lambda o: (RELATION_ORDER.get(o.relation, 9), o.person_id))
        if not ties:
            rows.append([*base, "", "", ""])
        for o in ties:
            phone = o.person.phone if whole_phones else mask_phone(o.person.phone)
            rows.append([*base, o.person.name, phone, RELATION_LABEL.get(o.relation, o.relation)])
    return rows, count


def _csv_bytes(rows: list[list]) -> bytes:
    # Formula-like text is neutralised and UTF-8 gets a BOM (Excel on Chinese Windows) in linli.core.exports.
    return csv_bytes(HEADERS, rows)


def _workbook(rows: list[list], *, styled: bool) -> bytes:
    wb = new_workbook()
    ws = wb.active
    ws.title = DATA_SHEET
    append_row(ws, HEADERS)
    append_rows(ws, rows)
    bold = Font(bold=True)
    required_fill = PatternFill("solid", fgColor="FDE2E0")
    for index, col in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        cell = ws.cell(row=1, column=index)
        cell.font = bold
        if col.required:
            cell.fill = required_fill
        ws.column_dimensions[letter].width = col.width + 2
        if col.text:
            ws.column_dimensions[letter].number_format = "@"
    ws.freeze_panes = "A2"
    if styled:
        for key, labels in (("estate_kind", KIND_BY_LABEL), ("relation", RELATION_BY_LABEL)):
            letter = get_column_letter(HEADERS.index(header(key)) + 1)
            dv = DataValidation(type="list", formula1=f'"{",".join(labels)}"', allow_blank=True,
                                showErrorMessage=True, errorTitle="请从列表中选择", error=f"可填：{'、'.join(labels)}")
            dv.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
            ws.add_data_validation(dv)

    help_ws = wb.create_sheet(HELP_SHEET)
    append_row(help_ws, ["列名", "英文列名", "是否必填", "说明", "可填的值"])
    for col in COLUMNS:
        append_row(help_ws, [col.header, col.key, "必填" if col.required else "选填", col.help, col.allowed])
    append_row(help_ws, [])
    for line in (
        "一行登记一户房屋，可同时登记一位与该户有关的人；同一户有多人时，每人一行，房屋各列照抄。",
        "表头必须在第一行，列的顺序可以调整；不认识的列会被忽略。",
        "繁体字、全角数字和多余空格会自动转换后再比对。",
        "导入前请删除示例行。上传后先预检，显示将新建和变更的数量及错误，确认后才写入。",
        "文件中只要有一处错误，就不会写入任何数据。",
        "重复导入同一文件不会重复登记：小区按社区+名称、楼栋按小区+楼栋号、房屋按楼栋+单元+门牌号、"
        "人员按手机号+姓名（没有手机号时按同一户内的姓名）识别。",
    ):
        append_row(help_ws, [line])
    for cell in help_ws[1]:
        cell.font = bold
    for letter, width in zip("ABCDE", (10, 16, 10, 60, 44), strict=True):
        help_ws.column_dimensions[letter].width = width
    for row in help_ws.iter_rows(min_row=2, max_col=5):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    return workbook_bytes(wb)


def export_registry(fmt: str, *, user=None, division: Division | None = None, request=None,
                    username: str = "") -> tuple[bytes, int]:
    """The registry as .xlsx or .csv bytes, in the template's columns, and the number of homes in it.

    Names and phones leave the system here, so every export is written to the audit log (PIPL): the page
    passes its ``request``, the command a ``username`` such as ``cli:<os user>``.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    rows, homes = export_table(user=user, division=division)
    data = _workbook(rows, styled=False) if fmt == "xlsx" else _csv_bytes(rows)
    audit(action=AuditEvent.Action.EXPORT, user=user, request=request, username=username,
          target=f"places.registry:{division.code if division else 'all'}", count=len(rows),
          data={"format": fmt, "homes": homes,
                "phones": "full" if user is None or scope_for(user).is_registry_admin else "masked"})
    return data, homes


def example_row(community: Division | None = None) -> list:
    code, name = (community.code, community.name) if community is not None else ("500104001001", "锦霞社区")
    example = dict(zip(EXAMPLE_KEYS, EXAMPLE_VALUES, strict=True))
    return [code, name, example["estate"], "老旧小区", 1985, "锦霞街1号", example["building"], example["entrance"], 3,
            example["number"], Decimal("62.50"), example["name"], example["phone"], "业主"]


def template_file(fmt: str, *, community: Division | None = None) -> bytes:
    """The import template: Chinese headers and one example row; the .xlsx has a sheet explaining each column."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    rows = [example_row(community)]
    return _workbook(rows, styled=True) if fmt == "xlsx" else _csv_bytes(rows)
