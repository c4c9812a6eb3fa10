"""The facility ledger of one estate from an Excel (.xlsx) or CSV sheet, like the registry's import
(docs/registry-import.md, docs/facilities.md): a template to download, an upload with limits (size, rows, types),
every bad row named with its column, all or nothing, and idempotent — a row matches an existing facility of the
estate by its code, else by its name, and a matched row adds nothing (re-importing the same sheet creates nothing).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.core import exports
from linli.core.text import normalize
from linli.core.uploads import UploadError, read_csv, read_xlsx
from linli.facilities import permissions, services
from linli.facilities.models import Facility
from linli.places.models import Building

MAX_BYTES = 2 * 1024 * 1024  # a ledger of a few hundred rows is a few tens of KB
MAX_ROWS = 2000
TYPES = (".xlsx", ".csv")
DATA_SHEET = "设施台账"

# (key, header, required, explanation): the columns in the template's order.
COLUMNS = [
    ("kind", gettext_lazy("类别"), True, gettext_lazy("电梯、水泵与水箱、消防设施、门禁与道闸、监控、照明、电动车充电棚、屋面、管线、其他")),
    ("name", gettext_lazy("名称"), True, gettext_lazy("如：1号楼1单元电梯；同一小区内不重复")),
    ("building", gettext_lazy("楼栋"), False, gettext_lazy("楼栋号（如 1栋）；属于整个小区的设施不填")),
    ("code", gettext_lazy("编号"), False, gettext_lazy("设备登记号、注册代码等；同一小区内不重复")),
    ("location", gettext_lazy("位置"), False, ""),
    ("installed_on", gettext_lazy("安装日期"), False, gettext_lazy("日期，如 2021-06-30")),
    ("warranty_until", gettext_lazy("保修截止"), False, gettext_lazy("日期")),
    ("contractor", gettext_lazy("维保单位"), False, ""),
    ("contract_no", gettext_lazy("维保合同编号"), False, ""),
    ("contract_end", gettext_lazy("维保合同到期"), False, gettext_lazy("日期")),
    ("inspection_due", gettext_lazy("法定检验到期"), False, gettext_lazy("日期：电梯年检、消防设施检测的下次到期日")),
    ("is_public", gettext_lazy("向居民公示"), False, gettext_lazy("是或否，不填为是")),
    ("note", gettext_lazy("备注"), False, ""),
]
DATES = {"installed_on", "warranty_until", "contract_end", "inspection_due"}


class FileError(Exception):
    """The file cannot be read at all (wrong type, too big, broken, too many rows)."""


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def __str__(self):
        return _("第 %(row)s 行“%(column)s”：%(message)s") % {"row": self.row, "column": self.column,
                                                         "message": self.message}


@dataclass
class Result:
    created: list = field(default_factory=list)  # facilities added
    existing: list = field(default_factory=list)  # (row, facility) matched, nothing added
    errors: list = field(default_factory=list)  # RowError; when any, nothing was written


def template_bytes() -> bytes:
    """The .xlsx template: the header row on the data sheet, a second sheet 填写说明 explaining each column."""
    wb = exports.new_workbook()
    ws = wb.active
    ws.title = DATA_SHEET
    exports.append_row(ws, [str(header) for _key, header, _req, _help in COLUMNS])
    guide = wb.create_sheet(_("填写说明"))
    exports.append_row(guide, [_("列"), _("必填"), _("说明")])
    for _key, header, required, help_text in COLUMNS:
        exports.append_row(guide, [str(header), _("是") if required else _("否"), str(help_text)])
    return exports.workbook_bytes(wb)


def read_rows(upload) -> list[tuple[int, list]]:
    """The rows of the uploaded sheet (row number as Excel shows it, values); FileError for a file refused whole."""
    name = getattr(upload, "name", "") or ""
    ext = Path(name).suffix.lower()
    if ext not in TYPES:
        raise FileError(_("只支持 .xlsx 和 .csv 文件"))
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise FileError(_("文件过大（最大 %(mb)s MB）") % {"mb": MAX_BYTES // (1024 * 1024)})
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise FileError(_("文件过大（最大 %(mb)s MB）") % {"mb": MAX_BYTES // (1024 * 1024)})
    try:
        if ext == ".xlsx":
            return read_xlsx(data, rows=MAX_ROWS + 1, sheet=DATA_SHEET)
        return read_csv(data, rows=MAX_ROWS + 1)
    except UploadError as exc:
        raise FileError(exc.messages[0]) from exc


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime | datetime.date):
        return value.strftime("%Y-%m-%d")
    return normalize(str(value)).strip()


_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")


def _date(text: str) -> datetime.date:
    found = _DATE.match(text)
    if not found:
        raise ValueError
    return datetime.date(*(int(g) for g in found.groups()))


def _kinds() -> dict[str, str]:
    out = {}
    for value, label in Facility.Kind.choices:
        out[normalize(str(label))] = value
        out[value] = value
    out.update({"水泵": Facility.Kind.PUMP, "水箱": Facility.Kind.PUMP, "消防": Facility.Kind.FIRE,
                "门禁": Facility.Kind.GATE, "道闸": Facility.Kind.GATE, "充电棚": Facility.Kind.CHARGING})
    return out


def _header_map(values: list) -> dict[int, str]:
    by_header = {normalize(str(header)): key for key, header, _r, _h in COLUMNS}
    by_header.update({key: key for key, *_rest in COLUMNS})
    return {i: by_header[_cell(v)] for i, v in enumerate(values) if _cell(v) in by_header}


def parse(rows: list[tuple[int, list]], estate) -> tuple[list[tuple[int, dict]], list[RowError]]:
    """The data rows as (row number, field values), and every error found, each naming its row and column."""
    labels = {key: str(header) for key, header, _r, _h in COLUMNS}
    errors: list[RowError] = []
    header_at = next((i for i, (_n, values) in enumerate(rows[:5]) if len(_header_map(values)) >= 2), None)
    if header_at is None:
        return [], [RowError(rows[0][0] if rows else 1, _("表头"),
                             _("找不到表头：第一行应为“类别”“名称”等列名，请使用模板"))]
    columns = _header_map(rows[header_at][1])
    missing = [labels[key] for key, _h, required, _e in COLUMNS if required and key not in columns.values()]
    if missing:
        return [], [RowError(rows[header_at][0], _("表头"), _("缺少必填列：%(cols)s") % {"cols": "、".join(missing)})]
    kinds = _kinds()
    buildings = {normalize(b.number): b for b in Building.objects.filter(estate=estate)}
    out = []
    for number, values in rows[header_at + 1:]:
        cells = {key: _cell(values[i]) if i < len(values) else "" for i, key in columns.items()}
        if not any(cells.values()):
            continue
        fields, bad = {}, False
        for key, _h, required, _e in COLUMNS:
            text = cells.get(key, "")
            if required and not text:
                errors.append(RowError(number, labels[key], _("必填")))
                bad = True
                continue
            if not text:
                continue
            if key == "kind":
                if text not in kinds:
                    errors.append(RowError(number, labels[key], _("不认识的类别“%(v)s”") % {"v": text}))
                    bad = True
                    continue
                fields[key] = kinds[text]
            elif key == "building":
                if text not in buildings:
                    errors.append(RowError(number, labels[key], _("该小区没有楼栋“%(v)s”") % {"v": text}))
                    bad = True
                    continue
                fields[key] = buildings[text]
            elif key in DATES:
                try:
                    fields[key] = _date(text)
                except ValueError:
                    errors.append(RowError(number, labels[key], _("日期格式应为 2024-01-31：“%(v)s”") % {"v": text}))
                    bad = True
            elif key == "is_public":
                if text not in ("是", "否", "1", "0"):
                    errors.append(RowError(number, labels[key], _("填“是”或“否”")))
                    bad = True
                    continue
                fields[key] = text in ("是", "1")
            else:
                max_length = Facility._meta.get_field(key).max_length
                if len(text) > max_length:
                    errors.append(RowError(number, labels[key], _("最多 %(n)s 个字") % {"n": max_length}))
                    bad = True
                    continue
                fields[key] = text
        if not bad:
            out.append((number, fields))
    return out, errors


@transaction.atomic
def import_sheet(upload, *, estate, actor) -> Result:
    """Import the sheet into ``estate``'s ledger: all or nothing. Each row matches an existing facility by code, else by
    name (nothing added); a row repeating an earlier row's code or name is an error; every new one goes through
    ``services.facility_register`` (the same rules as the form, its errors named with the row and column)."""
    permissions.require_manager(actor, estate)
    try:
        rows = read_rows(upload)
    except FileError as exc:
        return Result(errors=[RowError(0, _("文件"), str(exc))])
    parsed, errors = parse(rows, estate)
    result = Result(errors=errors)
    labels = {key: str(header) for key, header, _r, _h in COLUMNS}
    seen_codes, seen_names = {}, {}
    for number, fields in parsed:
        code, name = fields.get("code", ""), fields["name"]
        earlier = seen_codes.get(code) if code else None
        earlier = earlier or seen_names.get(name)
        if earlier:
            column = labels["code"] if code and code in seen_codes else labels["name"]
            result.errors.append(RowError(number, column, _("与第 %(row)s 行重复") % {"row": earlier}))
            continue
        if code:
            seen_codes[code] = number
        seen_names[name] = number
        existing = services.find_existing(estate=estate, code=code, name=name)
        if existing is not None:
            result.existing.append((number, existing))
            continue
        try:
            with transaction.atomic():
                result.created.append(services.facility_register(actor=actor, estate=estate, imported=True, **fields))
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                for message in messages:
                    result.errors.append(RowError(number, labels.get(key, key), message))
        except PermissionDenied as exc:
            result.errors.append(RowError(number, _("文件"), str(exc)))
    if result.errors:
        transaction.set_rollback(True)
        result.created = []
    result.errors.sort(key=lambda e: e.row)
    return result
