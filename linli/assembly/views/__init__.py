"""Pages of owners' decisions: motions and the resident's ballot, meetings, notices, selection cases.

Who may do what: staff who see an estate read its motions, meetings and cases; admins of its community, street
or district (``can_write_estate``) change them; read-only roles get 403; a resident votes for the homes they own
and reads notices; everyone else gets 404. The public estate page needs no sign-in and shows no personal data.
"""

from linli.assembly.views.ballots import ballot_event_sheet, ballot_history, paper_batch  # noqa: F401
from linli.assembly.views.cases import case_detail, case_new  # noqa: F401
from linli.assembly.views.committees import (  # noqa: F401
    committee_detail,
    committee_document,
    committee_file,
    committee_filing,
    committee_list,
    committee_new,
    committee_register,
    committee_report,
    committee_seat_end,
    motion_candidates,
)
from linli.assembly.views.desk import committee_desk, committee_ratings, rating_correct  # noqa: F401
from linli.assembly.views.meetings import (  # noqa: F401
    committee_meeting_new,
    committee_meetings,
    meeting_decision,
    meeting_detail,
    meeting_minutes,
    meeting_new,
    meeting_refer,
    meeting_task,
    series_detail,
    series_new,
    series_stop,
    task_done,
    task_work_order,
)

# -- issue 19 (review) ------------------------------------------------------------------------------------------
from linli.assembly.views.motions import (  # noqa: F401
    ballot_sheet,
    draft_motion,
    draft_motion_edit,
    draft_motion_new,
    drafts,
    index,
    mine,
    motion_close,
    motion_detail,
    motion_new,
    motion_open,
    paper_ballot,
    review_queue,
    vote,
)
from linli.assembly.views.notices import (  # noqa: F401
    attachment,
    draft_notice,
    draft_notice_edit,
    draft_notice_new,
    notice_ack,
    notice_detail,
    notice_new,
    notice_withdraw,
    public_estate,
)
from linli.assembly.views.proposals import (  # noqa: F401
    proposal_attachment,
    proposal_detail,
    proposal_new,
    proposals,
    request_detail,
    request_new,
    request_paper,
    request_sign,
    request_withdraw,
    requests,
)

# -- surveys (issue 19 item 5: 逐户征求意见) --
from linli.assembly.views.surveys import (  # noqa: F401, E402
    survey_answer,
    survey_close,
    survey_detail,
    survey_export,
    survey_list,
    survey_new,
    survey_paper,
    survey_publish,
)
