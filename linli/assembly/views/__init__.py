"""Pages of owners' decisions: motions and the resident's ballot, meetings, notices, selection cases.

Who may do what: staff who see an estate read its motions, meetings and cases; admins of its community, street
or district (``can_write_estate``) change them; read-only roles get 403; a resident votes for the homes they own
and reads notices; everyone else gets 404. The public estate page needs no sign-in and shows no personal data.
"""

from linli.assembly.views.ballots import ballot_event_sheet, ballot_history, paper_batch  # noqa: F401
from linli.assembly.views.cases import case_detail, case_new  # noqa: F401
from linli.assembly.views.meetings import (  # noqa: F401
    meeting_detail,
    meeting_minutes,
    meeting_new,
    meeting_task,
    task_done,
    task_work_order,
)
from linli.assembly.views.motions import (  # noqa: F401
    ballot_sheet,
    index,
    mine,
    motion_close,
    motion_detail,
    motion_new,
    motion_open,
    paper_ballot,
    vote,
)
from linli.assembly.views.notices import (  # noqa: F401
    attachment,
    notice_ack,
    notice_detail,
    notice_new,
    notice_withdraw,
    public_estate,
)
