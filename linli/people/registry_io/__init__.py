"""Import and export of the registry: estates, buildings, homes and the people tied to them.

One row of a sheet is one home (户), optionally with one person and that person's relation to it.
Every cell is normalised first (Traditional → Simplified, full-width → half-width, whitespace).
The whole file is validated before anything is written; a file with any error writes nothing, a
clean file is written in one transaction. Records are matched by natural keys, so importing the
same file twice changes nothing (the rules are in docs/registry-import.md).

No HTTP here: the import page and the ``import-registry`` / ``export-registry`` commands call
``import_registry``, ``export_registry`` and ``template_file``.
"""

from .columns import (
    BATCH,
    COLUMN_BY_KEY,
    COLUMNS,
    DATA_SHEET,
    FORMATS,
    HEADER_LOOKUP,
    HELP_SHEET,
    KIND_BY_LABEL,
    KIND_LABEL,
    MAX_ROWS,
    RELATION_BY_LABEL,
    RELATION_LABEL,
    RELATION_ORDER,
    REQUIRED,
    Column,
    header,
)
from .exporting import HEADERS, example_row, export_registry, export_table, template_file
from .importing import HOME_TWICE, PERSON_TWICE, import_registry
from .parsing import (
    AREA_UNIT,
    DECIMAL,
    EXAMPLE_KEYS,
    EXAMPLE_VALUES,
    LANDLINE,
    MAX_AREA,
    MAX_LENGTH,
    MOBILE,
    Row,
    parse_area,
    parse_floor,
    parse_phone,
    parse_table,
    parse_year,
)
from .reading import FileError, cell_text, read_table
from .results import COUNT_LABELS, ImportResult, RowError

__all__ = [
    "FORMATS",
    "MAX_ROWS",
    "BATCH",
    "DATA_SHEET",
    "HELP_SHEET",
    "Column",
    "KIND_BY_LABEL",
    "RELATION_BY_LABEL",
    "KIND_LABEL",
    "RELATION_LABEL",
    "RELATION_ORDER",
    "COLUMNS",
    "COLUMN_BY_KEY",
    "REQUIRED",
    "HEADER_LOOKUP",
    "header",
    "RowError",
    "COUNT_LABELS",
    "ImportResult",
    "FileError",
    "read_table",
    "cell_text",
    "MOBILE",
    "LANDLINE",
    "DECIMAL",
    "AREA_UNIT",
    "MAX_AREA",
    "parse_phone",
    "parse_area",
    "parse_year",
    "parse_floor",
    "EXAMPLE_KEYS",
    "EXAMPLE_VALUES",
    "MAX_LENGTH",
    "Row",
    "parse_table",
    "HOME_TWICE",
    "PERSON_TWICE",
    "import_registry",
    "HEADERS",
    "export_table",
    "export_registry",
    "example_row",
    "template_file",
]
