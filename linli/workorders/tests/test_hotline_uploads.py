"""The 12345 import reads files through the upload gate: bombs refused, caps on size and cells, values clipped."""

from unittest import mock

import openpyxl
import pytest

from linli.core.tests import samples
from linli.people.actors import system_actor
from linli.workorders import hotline
from linli.workorders.models import WorkOrder

from .test_hotline import ROWS, csv_bytes


def test_an_xlsx_zip_bomb_is_refused_before_openpyxl_opens_it(desk):
    with mock.patch.object(openpyxl, "load_workbook") as opened, pytest.raises(hotline.FileError) as error:
        hotline.import_file(samples.xlsx_bomb(), "orders.xlsx", actor=system_actor())
    assert str(error.value) == "文件压缩比异常（超过 100 倍），疑似压缩炸弹，已拒绝"
    assert opened.call_count == 0 and WorkOrder.objects.count() == 0


def test_a_json_file_over_the_sheet_cap_is_refused_before_it_is_parsed(desk, settings):
    settings.LINLI_UPLOAD_MAX_SHEET_MB = 1
    with mock.patch.object(hotline.reading.json, "loads") as parsed, pytest.raises(hotline.FileError) as error:
        hotline.import_file(b"[" + b" " * (1024 * 1024) + b"]", "orders.json", actor=system_actor())
    assert str(error.value) == "文件过大（最大 1 MB），请拆分后分批导入"
    assert parsed.call_count == 0


def test_an_unreadable_call_time_is_clipped_in_the_reason(desk):
    row = list(ROWS[0])
    row[4] = "昨天" * 10_000
    [item] = hotline.import_file(csv_bytes([row]), "orders.csv", dry_run=True, actor=system_actor()).items
    assert (item.status, item.reason) == ("rejected", "来电时间“" + "昨天" * 25 + "…”无法识别")
