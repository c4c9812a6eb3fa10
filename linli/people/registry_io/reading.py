"""Reading an uploaded .xlsx or .csv into rows of cell text."""

from __future__ import annotations

import datetime
from functools import lru_cache
from pathlib import Path

from django.utils.translation import gettext

from linli.core.text import normalize
from linli.core.uploads import UploadError, read_csv, read_xlsx

from .columns import DATA_SHEET, MAX_ROWS

# -- reading the file -------------------------------------------------------------------------------

class FileError(Exception):
    """The file cannot be read at all (wrong format, broken file, unknown encoding)."""


def read_table(data: bytes, filename: str) -> list[tuple[int, list]]:
    """The rows of the first sheet as (row number as Excel shows it, cell values)."""
    ext = Path(filename).suffix.lower()
    if ext == ".xlsx":
        return _read_xlsx(data)
    if ext == ".csv":
        return _read_csv(data)
    if ext == ".xls":
        raise FileError(gettext("不支持旧版 .xls 文件，请在 Excel 中“另存为” .xlsx 或 CSV 后再导入"))
    raise FileError(gettext("只支持 .xlsx 和 .csv 文件"))


def _read_xlsx(data: bytes) -> list[tuple[int, list]]:
    # Through the upload gate: the zip is checked before openpyxl unpacks it; rows and cells are capped.
    try:
        return read_xlsx(data, rows=MAX_ROWS + 20, sheet=DATA_SHEET)
    except UploadError as e:
        raise FileError(e.messages[0]) from e


def _read_csv(data: bytes) -> list[tuple[int, list]]:
    # One record is one row in Excel, even when a quoted cell spans several lines.
    try:
        return read_csv(data, rows=MAX_ROWS + 20)
    except UploadError as e:
        raise FileError(e.messages[0]) from e


@lru_cache(maxsize=200_000)
def _norm(text: str) -> str:
    return normalize(text)


def cell_text(value) -> str:
    """A cell as normalised text; 101.0 from Excel reads as "101", a date as 2024-01-31."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return _norm(repr(value))
    if isinstance(value, datetime.datetime | datetime.date):
        return value.strftime("%Y-%m-%d")
    return _norm(str(value))
