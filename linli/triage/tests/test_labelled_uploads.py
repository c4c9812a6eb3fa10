"""Labelled files for the triage command are read through the upload gate (an .xlsx bomb is refused unopened)."""

from unittest import mock

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from linli.core.tests import samples
from linli.triage.engine.labelled import read_table


def test_an_xlsx_bomb_is_refused_before_openpyxl_opens_it(tmp_path):
    bomb = tmp_path / "labels.xlsx"
    bomb.write_bytes(samples.xlsx_bomb())
    with mock.patch.object(openpyxl, "load_workbook") as opened, pytest.raises(CommandError) as error:
        call_command("triage", "train", str(bomb), "--text", "t", "--label", "l", "--out", str(tmp_path / "m.json"))
    assert str(error.value) == "labels.xlsx: 文件压缩比异常（超过 100 倍），疑似压缩炸弹，已拒绝"
    assert opened.call_count == 0


def test_a_csv_with_a_short_row_reads_blank_cells(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("t,l\n电梯坏了\n垃圾满了,y\n\n", encoding="utf-8")
    assert read_table(path) == [{"t": "电梯坏了", "l": ""}, {"t": "垃圾满了", "l": "y"}]
