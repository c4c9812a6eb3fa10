"""Work-order pages: the resident's phone page behind the poster QR code, the service desk, patrol reports,
the staff inbox, the work order with its steps, the resident's own requests, boards, posters,
the routing table and the assessment rates (响应率/解决率/满意率). Every step calls the one function in services/
that the API and the CLI call too.
"""

from .base import NOTE_FOR_RESIDENT, PAGE_SIZE, PUBLIC_EVENTS
from .committee import committee_order, committee_orders
from .h5 import go, mine, report, report_mine, reported
from .intake import desk, desk_people, desk_pick, patrol, place_options
from .order import order_act, order_context, order_detail, order_file
from .printing import poster_building, poster_estate, poster_list
from .rates import BAR_COLOURS, division_prefixes, rate_bars, rates_page
from .routing_table import routing_defaults, routing_edit, routing_rules
from .worklists import TAB_COUNT_CAP, board, bulk_dispatch, inbox, overdue_board

__all__ = [
    "PAGE_SIZE",
    "PUBLIC_EVENTS",
    "NOTE_FOR_RESIDENT",
    "order_context",
    "order_detail",
    "order_act",
    "order_file",
    "report",
    "reported",
    "go",
    "report_mine",
    "mine",
    "poster_list",
    "poster_estate",
    "poster_building",
    "desk",
    "desk_people",
    "desk_pick",
    "place_options",
    "patrol",
    "TAB_COUNT_CAP",
    "inbox",
    "bulk_dispatch",
    "board",
    "overdue_board",
    "routing_rules",
    "routing_defaults",
    "routing_edit",
    "division_prefixes",
    "BAR_COLOURS",
    "rate_bars",
    "rates_page",
    # issue 19 (reach)
    "committee_orders",
    "committee_order",
]
