"""Spreadsheet exports that cannot carry formulas: every CSV and .xlsx that Linli writes goes through here.

A cell whose text begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read by Excel and
WPS as a formula (CSV/formula injection, OWASP): a resident named ``=HYPERLINK("http://x","点我")`` would
become a live link in a street office's spreadsheet. Such text gets a leading ``'`` (OWASP's advice), and in
a workbook every text cell is stored as a string, never as a formula. Numbers, dates and ``None`` are left
as they are, so a negative amount stays a number that can be summed.

``linli/core/tests/test_exports.py`` fails when code outside this module calls ``csv.writer(``,
``csv.DictWriter(`` or ``Workbook(``, so a new export cannot bypass it.
"""

from __future__ import annotations

import csv
import getpass
import io
from collections.abc import Iterable, Sequence

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """``value`` as it may go into a cell: text that a spreadsheet would run as a formula gets a leading ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(row: Iterable) -> list:
    return [safe_cell(v) for v in row]


def csv_bytes(header: Sequence | None, rows: Iterable[Iterable], *, encoding: str = "utf-8") -> bytes:
    """CSV with CRLF line ends; UTF-8 gets a BOM so that Excel on Chinese Windows opens it correctly.

    ``None`` becomes an empty field. Another ``encoding`` (e.g. ``gbk`` for an old hotline system) replaces
    what it cannot encode.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    if header is not None:
        writer.writerow(safe_row(header))
    for row in rows:
        writer.writerow(["" if v is None else v for v in safe_row(row)])
    text = out.getvalue()
    if encoding.lower().replace("-", "").replace("_", "") in ("utf8", "utf8sig"):
        return ("\ufeff" + text).encode("utf-8")
    return text.encode(encoding, errors="replace")


def new_workbook() -> Workbook:
    """A workbook to fill with :func:`append_row` (the only place Linli makes one)."""
    return Workbook()


def append_row(ws: Worksheet, row: Iterable) -> None:
    """Append ``row`` to ``ws`` with every text cell neutralised and typed as a string, never a formula."""
    cells = []
    for value in safe_row(row):
        cell = Cell(ws, value=value)
        if isinstance(value, str):
            cell.data_type = "s"  # openpyxl types text from "=" on as a formula; ours is always text
        cells.append(cell)
    ws.append(cells)


def append_rows(ws: Worksheet, rows: Iterable[Iterable]) -> None:
    for row in rows:
        append_row(ws, row)


def workbook_bytes(wb: Workbook) -> bytes:
    """The saved .xlsx. Every text cell is checked once more, so that one written as ``ws["A1"] = …`` instead of
    through :func:`append_row` cannot carry a formula either (Linli writes no formulas on purpose)."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and (cell.data_type == "f" or cell.value.startswith(FORMULA_STARTS)):
                    cell.value = safe_cell(cell.value)
                    cell.data_type = "s"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def command_username() -> str:
    """The name an export from the command line is logged under (no signed-in user there): ``cli:<os user>``."""
    try:
        name = getpass.getuser()
    except (KeyError, OSError):  # no login name, e.g. in a container with an unnamed uid
        name = "unknown"
    return f"cli:{name}"
