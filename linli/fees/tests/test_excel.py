"""Excel: the monthly statement, and the import of historic payments (row errors, all or nothing, idempotent)."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from linli.fees import excel, services
from linli.fees.models import Bill, LedgerEntry, Payment

D = datetime.date
HEADER = ["楼栋", "单元", "门牌号", "金额", "缴费日期", "方式", "流水号", "缴费人", "备注"]


def sheet(*rows, header=HEADER) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(list(row))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


GOOD = (
    ("1栋", "1", "101", 120, D(2025, 6, 30), "现金", "HJ-0001", "", "2025年上半年"),
    ("1栋", "1单元", "102", "60.50", "2025/07/01", "微信支付", "HJ-0002", "", ""),
)


def test_a_clean_sheet_is_imported_once(world, plan):
    services.bill_period(period="2026-01", estate=world.estate_a, actor=world.manager_a)
    result = excel.import_payments(estate=world.estate_a, data=sheet(*GOOD), actor=world.staff_a)
    assert (result.ok, result.created, result.unchanged, result.amount) == (True, 2, 0, Decimal("180.50"))
    assert sorted(Payment.objects.values_list("amount", "paid_on", "method")) == [
        (Decimal("60.50"), D(2025, 7, 1), "wechat"), (Decimal("120.00"), D(2025, 6, 30), "cash")]
    assert Bill.objects.get(home=world.home_a1).outstanding == Decimal("0.00")
    again = excel.import_payments(estate=world.estate_a, data=sheet(*GOOD), actor=world.staff_a)
    assert (again.created, again.unchanged) == (0, 2)
    assert Payment.objects.count() == 2 and LedgerEntry.objects.count() == 2


def test_a_sheet_with_errors_writes_nothing_and_names_row_and_column(world):
    bad = (
        GOOD[0],
        ("1栋", "1", "999", 10, "2025-01-01", "现金", "HJ-0003", "", ""),
        ("1栋", "1", "102", "-5", "2025-13-01", "刷卡", "HJ-0001", "", ""),
        ("", "1", "101", 10, "2025-01-01", "现金", "HJ-0004", "", ""),
    )
    result = excel.import_payments(estate=world.estate_a, data=sheet(*bad), actor=world.staff_a)
    assert [str(e) for e in result.errors] == [
        "第3行 门牌号：本小区没有 1栋 1单元 999",
        "第4行 金额：应为大于0的金额，最多两位小数",
        "第4行 缴费日期：应为日期，如 2025-06-30",
        "第4行 方式：应为 现金、银行转账、微信支付 或 支付宝",
        "第4行 流水号：与第2行重复",
        "第5行 楼栋：必填",
    ]
    assert Payment.objects.count() == 0 and LedgerEntry.objects.count() == 0


def test_a_sheet_without_the_required_columns_is_refused(world):
    result = excel.import_payments(estate=world.estate_a, data=sheet(("1栋",), header=["楼栋"]), actor=world.staff_a)
    assert [str(e) for e in result.errors] == ["第1行：缺少列：门牌号、金额、缴费日期、方式、流水号"]
    garbage = excel.import_payments(estate=world.estate_a, data=b"not excel", actor=world.staff_a)
    assert [str(e) for e in garbage.errors] == ["文件：文件不是 .xlsx 格式的 Excel 文件"]


def test_a_reference_already_used_for_another_payment_is_an_error(world):
    excel.import_payments(estate=world.estate_a, data=sheet(GOOD[0]), actor=world.staff_a)
    changed = ("1栋", "1", "101", 99, D(2025, 6, 30), "现金", "HJ-0001", "", "")
    result = excel.import_payments(estate=world.estate_a, data=sheet(changed), actor=world.staff_a)
    assert [str(e) for e in result.errors] == ["第2行 流水号：该流水号已导入过另一笔收款"]


@pytest.mark.parametrize("who", ["auditor", "street_admin", "resident_a"])
def test_only_collectors_import(world, who):
    with pytest.raises(PermissionDenied):
        excel.import_payments(estate=world.estate_a, data=sheet(*GOOD), actor=getattr(world, who))
    assert Payment.objects.count() == 0


def test_the_import_page_shows_errors_and_writes_nothing(world, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = reverse("fees:import", args=[world.estate_a.pk])
    bad = sheet(("1栋", "1", "999", 10, "2025-01-01", "现金", "X1", "", ""))
    upload = SimpleUploadedFile("历史.xlsx", bad)
    assert client_for("auditor").post(url, {"file": upload}).status_code == 403
    response = client_for("staff_a").post(url, {"file": SimpleUploadedFile("历史.xlsx", bad)})
    assert response.status_code == 400
    assert "第2行 门牌号" in response.content.decode()
    ok = client_for("staff_a").post(url, {"file": SimpleUploadedFile("历史.xlsx", sheet(*GOOD))})
    assert ok.status_code == 200 and Payment.objects.count() == 2


def test_the_monthly_statement_has_the_ledger_bills_and_payments(world, plan, client_for):
    services.bill_period(period="2026-11", estate=world.estate_a, actor=world.manager_a)
    services.payment_record(home=world.home_a1, amount=Decimal("10"), method="cash", idempotency_key="k",
                            actor=world.staff_a, paid_on=D(2026, 11, 5))
    response = client_for("auditor").get(reverse("fees:statement", args=[world.estate_a.pk]), {"month": "2026-11"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["收支汇总", "本月账单", "本月收款"]
    rows = list(wb["收支汇总"].iter_rows(values_only=True))
    assert rows[3] == ("收入", "居民缴费", 10)
    assert rows[-1] == ("结余", None, 10)
    bills = list(wb["本月账单"].iter_rows(values_only=True))
    assert bills[1] == ("1栋1单元101", "物业服务费", "2026-11", 30, 10, 0, 10, 0)
    assert len(bills) == 3
    assert list(wb["本月收款"].iter_rows(values_only=True))[1][4] == 10
