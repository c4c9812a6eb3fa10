"""The work-order state machine. Every step is one function: it checks who may take it and whether the order's
status allows it, changes the order in a transaction, writes the append-only event and notifies.

    received → dispatched → accepted → in_progress → replied → visited → closed
    returned (退单) → received; reopened (重办) → dispatched; merged; cancelled
"""

from linli.workorders.permissions import (  # noqa: F401 (re-exported: s.can_manage …)
    can_call_back,
    can_handle,
    can_manage,
    can_rate,
    is_reporter,
)

from .common import (
    ACTION_LABELS,
    DEFAULT_LIMITS,
    TRANSITIONS,
    Event,
    IllegalStep,
    is_task_order,
    limits_memo,
    logger,
    set_deadlines,
    time_limits,
)

# _check_status, _handlers, _lock, _managers and _escalate are private, but the sweep, the order page and a test
# use them through this package
from .common import _check_status as _check_status
from .common import _handlers as _handlers
from .common import _lock as _lock
from .common import _managers as _managers
from .dispatch import workorder_dispatch
from .intake import REPEAT_CANDIDATES, Place, intake_repeats, intake_triage, resolve_place, workorder_create
from .steps import _escalate as _escalate
from .steps import (
    allowed_actions,
    workorder_accept,
    workorder_cancel,
    workorder_close,
    workorder_decide_extension,
    workorder_escalate,
    workorder_merge,
    workorder_reclassify,
    workorder_reopen,
    workorder_reply,
    workorder_request_extension,
    workorder_return,
    workorder_start,
    workorder_supervise,
    workorder_visit,
)

__all__ = [
    "is_task_order",
    "Event",
    "logger",
    "TRANSITIONS",
    "ACTION_LABELS",
    "DEFAULT_LIMITS",
    "IllegalStep",
    "limits_memo",
    "time_limits",
    "set_deadlines",
    "workorder_dispatch",
    "Place",
    "resolve_place",
    "intake_triage",
    "REPEAT_CANDIDATES",
    "intake_repeats",
    "workorder_create",
    "workorder_accept",
    "workorder_start",
    "workorder_return",
    "workorder_reply",
    "workorder_visit",
    "workorder_close",
    "workorder_reopen",
    "workorder_request_extension",
    "workorder_decide_extension",
    "workorder_supervise",
    "workorder_escalate",
    "workorder_merge",
    "workorder_cancel",
    "workorder_reclassify",
    "allowed_actions",
]
