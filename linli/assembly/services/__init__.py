"""State changes of owners' decisions. Pages, the API, the CLI and the demo all call these.

Every function is keyword-only, validates, runs in a transaction, writes its append-only event row and returns
the object. Who may call it is checked here too, through linli/assembly/permissions.py (403 otherwise); pages and
the API only turn strangers away (404).
"""

from .meetings import (
    meeting_decide,
    meeting_record,
    meeting_schedule,
    task_add,
    task_done,
    task_to_work_order,
)
from .motions import (
    DEVELOPER_KEY,
    ballot_cast,
    close_due_motions,
    count,
    describe_ballot,
    electorate,
    electors_of,
    motion_close,
    motion_create,
    motion_open,
)
from .notices import notice_acknowledge, notice_post, notice_withdraw
from .selection import (
    open_renewal_cases,
    selection_appoint_custodian,
    selection_decide_mode,
    selection_hire,
    selection_open,
)

__all__ = [
    "meeting_schedule",
    "meeting_record",
    "meeting_decide",
    "task_add",
    "task_done",
    "task_to_work_order",
    "notice_post",
    "notice_withdraw",
    "notice_acknowledge",
    "motion_create",
    "DEVELOPER_KEY",
    "electorate",
    "motion_open",
    "electors_of",
    "ballot_cast",
    "describe_ballot",
    "count",
    "motion_close",
    "close_due_motions",
    "selection_open",
    "selection_decide_mode",
    "selection_hire",
    "selection_appoint_custodian",
    "open_renewal_cases",
]
