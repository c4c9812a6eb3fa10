"""Spreadsheet cells that cannot run: what linli.core.exports writes, and that every export goes through it."""

import csv
import io
import re
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook

from linli.core.exports import (
    append_row,
    csv_bytes,
    new_workbook,
    safe_cell,
    workbook_bytes,
)

LINK = '=HYPERLINK("http://x","点我")'
HOSTILE = [LINK, "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


def test_text_that_a_spreadsheet_would_run_gets_a_leading_quote():
    assert [safe_cell(v) for v in HOSTILE] == ["'" + v for v in HOSTILE]


def test_everything_else_is_left_as_it_is():
    values = ["周莲秀", "1栋 101", "", "a=b", "13812345678", "'=already", -5, Decimal("-12.50"), 3.5, None]
    assert [safe_cell(v) for v in values] == values


def test_a_csv_field_that_would_run_starts_with_a_quote():
    data = csv_bytes(["姓名", "金额"], [[LINK, Decimal("-12.50")], ["+1+1", -3], [None, 0]])
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows == [["姓名", "金额"], ["'" + LINK, "-12.50"], ["'+1+1", "-3"], ["", "0"]]


def test_a_csv_in_another_encoding_has_no_bom_and_replaces_what_it_cannot_encode():
    assert csv_bytes(["名"], [["=1", "😀"]], encoding="gbk") == "名\r\n'=1,?\r\n".encode("gbk")


def test_an_xlsx_text_cell_is_a_string_never_a_formula_and_numbers_stay_numbers():
    wb = new_workbook()
    append_row(wb.active, [LINK, "+1+1", Decimal("-12.50"), -3, "普通"])
    ws = load_workbook(io.BytesIO(workbook_bytes(wb))).active
    cells = list(ws[1])
    assert [c.data_type for c in cells] == ["s", "s", "n", "n", "s"]
    assert [c.value for c in cells] == ["'" + LINK, "'+1+1", -12.5, -3, "普通"]


def test_a_cell_written_around_the_helper_is_still_saved_as_inert_text():
    wb = new_workbook()
    ws = wb.active
    ws["A1"] = LINK
    ws["B1"] = "+1+1"
    ws["C1"] = -7
    ws = load_workbook(io.BytesIO(workbook_bytes(wb))).active
    assert [(c.value, c.data_type) for c in ws[1]] == [("'" + LINK, "s"), ("'+1+1", "s"), (-7, "n")]


# -- the guard: no export bypasses the helper ---------------------------------------------------------

LINLI = Path(__file__).resolve().parents[2]
WRITERS = re.compile(r"csv\.(?:writer|DictWriter)\(|(?<![\w.])Workbook\(|openpyxl\.Workbook\(")


# Files that may write CSV themselves, each with the reason; an export for people to open is never one of them.
NOT_EXPORTS = {
    "triage/data/make_corpus.py": "writes the triage training corpus, a data file the classifier reads back as is",
}


def test_no_code_outside_the_helper_writes_a_csv_or_a_workbook():
    offenders = []
    for path in LINLI.rglob("*.py"):
        rel = path.relative_to(LINLI).as_posix()
        if rel == "core/exports.py" or rel in NOT_EXPORTS or "/tests/" in f"/{rel}" or path.name.startswith("test_"):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if WRITERS.search(line):
                offenders.append(f"{rel}:{number}")
    assert offenders == []


def test_the_guard_would_see_a_bypass():
    assert WRITERS.search("    wb = Workbook()")
    assert WRITERS.search("w = csv.writer(out)")
    assert WRITERS.search("wb = openpyxl.Workbook()")
    assert WRITERS.search("w = csv.DictWriter(out, fieldnames=names)")
    assert not WRITERS.search("wb = load_workbook(io.BytesIO(data))")
    assert not WRITERS.search("wb = new_workbook()")
