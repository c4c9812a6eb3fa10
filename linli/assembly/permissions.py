"""Who may change owners' decisions: plain ``can_*`` functions and ``require`` (PermissionDenied, 403). The services
call them themselves, so the page, the API, the CLI and the demo get one answer. Who may *see* a motion, meeting or
notice is their ``visible_to(user)`` (404 otherwise).

Meetings, motions, paper ballots, notices and selection cases are written by the admins of the estate's community,
street or district (or of the meeting's division); an online ballot only by an owner of the home; ``None`` by
nobody; machine jobs (closing due votes, renewal cases) act as ``linli.people.actors.system_actor()``.
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from linli.people.actors import is_system
from linli.people.scopes import scope_for


def require(ok: bool, message: str | None = None) -> None:
    """Raise PermissionDenied (403) unless ``ok``."""
    if not ok:
        raise PermissionDenied(message or _("只读角色或范围外不能修改"))


def can_write(user, *, estate=None, division=None) -> bool:
    """Change the owners' decisions of an estate (or, without one, of a division)."""
    if user is None:
        return False
    if is_system(user):
        return True
    scope = scope_for(user)
    if estate is not None:
        return scope.can_write_estate(estate)
    return division is not None and scope.can_write_division(division)


def can_write_meeting(user, meeting) -> bool:
    return can_write(user, estate=meeting.estate, division=meeting.division)


def can_write_motion(user, motion) -> bool:
    return can_write(user, estate=motion.estate)


def can_record_paper_ballot(user, motion) -> bool:
    """A paper ballot is entered by the staff who run the vote, with the scan of the sheet."""
    return can_write_motion(user, motion) and not is_system(user)


def can_vote_online(user, elector) -> bool:
    """Online only for oneself: one of the owners of the elector's homes."""
    person_id = getattr(user, "person_id", None)
    return bool(person_id) and elector.persons.filter(pk=person_id).exists()


def can_write_notice(user, notice) -> bool:
    return can_write(user, estate=notice.estate, division=notice.community)


def can_acknowledge(user) -> bool:
    """Only residents confirm they have read a notice."""
    return bool(scope_for(user).home_ids)
