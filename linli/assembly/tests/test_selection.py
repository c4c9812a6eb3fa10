"""From unmanaged to managed (seeds 000 and 003), step by step, and renewal 90 days ahead (Civil Code art. 947)."""

import datetime
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from linli.assembly import services
from linli.assembly.models import SelectionCase, SelectionEvent
from linli.core.testing import decided
from linli.people.actors import system_actor
from linli.places.models import Stewardship

DAY = datetime.timedelta(days=1)


def steps(case):
    return list(SelectionEvent.objects.filter(case=case).order_by("id").values_list("kind", flat=True))


@pytest.fixture
def case(world):
    return services.selection_open(estate=world.estate_b, actor=world.street_admin,
                                   deadline=timezone.localdate() + datetime.timedelta(days=60))


def test_a_case_opens_only_for_an_estate_without_a_manager(world):
    with pytest.raises(ValidationError, match="已有管理方式：市场化物业"):
        services.selection_open(estate=world.estate_a, actor=world.street_admin,
                                deadline=timezone.localdate() + DAY)
    assert SelectionCase.objects.count() == 0


def test_an_estate_has_one_open_case_at_a_time(world, case):
    with pytest.raises(ValidationError, match="进行中的选聘案"):
        services.selection_open(estate=world.estate_b, actor=world.street_admin,
                                deadline=timezone.localdate() + DAY)


def test_the_mode_needs_an_approved_vote_of_the_estates_owners(world, case):
    other_estate_vote = decided(world, estate=world.estate_a)
    with pytest.raises(ValidationError, match="不属于本小区"):
        services.selection_decide_mode(case=case, mode="hire", motion=other_estate_vote, actor=world.street_admin)
    with pytest.raises(ValidationError, match="需要业主共同决定"):
        services.selection_decide_mode(case=case, mode="hire", motion=None, actor=world.street_admin)
    assert SelectionCase.objects.get().status == "open"


def test_the_assembly_decides_to_hire_and_then_selects_a_company(world, case):
    services.selection_decide_mode(case=case, mode="hire", motion=decided(world, estate=world.estate_b),
                                   actor=world.street_admin)
    assert SelectionCase.objects.get().status == "selecting"
    start = timezone.localdate() + DAY
    vote = decided(world, estate=world.estate_b, title="选聘重庆锦绣物业")
    case = services.selection_hire(case=case, provider=world.company, motion=vote, actor=world.street_admin,
                                   start=start, contract_end=start + datetime.timedelta(days=730), contract_no="HT-1")
    current = world.estate_b.current_stewardship(start)
    assert (case.status, current.mode, current.provider, current.contract_no) == ("hired", "market", world.company,
                                                                                  "HT-1")
    assert current.basis == "业主共同决定：选聘重庆锦绣物业（选定：重庆锦绣物业服务有限公司）"
    assert (current.basis_kind, current.basis_ref) == ("selection", f"selection:{case.pk}")
    assert steps(case) == ["opened", "mode_decided", "hired"]


def test_the_owners_committee_carries_out_the_owners_choice_and_chooses_nothing_itself(world, case):
    """The committee signs with the company the owners chose (物业管理条例 art. 34); it may not choose one itself
    (Civil Code art. 278(1)(4); Beijing art. 44: the assembly may not delegate the art. 34 matters)."""
    vote = decided(world, estate=world.estate_b)
    services.selection_decide_mode(case=case, mode="hire", motion=vote, actor=world.street_admin)
    today = timezone.localdate()
    meeting = services.meeting_schedule(kind="committee", level="estate", title="业委会选聘会议",
                                        estate=world.estate_b, notified_on=today, held_on=today,
                                        actor=world.street_admin)
    with pytest.raises(ValidationError, match="已召开"):
        services.selection_hire(case=case, provider=world.company, committee_meeting=meeting, motion=vote,
                                actor=world.street_admin, start=today + DAY, contract_end=today + 400 * DAY)
    services.meeting_record(meeting=meeting, minutes="选定锦绣物业", attendees=[("主任", "业委会")],
                            actor=world.street_admin)
    with pytest.raises(ValidationError, match="需要业主共同决定"):  # no owners' motion: the committee cannot hire
        services.selection_hire(case=case, provider=world.company, committee_meeting=meeting,
                                actor=world.street_admin, start=today + DAY, contract_end=today + 400 * DAY)
    with pytest.raises(ValidationError, match="选定的是 重庆锦绣物业服务有限公司，不能选聘"):
        services.selection_hire(case=case, provider=world.custodian, committee_meeting=meeting, motion=vote,
                                actor=world.street_admin, start=today + DAY, contract_end=today + 400 * DAY)
    case = services.selection_hire(case=case, provider=world.company, committee_meeting=meeting, motion=vote,
                                   actor=world.street_admin, start=today + DAY, contract_end=today + 400 * DAY)
    assert case.outcome.basis == ("业主委员会会议“业委会选聘会议”执行业主共同决定：选聘物业服务企业"
                                  "（选定：重庆锦绣物业服务有限公司）")


def test_the_assembly_may_decide_to_manage_the_estate_itself(world, case):
    vote = decided(world, estate=world.estate_b, title="业主自行管理", manager_mode="self")
    with pytest.raises(ValidationError, match="选定的是 业主自行管理，与所填管理方式不符"):
        services.selection_decide_mode(case=case, mode="hire", motion=vote, actor=world.street_admin)
    case = services.selection_decide_mode(case=case, mode="self", motion=vote,
                                          actor=world.street_admin, start=timezone.localdate() + DAY)
    assert (case.status, case.outcome.mode) == ("self_managed", "self")
    assert (case.outcome.basis_kind, case.outcome.basis_ref) == ("selection", f"selection:{case.pk}")
    assert steps(case) == ["opened", "mode_decided", "self_managed"]


def test_the_custodian_is_appointed_only_after_the_deadline_with_the_assemblys_consent(world, case):
    services.selection_decide_mode(case=case, mode="hire", motion=decided(world, estate=world.estate_b),
                                   actor=world.street_admin)
    consent = decided(world, estate=world.estate_b, title="同意由国有企业托底管理", manager_mode="custodian",
                      provider=world.custodian)
    deadline = case.deadline
    with pytest.raises(ValidationError, match="届满后"):
        services.selection_appoint_custodian(case=case, provider=world.custodian, consent=consent,
                                             actor=world.street_admin, start=deadline + DAY, today=deadline)
    with pytest.raises(ValidationError, match="国有物业服务企业"):
        services.selection_appoint_custodian(case=case, provider=world.company, consent=consent,
                                             actor=world.street_admin, start=deadline + DAY, today=deadline + DAY)
    assert world.estate_b.current_stewardship().mode == "none"
    case = services.selection_appoint_custodian(case=case, provider=world.custodian, consent=consent,
                                                actor=world.street_admin, start=deadline + 2 * DAY,
                                                today=deadline + DAY)
    current = world.estate_b.current_stewardship(deadline + 2 * DAY)
    assert (case.status, current.mode, current.provider) == ("custodian", "custodian", world.custodian)
    assert current.basis == "街道物业办指定托底，业主大会同意：同意由国有企业托底管理（选定：大渡口区城市更新国有托管公司）"
    assert (current.basis_kind, current.basis_ref) == ("selection", f"selection:{case.pk}")
    assert steps(case) == ["opened", "mode_decided", "custodian_appointed"]
    assert SelectionEvent.objects.get(kind="custodian_appointed").motion == consent


def test_the_custodian_needs_a_consent_that_was_approved(world, case):
    motion = decided(world, estate=world.estate_b)
    motion.approved = False
    with pytest.raises(ValidationError, match="尚未通过"):
        services.selection_appoint_custodian(case=case, provider=world.custodian, consent=motion,
                                             actor=world.street_admin, start=case.deadline + 2 * DAY,
                                             today=case.deadline + DAY)


def test_a_contract_ending_within_ninety_days_opens_one_renewal_case(world):
    today = timezone.localdate()
    opened = services.open_renewal_cases(today, actor=system_actor())
    assert [(c.estate, c.kind, c.deadline) for c in opened] == [
        (world.estate_a, "renewal", today + datetime.timedelta(days=30))]
    assert services.open_renewal_cases(today, actor=system_actor()) == []
    assert services.open_renewal_cases(today + DAY, actor=system_actor()) == []
    assert SelectionCase.objects.count() == 1


def test_a_contract_ending_in_ninety_one_days_opens_nothing_yet(world):
    today = timezone.localdate() - datetime.timedelta(days=61)  # A's contract then ends in 91 days
    assert services.open_renewal_cases(today, actor=system_actor()) == []
    assert services.open_renewal_cases(today + DAY, actor=system_actor())[0].estate == world.estate_a  # exactly 90 days: opened


def test_a_renewal_is_decided_like_a_selection_and_starts_after_the_old_contract(world):
    case = services.open_renewal_cases(actor=system_actor())[0]
    services.selection_decide_mode(case=case, mode="hire", motion=decided(world, title="续聘锦绣物业"),
                                   actor=world.street_admin)
    old = Stewardship.objects.get(estate=world.estate_a)
    start = old.contract_end + DAY
    case = services.selection_hire(case=case, provider=world.company, motion=decided(world, title="续聘锦绣物业（合同）"),
                                   actor=world.street_admin, start=start, contract_end=start + 1095 * DAY)
    old.refresh_from_db()
    assert (old.end, case.outcome.start, case.status) == (old.contract_end, start, "hired")


def test_close_due_and_renewals_are_safe_to_run_twice(world):
    out = StringIO()
    call_command("assembly", "renewals", stdout=out)
    call_command("assembly", "renewals", stdout=out)
    call_command("assembly", "close-due", stdout=out)
    assert out.getvalue().splitlines() == [f"锦霞小区：合同 {SelectionCase.objects.get().deadline} 到期，已立续聘案"]
