"""Excel: the monthly statement of an estate, and the import of historic payments.

The import checks the whole sheet first; a sheet with any error writes nothing. Each row carries the
payment's own reference (流水号/原收据号); it becomes the idempotency key ``import:<estate>:<reference>``,
so importing the same sheet again changes nothing.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from openpyxl.styles import Font

from linli.core import uploads
from linli.core.choices import values_by_chinese_label
from linli.core.exports import append_row, new_workbook, workbook_bytes
from linli.core.text import normalize
from linli.people.models import AuditEvent
from linli.people.services import audit
from linli.places.models import Estate, Home

from . import permissions
from .models import Bill, Category, LedgerEntry, Payment
from .money import ZERO, parse_money, parse_period
from .services import payment_record

MAX_ROWS = 20_000
COLUMNS = (
    ("building", "楼栋", True),
    ("entrance", "单元", False),
    ("number", "门牌号", True),
    ("amount", "金额", True),
    ("paid_on", "缴费日期", True),
    ("method", "方式", True),
    ("reference", "流水号", True),
    ("payer", "缴费人", False),
    ("note", "备注", False),
)
HEADERS = {normalize(h): key for key, h, _ in COLUMNS}
HEADER_OF = {key: h for key, h, _ in COLUMNS}
METHODS = {label: value for label, value in values_by_chinese_label(Payment.Method, key=normalize).items()
           if value != "online"}
METHODS.update({"微信": "wechat", "转账": "bank", "银行": "bank", "现金": "cash"})


@dataclass(frozen=True)
class RowError:
    row: int | None
    column: str
    message: str

    def __str__(self):
        where = f"第{self.row}行" if self.row else "文件"
        return f"{where}{' ' + self.column if self.column else ''}：{self.message}"


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0
    unchanged: int = 0
    amount: Decimal = ZERO
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return normalize(value)


def _date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _text(value).replace("/", "-").replace(".", "-").replace("年", "-").replace("月", "-").rstrip("日")
    return datetime.date.fromisoformat("-".join(p.zfill(2) for p in text.split("-")))


def template_bytes() -> bytes:
    wb = new_workbook()
    ws = wb.active
    ws.title = "历史缴费"
    append_row(ws, [h for _, h, _ in COLUMNS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    append_row(ws, ["1栋", "1", "101", 120, "2025-06-30", "现金", "HJ-2025-0001", "", "2025年上半年物业费"])
    return workbook_bytes(wb)


def import_payments(*, estate: Estate, data: bytes, actor, now=None) -> ImportResult:
    """Validate every row, then write all of them in one transaction (or nothing)."""
    permissions.require_collector(actor, estate)
    result = ImportResult()
    now = now or timezone.now()
    today = timezone.localdate(now)
    try:
        # Through the upload gate: the zip is checked before openpyxl unpacks it; the header row plus MAX_ROWS.
        table = uploads.read_xlsx(data, rows=MAX_ROWS + 1)
    except uploads.UploadError as exc:
        result.errors.append(RowError(None, "", exc.messages[0]))
        return result
    rows = (values for _number, values in table)
    header = next(rows, None) or ()
    index = {}
    for i, cell in enumerate(header):
        key = HEADERS.get(_text(cell).replace(" ", "").strip("*"))
        if key:
            index[key] = i
    missing = [HEADER_OF[k] for k, _, required in COLUMNS if required and k not in index]
    if missing:
        result.errors.append(RowError(1, "", f"缺少列：{'、'.join(missing)}"))
        return result
    homes = {
        (normalize(b), normalize(e), normalize(n)): pk
        for pk, b, e, n in Home.objects.filter(estate=estate).values_list("pk", "building__number", "entrance", "number")
    }
    parsed, refs = [], {}
    for rownum, values in enumerate(rows, start=2):
        if values is None or all(v in (None, "") for v in values):
            continue
        result.rows += 1
        if result.rows > MAX_ROWS:
            result.errors.append(RowError(rownum, "", f"一次最多导入 {MAX_ROWS} 行"))
            break

        def cell(key, values=values):
            i = index.get(key)
            return values[i] if i is not None and i < len(values) else None

        errors_before = len(result.errors)
        for key, head, required in COLUMNS:
            if required and _text(cell(key)) == "":
                result.errors.append(RowError(rownum, head, "必填"))
        if len(result.errors) > errors_before:
            continue
        building, entrance, number = _text(cell("building")), _text(cell("entrance")), _text(cell("number"))
        entrance = entrance.removesuffix("单元")
        home_id = homes.get((building, entrance, number))
        if home_id is None:
            result.errors.append(RowError(rownum, "门牌号", f"本小区没有 {uploads.clip(building)} "
                                                         f"{uploads.clip(entrance) or '—'}单元 {uploads.clip(number)}"))
        try:
            amount = parse_money(cell("amount"))
        except (ValueError, ArithmeticError):
            result.errors.append(RowError(rownum, "金额", "应为大于0的金额，最多两位小数"))
            amount = None
        try:
            paid_on = _date(cell("paid_on"))
            if paid_on > today:
                result.errors.append(RowError(rownum, "缴费日期", "不能晚于今天"))
        except (ValueError, TypeError):
            result.errors.append(RowError(rownum, "缴费日期", "应为日期，如 2025-06-30"))
            paid_on = None
        method = METHODS.get(_text(cell("method")))
        if method is None:
            result.errors.append(RowError(rownum, "方式", "应为 现金、银行转账、微信支付 或 支付宝"))
        reference = _text(cell("reference"))
        if reference in refs:
            result.errors.append(RowError(rownum, "流水号", f"与第{refs[reference]}行重复"))
        refs[reference] = rownum
        key = f"import:{estate.pk}:{reference}"
        if len(result.errors) == errors_before:
            parsed.append((rownum, home_id, amount, paid_on, method, key, reference,
                           _text(cell("payer")), _text(cell("note"))))
    if result.errors:
        return result
    existing = {p.idempotency_key: p for p in Payment.objects.filter(idempotency_key__in=[r[5] for r in parsed])}
    for rownum, home_id, amount, _d, _m, key, _ref, _p, _n in parsed:
        old = existing.get(key)
        if old is not None and (old.home_id != home_id or old.amount != amount):
            result.errors.append(RowError(rownum, "流水号", "该流水号已导入过另一笔收款"))
    if result.errors:
        return result
    home_objs = Home.objects.in_bulk([r[1] for r in parsed])
    with transaction.atomic():
        for _rownum, home_id, amount, paid_on, method, key, reference, payer, note in sorted(parsed, key=lambda r: r[3]):
            if key in existing:
                result.unchanged += 1
                continue
            payment_record(home=home_objs[home_id], amount=amount, method=method, idempotency_key=key, actor=actor,
                           paid_on=paid_on, payer=payer, reference=reference, note=note or "历史缴费导入", now=now)
            result.created += 1
            result.amount += amount
    return result


def statement_bytes(*, estate: Estate, month: str, user=None, request=None) -> bytes:
    """收支月报: the month's ledger by category, the bills of the month, and the payments received.

    The bills and payments are per home (who owes and paid what), so the export is written to the audit log.
    """
    period = parse_period(month)
    if period.frequency != "monthly":
        raise ValidationError(gettext("月份格式应为 2026-12"))
    wb = new_workbook()
    ws = wb.active
    ws.title = "收支汇总"
    bold = Font(bold=True)
    append_row(ws, [f"{estate.name} {period.code} 收支月报"])
    ws["A1"].font = Font(bold=True, size=14)
    append_row(ws, [])
    append_row(ws, ["收支", "类别", "金额(元)"])
    for c in ws[3]:
        c.font = bold
    labels = dict(Category.choices)
    totals = {"income": ZERO, "expense": ZERO}
    entries = LedgerEntry.objects.filter(estate=estate, occurred_on__gte=period.start, occurred_on__lte=period.end)
    sums = {}
    for direction, category, amount in entries.values_list("direction", "category", "amount"):
        sums[(direction, category)] = sums.get((direction, category), ZERO) + amount
    for (direction, category), amount in sorted(sums.items()):
        append_row(ws, ["收入" if direction == "income" else "支出", str(labels[category]), amount])
        totals[direction] += amount
    append_row(ws, ["收入合计", "", totals["income"]])
    append_row(ws, ["支出合计", "", totals["expense"]])
    append_row(ws, ["结余", "", totals["income"] - totals["expense"]])
    ws.column_dimensions["B"].width = 24
    ws.column_dimensions["C"].width = 14

    bills = wb.create_sheet("本月账单")
    append_row(bills, ["房屋", "收费项目", "账期", "计费天数", "应收", "减免", "已收", "欠缴"])
    for c in bills[1]:
        c.font = bold
    rows = (Bill.objects.filter(estate=estate, period_start__gte=period.start, period_start__lte=period.end)
            .select_related("home__building", "plan").order_by("home__building__number", "home__entrance", "home__number"))
    lines = 0
    for b in rows.iterator(chunk_size=2000):
        lines += 1
        append_row(bills, [str(b.home), b.plan.name, b.period, b.days, b.amount, b.relief, b.paid, b.outstanding])
    bills.column_dimensions["A"].width = 18

    pays = wb.create_sheet("本月收款")
    append_row(pays, ["收据号", "房屋", "方式", "缴费日期", "金额", "状态", "作废原因"])
    for c in pays[1]:
        c.font = bold
    for p in (Payment.objects.filter(estate=estate, paid_on__gte=period.start, paid_on__lte=period.end)
              .select_related("home__building").order_by("receipt_no")):
        lines += 1
        append_row(pays, [p.receipt_no, str(p.home), p.get_method_display(), p.paid_on, p.amount,
                          "已作废" if p.is_void else "有效", p.void_reason])
    pays.column_dimensions["A"].width = 20
    data = workbook_bytes(wb)
    audit(action=AuditEvent.Action.EXPORT, user=user, request=request, target=f"fees.statement:{estate.pk}:{period.code}",
          count=lines, data={"format": "xlsx", "estate": estate.name[:60]})
    return data
