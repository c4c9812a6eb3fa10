"""Uploads of the fees app through the gate: the payment import (issue 12, finding 11) and ledger evidence."""

import datetime
from unittest import mock

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from linli.core.tests import samples
from linli.fees.models import LedgerEntry, Payment

from .test_excel import sheet

D = datetime.date


def import_url(world):
    return reverse("fees:import", args=[world.estate_a.pk])


def test_an_xlsx_zip_bomb_is_refused_before_openpyxl_opens_it(world, client_for):
    bomb = samples.xlsx_bomb()
    with mock.patch.object(openpyxl, "load_workbook", wraps=openpyxl.load_workbook) as opened:
        response = client_for("staff_a").post(import_url(world), {"file": SimpleUploadedFile("历史.xlsx", bomb)})
    assert response.status_code == 400
    assert opened.call_count == 0
    assert [str(e) for e in response.context["result"].errors] == [
        "文件：文件压缩比异常（超过 100 倍），疑似压缩炸弹，已拒绝"]
    assert Payment.objects.count() == 0


def test_an_import_larger_than_the_sheet_cap_is_refused_by_the_form(world, client_for, settings):
    settings.LINLI_UPLOAD_MAX_SHEET_MB = 1
    big = SimpleUploadedFile("历史.xlsx", b"PK\x03\x04" + b"\0" * (1024 * 1024))
    response = client_for("staff_a").post(import_url(world), {"file": big})
    assert response.status_code == 200
    assert response.context["form"].errors == {"file": ["Excel 文件过大（最大 1 MB）"]}
    assert response.context["result"] is None


def test_a_long_cell_is_clipped_in_the_error_message(world, client_for):
    building = "楼" * 30_000
    data = sheet((building, "1", "101", 10, D(2025, 1, 1), "现金", "X1", "", ""))
    response = client_for("staff_a").post(import_url(world), {"file": SimpleUploadedFile("历史.xlsx", data)})
    assert response.status_code == 400
    assert [str(e) for e in response.context["result"].errors] == [
        "第2行 门牌号：本小区没有 " + "楼" * 50 + "… 1单元 101"]
    assert len(response.content) < 20_000


def test_a_one_megabyte_cell_is_refused_without_echoing_it(world, client_for):
    header = ["楼栋", "单元", "门牌号", "金额", "缴费日期", "方式", "流水号", "缴费人", "备注"]
    data = samples.xlsx_inline([header, ["1栋", "1", "101", "10", "2025-01-01", "现金", "X1", "",
                                         samples.random_text(1024 * 1024)]])
    response = client_for("staff_a").post(import_url(world), {"file": SimpleUploadedFile("历史.xlsx", data)})
    assert response.status_code == 400
    assert [str(e) for e in response.context["result"].errors] == ["文件：文件第2行有单元格超过 32767 个字符"]
    assert len(response.content) < 20_000


def test_ledger_evidence_that_is_html_is_refused_and_nothing_is_written(world, client_for):
    url = reverse("fees:ledger", args=[world.estate_a.pk])
    form = {"direction": "income", "category": "parking", "amount": "1200", "occurred_on": "2026-11-30",
            "description": "11月停车费"}
    html = SimpleUploadedFile("发票.pdf", b"<html><script>alert(1)</script></html>", content_type="application/pdf")
    response = client_for("manager_a").post(url, dict(form, evidence=html))
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "evidence": ["凭证文件类型不允许：只接受 PDF、JPG、PNG、WebP、Excel（.xlsx）、Word（.docx）"]}
    assert LedgerEntry.objects.count() == 0


def test_a_photo_of_the_evidence_is_stored_without_exif_under_a_generated_name(world, client_for):
    from PIL import Image

    url = reverse("fees:ledger", args=[world.estate_a.pk])
    form = {"direction": "income", "category": "parking", "amount": "1200", "occurred_on": "2026-11-30",
            "description": "11月停车费"}
    photo = SimpleUploadedFile("../../家门口.jpg", samples.jpeg_with_gps(), content_type="image/jpeg")
    assert client_for("manager_a").post(url, dict(form, evidence=photo)).status_code == 302
    entry = LedgerEntry.objects.get()
    assert entry.evidence.name.startswith("fees/evidence/") and "家门口" not in entry.evidence.name
    assert entry.evidence.name.endswith(".jpg")
    with Image.open(entry.evidence.path) as stored:
        assert (stored.format, dict(stored.getexif())) == ("JPEG", {})
