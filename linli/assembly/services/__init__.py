"""State changes of owners' decisions. Pages, the API, the CLI and the demo all call these.

Every function is keyword-only, validates, runs in a transaction, writes its append-only event row and returns
the object. Who may call it is checked here too, through linli/assembly/permissions.py (403 otherwise); pages and
the API only turn strangers away (404).
"""

from .committees import (
    candidate_add,
    candidate_remove,
    committee_add_document,
    committee_record_filing,
    committee_record_term_report,
    committee_register_existing,
    install_elected_committee,
    management_committee_form,
    remind_term_reports,
    seat_end,
)
from .meetings import (
    committee_body,
    committee_members,
    committee_quorum_problem,
    matter_record_joint_referral,
    matter_refer_up,
    meeting_decide,
    meeting_record,
    meeting_schedule,
    next_level,
    next_meeting_date,
    series_create,
    series_stop,
    street_of,
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
from .ratings import rateable_quarters, rating_correct, rating_record
from .selection import (
    open_renewal_cases,
    selection_appoint_custodian,
    selection_decide_mode,
    selection_hire,
    selection_open,
)
from .surveys import survey_answer, survey_close, survey_create, survey_publish  # issue 19 item 5

__all__ = [
    "meeting_schedule",
    "meeting_record",
    "meeting_decide",
    "committee_body",
    "committee_members",
    "committee_quorum_problem",
    "matter_record_joint_referral",
    "matter_refer_up",
    "next_level",
    "next_meeting_date",
    "series_create",
    "series_stop",
    "street_of",
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
    # owners' committees and 物业管理委员会 (issue 19)
    "candidate_add",
    "candidate_remove",
    "install_elected_committee",
    "management_committee_form",
    "committee_record_filing",
    "committee_register_existing",
    "committee_add_document",
    "committee_record_term_report",
    "remind_term_reports",
    "seat_end",

    # -- surveys (issue 19 item 5) --
    "survey_create",
    "survey_publish",
    "survey_close",
    "survey_answer",

    # issue 19 (reach)
    "rating_record",
    "rating_correct",
    "rateable_quarters",
]
