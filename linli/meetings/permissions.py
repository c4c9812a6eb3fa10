"""Who may take which step on a joint meeting (吹哨报到): plain ``can_*`` functions and ``require`` (PermissionDenied,
403), called by the services themselves so that pages and API get one answer. Who may *see* a meeting is
``JointMeeting.objects.visible_to(user)`` (404 otherwise).

* convene, invite, link orders, record minutes, give tasks, close: admins of the meeting's street (a street
  admin, or a district admin above it); no one from another street;
* report (报到): people of an invited department (``department_handler`` memberships of that organisation).
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from linli.meetings.models import JointMeeting, JointMeetingInvite
from linli.people.scopes import scope_for
from linli.workorders.permissions import MEETING_CONVENER_ROLES as CONVENER_ROLES  # noqa: F401
from linli.workorders.permissions import can_convene_meeting as can_convene  # the order page asks it too


def require(ok: bool, message=None) -> None:
    """Raise PermissionDenied (403) unless ``ok``."""
    if not ok:
        raise PermissionDenied(message or _("您无权对该会议执行此操作"))


def can_manage_meeting(user, meeting: JointMeeting) -> bool:
    return can_convene(user, meeting.street)


def can_report(user, invite: JointMeetingInvite) -> bool:
    """The people of the invited department."""
    return user is not None and invite.department_id in scope_for(user).own_org_ids


__all__ = ["CONVENER_ROLES", "can_convene", "can_manage_meeting", "can_report", "require"]
