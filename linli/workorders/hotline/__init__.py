"""12345 hotline adapter: orders in (CSV, Excel, JSON or a pushed JSON body), replies out in the same columns.

One function, ``import_orders``, serves ``linli import-12345`` and ``POST /api/v1/hotline/orders/``. Every row
gets an answer: created, duplicate (its 工单编号 was imported before: nothing changes) or rejected with a
reason. A row whose street is known but whose community or estate cannot be matched is still created at the
street (or community) and queued for a person (needs_triage); only a row without a known street is rejected.

Place names are matched after ``linli.core.text.normalize`` (Traditional → Simplified, full-width → half-width),
so 「錦霞小區」 finds 锦霞小区. 问题分类 is mapped onto Linli's categories with ``data/hotline_category_map.csv``
(built from the three-level classification tree hotlines use); anything it does not know stays uncategorised.
"""

from linli.people.registry_io import FileError, cell_text

from .exporting import REPLIED, export_bytes, export_rows, result_label
from .fields import (
    COMMUNITY_SUFFIXES,
    EXPORT_HEADERS,
    FIELDS,
    HEADER_LOOKUP,
    KIND_BY_LABEL,
    MAP_CSV,
    MAX_ROWS,
    STREET_SUFFIXES,
    ImportResult,
    Item,
)
from .importing import allowed_streets, import_file, import_orders
from .matching import CategoryMap, PlaceIndex, category_map, map_category, match_estate
from .reading import (
    DATE_FORMATS,
    DATETIME_FORMATS,
    DURATION,
    parse_datetime,
    parse_reply_due,
    read_rows,
    records_from_json,
)

__all__ = [
    "FileError",
    "cell_text",
    "MAP_CSV",
    "MAX_ROWS",
    "FIELDS",
    "EXPORT_HEADERS",
    "KIND_BY_LABEL",
    "STREET_SUFFIXES",
    "COMMUNITY_SUFFIXES",
    "HEADER_LOOKUP",
    "Item",
    "ImportResult",
    "read_rows",
    "records_from_json",
    "DATETIME_FORMATS",
    "DATE_FORMATS",
    "DURATION",
    "parse_datetime",
    "parse_reply_due",
    "CategoryMap",
    "category_map",
    "map_category",
    "PlaceIndex",
    "match_estate",
    "allowed_streets",
    "import_orders",
    "import_file",
    "REPLIED",
    "result_label",
    "export_rows",
    "export_bytes",
]
