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
    return can_schedule_meeting(user, kind=meeting.kind, estate=meeting.estate, division=meeting.division)


# -- committee meetings, three-way meetings, matters passed up (issue 19: helper "linkage") ----------------------


def can_schedule_meeting(user, *, kind: str, estate=None, division=None) -> bool:
    """The admins of the area schedule any meeting. A member of an estate's owners' committee or 物业管理委员会
    convenes and records that committee's meetings (Beijing arts. 45, 57); the residents' committee or the street
    may convene it too when the chair does not (art. 45(5)) — they are the admins of the area."""
    if can_write(user, estate=estate, division=division):
        return True
    return (kind == "committee" and estate is not None and user is not None
            and scope_for(user).sits_on_committee_of(estate))


def can_manage_series(user, estate) -> bool:
    """A recurring three-way meeting of an estate is set up by the admins of its community, street or district
    (the party organisation leads it, Beijing art. 3)."""
    return can_write(user, estate=estate)


def can_refer_matter(user, meeting) -> bool:
    """Whoever records a meeting may pass a matter it cannot settle up a level."""
    return can_write_meeting(user, meeting)


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


# -- owners' committees and 物业管理委员会 (issue 19; Beijing 物业管理条例 arts. 39–59) ------------------------------
# The street (街道办事处) receives a committee's filing (art. 43) and its term report (art. 49) and forms the
# 物业管理委员会 (art. 52): a street or district admin over the estate. The estate's community, street and district
# admins record a member's seat ending (art. 46) and keep the slate of an election; so do the committee's chair and
# vice-chair for their own committee (the committee announces it to the owners, art. 46). Everyone in the area's
# divisions (admins, grid workers, auditors) sees the list of committees.


def _street_or_above(scope, estate) -> bool:
    """An admin of the estate's street or district (a division path of at most two levels above the community)."""
    path = estate.community.path
    return any(path.startswith(p) and p.count("/") <= 2 for p in scope.admin_paths)


def can_oversee_committees(user, estate) -> bool:
    """Form a 物业管理委员会 (art. 52), record a filing (art. 43) or a term report (art. 49) for ``estate``."""
    if user is None:
        return False
    if is_system(user):
        return True
    return _street_or_above(scope_for(user), estate)


def leads(user, committee) -> bool:
    """``user`` is the current chair or vice-chair of ``committee``."""
    from linli.people.models import Post

    person_id = getattr(user, "person_id", None)
    return bool(person_id) and Post.objects.current().filter(
        organization_id=committee.organization_id, person_id=person_id, title__in=("chair", "vice_chair")).exists()


def can_record_term_report(user, committee) -> bool:
    """Art. 49: the committee reports in writing to the street; the street may record the report it received."""
    return can_oversee_committees(user, committee.estate) or (user is not None and sits_on(user, committee))


def can_end_seat(user, committee) -> bool:
    """Art. 46: a member's qualification ends; recorded by the estate's admins or the committee's chair/vice-chair."""
    if user is None:
        return False
    if is_system(user) or scope_for(user).can_write_estate(committee.estate):
        return True
    return leads(user, committee)


def can_list_committees(user) -> bool:
    """The list of every committee of an area: those who serve divisions (street, district, community …)."""
    return user is not None and bool(scope_for(user).paths)


def sees_committee_papers(user, committee) -> bool:
    """The filing papers and documents (they hold members' personal details): those who serve the estate's
    divisions, and the committee's own members."""
    if user is None:
        return False
    path = committee.estate.community.path
    return any(path.startswith(p) for p in scope_for(user).paths) or sits_on(user, committee)


# -- issue 19 (review): committee drafts, owners' proposals, assembly requests ---------------------------------
# A committee member (a current seat on the estate's owners' committee or 物业管理委员会, people.scopes) drafts
# motions and notices of their own estate for the street's review; only an admin of the estate's community, street
# or district reviews them, opens the vote or posts the notice (Beijing arts. 44(11), 51: the street and the
# residents' committee guide and supervise the committee).


def can_draft(user, estate) -> bool:
    """Draft (and revise a returned draft of) a motion or a notice of ``estate``: a member of its committee."""
    if user is None or is_system(user):
        return False
    return scope_for(user).sits_on_committee_of(estate)


def can_review(user, estate) -> bool:
    """Approve or return a committee's draft of ``estate``: an admin of its community, street or district."""
    return user is not None and not is_system(user) and scope_for(user).can_write_estate(estate)


def owns_home_in(user, estate, on=None) -> bool:
    """The user's person is an owner or co-owner of a home of ``estate`` now."""
    from linli.people.models import Occupancy

    person_id = getattr(user, "person_id", None)
    if not person_id:
        return False
    return Occupancy.objects.current(on).filter(person_id=person_id, home__estate_id=getattr(estate, "pk", estate),
                                                relation__in=Occupancy.OWNING).exists()


def can_propose(user, estate) -> bool:
    """Send a proposal to the estate's committee, start or sign a request for an assembly: an owner of the estate."""
    return user is not None and not is_system(user) and owns_home_in(user, estate)


def can_answer_proposal(user, proposal) -> bool:
    """Answer an owner's proposal: a member of the committee of its estate (Beijing art. 44(1)(5))."""
    return user is not None and not is_system(user) and scope_for(user).sits_on_committee_of(proposal.estate_id)


def can_record_paper_signature(user, request) -> bool:
    """A paper signature on a request for an assembly is entered by an admin of the estate, like a paper ballot."""
    return user is not None and not is_system(user) and scope_for(user).can_write_estate(request.estate)


# -- surveys (issue 19 item 5: 逐户征求意见) -----------------------------------------------------------------------
# A survey is drafted by the staff of the area (the community, street or district admins: ``can_write``) or, for
# its estate or one of its buildings, by a member of the estate's owners' committee or 物业管理委员会 (Beijing
# art. 44(5): the committee learns the owners' opinions; art. 56: the 物管会 consults all owners). A committee's survey
# goes live without the street's review — a survey decides nothing (Civil Code art. 278 decisions are motions) — but
# the street (the area's admins) may close any survey of its area.


def can_draft_survey(user, *, estate=None, building=None, community=None) -> bool:
    if user is None:
        return False
    estate = building.estate if building is not None else estate
    if can_write(user, estate=estate, division=community if estate is None else None):
        return True
    return estate is not None and scope_for(user).sits_on_committee_of(estate)


def can_run_survey(user, survey) -> bool:
    """Edit the draft, publish, close: the area's admins, or a current member of the committee that drafted it."""
    if can_write(user, estate=survey.estate, division=survey.community if survey.estate_id is None else None):
        return True
    return bool(survey.committee_id) and survey.committee_id in scope_for(user).committee_org_ids


def can_close_survey(user, survey) -> bool:
    """The drafters close their survey; the street (any admin of the area) may close a committee's survey too."""
    return can_run_survey(user, survey)


def can_answer_survey_online(user, survey, home) -> bool:
    """Online only for a home one lives in now (any current occupant answers for the home, 逐户)."""
    return bool(home.pk in scope_for(user).home_ids) and survey.covers(home)


def can_enter_survey_paper(user, survey) -> bool:
    """A door-to-door paper form is entered by the staff who serve the place (admins, grid workers, the estate's
    property company) or by an active volunteer of its community; never by read-only roles or the system."""
    from linli.people.roles import Role
    from linli.places.models import Estate

    if user is None or is_system(user):
        return False
    scope = scope_for(user)
    if can_write(user, estate=survey.estate, division=survey.community if survey.estate_id is None else None):
        return True
    field_roles = {Role.GRID_WORKER, Role.PROPERTY_MANAGER, Role.PROPERTY_STAFF}
    if scope.roles & field_roles:
        served = Estate.objects.managed_by_staff_of(user)
        served = served.filter(pk=survey.estate_id) if survey.estate_id else served.filter(
            community_id=survey.community_id)
        if served.exists():
            return True
    from linli.assembly.models.surveys import _volunteer_community_ids

    return survey.community_id in _volunteer_community_ids(scope.person_id)


def sees_survey_homes(user, survey) -> bool:
    """Which home answered what, and which homes have not answered yet (for the next door-to-door visit), and the
    per-home export: the staff who serve the place. The committee sees counts and text answers without homes."""
    from linli.places.models import Estate

    scope = scope_for(user)
    if not scope.is_staff_member:
        return False
    if survey.estate_id:
        return Estate.objects.managed_by_staff_of(user).filter(pk=survey.estate_id).exists()
    return any(survey.community.path.startswith(p) for p in scope.paths) or Estate.objects.managed_by_staff_of(
        user).filter(community_id=survey.community_id).exists()


# -- issue 19 (reach): what a committee member may do here -----------------------------------------------------
# A committee member's role comes from a current seat (people.Post) on the estate's owners' committee or 物业管理委员会
# (people.scopes), never from a membership.


def sits_on(user, committee) -> bool:
    """``user`` holds a current seat on ``committee``'s body (an assembly.Committee)."""
    return user is not None and committee.organization_id in scope_for(user).committee_org_ids


def can_rate_company(user, committee, on=None) -> bool:
    """Rate the property company for a quarter: any member of the body, while its term serves (Beijing art. 44(5):
    the committee supervises the property service contract; art. 56: a 物业管理委员会 acts in its place). Recorded
    with who rated; staff and the system do not rate for the owners."""
    from django.utils import timezone

    on = on or timezone.localdate()
    serving = (committee.term_starts <= on <= committee.term_ends) and committee.dissolved_on is None
    return serving and sits_on(user, committee)
