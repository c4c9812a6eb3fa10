"""Issue 15 item 1: the owners' vote binds the hire (Civil Code art. 278(1)(4), art. 280).

Reproduced on the demo: a passed motion titled "选聘重庆义渡…" was accepted as the basis for hiring 渝锦, and the
stewardship history showed basis "选聘义渡" with provider 渝锦.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from linli.assembly import services
from linli.assembly.models import Motion, SelectionCase
from linli.core.testing import DAY, decided
from linli.people.models import Organization
from linli.places.models import Stewardship

THREE = [
    {"label": "重庆义渡物业", "mode": "market"},
    {"label": "业主自行管理", "mode": "self"},
    {"label": "国有企业托管", "mode": "custodian"},
]


@pytest.fixture
def yidu(world):
    return Organization.objects.create(name="重庆义渡物业服务有限公司", kind="property_company", ownership="market",
                                       division=world.company.division)


@pytest.fixture
def yujin(world):
    return Organization.objects.create(name="重庆渝锦物业服务有限公司", kind="property_company", ownership="market",
                                       division=world.company.division)


@pytest.fixture
def case(world):
    return services.selection_open(estate=world.estate_b, actor=world.street_admin,
                                   deadline=timezone.localdate() + datetime.timedelta(days=60))


def three(world, yidu):
    return [dict(THREE[0], provider=yidu), THREE[1], dict(THREE[2], provider=world.custodian)]


def hire(case, provider, motion, **kw):
    start = timezone.localdate() + DAY
    return services.selection_hire(case=case, provider=provider, motion=motion, actor=case.created_by, start=start,
                                   contract_end=start + 730 * DAY, **kw)


def test_a_passed_motion_choosing_yidu_does_not_hire_yujin(world, case, yidu, yujin):
    """The reproduction: the hire of another company than the one the owners chose is refused, naming both."""
    vote = decided(world, estate=world.estate_b, title="选聘重庆义渡物业服务有限公司", manager_mode="market",
                   provider=yidu)
    services.selection_decide_mode(case=case, mode="hire", motion=vote, actor=world.street_admin)
    with pytest.raises(ValidationError) as refused:
        hire(case, yujin, vote)
    assert list(refused.value.message_dict) == ["provider"]
    assert "选定的是 重庆义渡物业服务有限公司，不能选聘 重庆渝锦物业服务有限公司" in refused.value.messages[0]
    assert "第二百八十条" in refused.value.messages[0]
    assert world.estate_b.current_stewardship(timezone.localdate() + DAY).mode == "none"
    case = hire(case, yidu, vote)
    current = world.estate_b.current_stewardship(timezone.localdate() + DAY)
    assert (current.mode, current.provider) == ("market", yidu)
    assert current.basis == "业主共同决定：选聘重庆义渡物业服务有限公司（选定：重庆义渡物业服务有限公司）"
    assert (current.basis_kind, current.basis_ref) == (Stewardship.BasisKind.SELECTION, f"selection:{case.pk}")


def test_the_mode_must_be_the_one_the_motion_chose(world, case, yidu):
    market = decided(world, estate=world.estate_b, manager_mode="market", provider=yidu)
    with pytest.raises(ValidationError, match="与所填管理方式不符"):
        services.selection_decide_mode(case=case, mode="self", motion=market, actor=world.street_admin)
    own = decided(world, estate=world.estate_b, title="自行管理", manager_mode="self")
    with pytest.raises(ValidationError, match="选定的是业主自行管理，不能选聘"):
        hire(case, yidu, own)
    assert SelectionCase.objects.get().status == "open"


def test_a_motion_that_names_no_manager_is_no_basis(world, case, yidu):
    other = decided(world, estate=world.estate_b, matter="other_major", title="其他重大事项")
    with pytest.raises(ValidationError, match="须为“选聘和解聘物业服务企业或者其他管理人”的表决"):
        services.selection_decide_mode(case=case, mode="hire", motion=other, actor=world.street_admin)
    a_vote = decided(world, estate=world.estate_a)  # another estate's owners
    with pytest.raises(ValidationError, match="不属于本小区"):
        hire(case, world.company, a_vote)


def test_a_motion_of_another_case_is_no_basis(world, case, yidu):
    vote = decided(world, estate=world.estate_b, manager_mode="market", provider=yidu)
    Motion.objects.filter(pk=vote.pk).update(case=SelectionCase.objects.create(
        estate=world.estate_b, kind="unmanaged", status="hired", created_by=world.street_admin))
    vote.refresh_from_db()
    with pytest.raises(ValidationError, match="另一个选聘案"):
        hire(case, yidu, vote)


def test_a_motion_on_hiring_says_whom(world):
    now = timezone.now()
    kw = {"estate": world.estate_a, "matter": "hire_manager", "title": "选聘", "opens_at": now + 16 * DAY,
          "closes_at": now + 23 * DAY, "actor": world.street_admin}
    with pytest.raises(ValidationError) as refused:
        services.motion_create(**kw)
    assert list(refused.value.message_dict) == ["manager_mode"]
    with pytest.raises(ValidationError) as refused:
        services.motion_create(**kw, manager_mode="market")
    assert list(refused.value.message_dict) == ["provider"]
    with pytest.raises(ValidationError, match="须为国有物业服务企业"):
        services.motion_create(**kw, manager_mode="custodian", provider=world.company)
    with pytest.raises(ValidationError, match="自行管理不选定物业服务企业"):
        services.motion_create(**kw, manager_mode="self", provider=world.company)
    motion = services.motion_create(**kw, manager_mode="custodian", provider=world.custodian)
    assert (motion.manager_mode, motion.provider) == ("custodian", world.custodian)


def test_the_committee_path_needs_the_owners_motion_naming_the_provider(world, case, yidu, yujin):
    vote = decided(world, estate=world.estate_b, manager_mode="market", provider=yidu)
    today = timezone.localdate()
    meeting = services.meeting_schedule(kind="committee", level="estate", title="业委会签约", estate=world.estate_b,
                                        notified_on=today, held_on=today, actor=world.street_admin)
    services.meeting_record(meeting=meeting, minutes="签订合同", attendees=[("主任", "业委会")],
                            actor=world.street_admin)
    with pytest.raises(ValidationError, match="需要业主共同决定"):
        hire(case, yujin, None, committee_meeting=meeting)
    with pytest.raises(ValidationError, match="不能选聘 重庆渝锦物业服务有限公司"):
        hire(case, yujin, vote, committee_meeting=meeting)
    assert hire(case, yidu, vote, committee_meeting=meeting).outcome.provider == yidu


# -- the options motion decides the case ------------------------------------------------------------------------


def test_the_winning_option_is_hired_in_one_step_and_no_other(world, case, yidu, yujin):
    vote = decided(world, estate=world.estate_b, title="三选一", options=three(world, yidu), choice=1)
    assert vote.winning_option.provider == yidu
    with pytest.raises(ValidationError, match="选定的是 重庆义渡物业服务有限公司，不能选聘 重庆渝锦物业服务有限公司"):
        hire(case, yujin, vote)
    with pytest.raises(ValidationError, match="与所填管理方式不符"):
        services.selection_decide_mode(case=case, mode="self", motion=vote, actor=world.street_admin)
    case = hire(case, yidu, vote)
    assert (case.status, case.mode, case.outcome.provider) == ("hired", "hire", yidu)
    assert [e.kind for e in case.events.order_by("id")] == ["opened", "mode_decided", "hired"]


def test_the_owners_choose_the_state_custodian_among_three(world, case, yidu):
    vote = decided(world, estate=world.estate_b, options=three(world, yidu), choice=3)
    case = hire(case, world.custodian, vote)
    assert (case.outcome.mode, case.outcome.provider) == ("custodian", world.custodian)


def test_the_owners_choose_self_management_among_three(world, case, yidu):
    vote = decided(world, estate=world.estate_b, options=three(world, yidu), choice=2)
    case = services.selection_decide_mode(case=case, mode="self", motion=vote, actor=world.street_admin)
    assert case.outcome.mode == "self"


# -- the fallback: the street appoints the state custodian when the owners did not decide by the deadline ----------


def test_no_decision_by_the_deadline_lets_the_street_appoint_the_custodian(world, case):
    deadline = case.deadline
    with pytest.raises(ValidationError, match="届满后"):
        services.selection_appoint_custodian(case=case, provider=world.custodian, actor=world.street_admin,
                                             start=deadline, today=deadline)
    case = services.selection_appoint_custodian(case=case, provider=world.custodian, actor=world.street_admin,
                                                start=deadline + 2 * DAY, today=deadline + DAY)
    current = world.estate_b.current_stewardship(deadline + 2 * DAY)
    assert (current.mode, current.provider, current.basis_kind, current.basis_ref) == (
        "custodian", world.custodian, Stewardship.BasisKind.FALLBACK, f"selection:{case.pk}")
    assert "届满业主未作出决定" in current.basis
    assert [e.kind for e in case.events.order_by("id")] == ["opened", "custodian_fallback"]


def test_the_fallback_is_refused_when_the_owners_did_decide(world, case, yidu):
    decided(world, estate=world.estate_b, title="选聘义渡", manager_mode="market", provider=yidu)
    with pytest.raises(ValidationError, match="业主已在选聘期限内作出决定（选聘义渡）"):
        services.selection_appoint_custodian(case=case, provider=world.custodian, actor=world.street_admin,
                                             start=case.deadline + 2 * DAY, today=case.deadline + DAY)


def test_a_consent_must_choose_this_custodian(world, case, yidu):
    market = decided(world, estate=world.estate_b, manager_mode="market", provider=yidu)
    with pytest.raises(ValidationError, match="不是国有企业托管"):
        services.selection_appoint_custodian(case=case, provider=world.custodian, consent=market,
                                             actor=world.street_admin, start=case.deadline + 2 * DAY,
                                             today=case.deadline + DAY)
    other_state = Organization.objects.create(name="另一国有物业公司", kind="property_company", ownership="state",
                                              division=world.company.division)
    consent = decided(world, estate=world.estate_b, manager_mode="custodian", provider=world.custodian)
    with pytest.raises(ValidationError, match="不能选聘 另一国有物业公司"):
        services.selection_appoint_custodian(case=case, provider=other_state, consent=consent,
                                             actor=world.street_admin, start=case.deadline + 2 * DAY,
                                             today=case.deadline + DAY)


def test_an_options_vote_without_a_majority_leaves_the_case_to_its_fallback(world, case, yidu):
    """Two owners split between two options: participation is met, no option has more than half."""
    from linli.assembly.models import Elector
    from linli.core.testing import after_close, open_motion, sheet
    from linli.people.models import Occupancy, Person
    from linli.places.models import Home

    home = Home.objects.create(building=world.estate_b.buildings.get(), number="102", area="40.00")
    Occupancy.objects.create(person=Person.objects.create(name="王强"), home=home, relation="owner")
    Occupancy.objects.create(person=Person.objects.create(name="赵梅"), home=world.estate_b.homes.get(number="101"),
                             relation="owner")
    motion = open_motion(world, estate=world.estate_b, options=three(world, yidu))
    first, second = motion.options.order_by("position")[:2]
    for elector, option in zip(Elector.objects.filter(motion=motion).order_by("id"), (first, second), strict=True):
        services.ballot_cast(motion=motion, elector=elector, choice="for", option=option, channel="paper",
                             sheet=sheet(), actor=world.street_admin)
    motion = services.motion_close(motion=motion, actor=world.street_admin, now=after_close(motion))
    assert (motion.quorum_met, motion.approved, motion.winning_option) == (True, False, None)
    with pytest.raises(ValidationError, match="尚未通过"):
        hire(case, yidu, motion)
    case = services.selection_appoint_custodian(case=case, provider=world.custodian, actor=world.street_admin,
                                                start=case.deadline + 2 * DAY, today=case.deadline + DAY)
    assert case.outcome.basis_kind == "fallback"


# -- the pages ----------------------------------------------------------------------------------------------------


def test_the_case_page_shows_the_motion_and_its_chosen_provider_and_refuses_another(world, client_for, case, yidu,
                                                                                   yujin):
    vote = decided(world, estate=world.estate_b, title="三选一", options=three(world, yidu))
    Motion.objects.filter(pk=vote.pk).update(case=case)
    client = client_for("street_admin")
    url = reverse("assembly:case_detail", args=[case.pk])
    page = client.get(url).content.decode()
    assert "三选一" in page and "胜出" in page and "重庆义渡物业服务有限公司" in page
    start = timezone.localdate() + DAY
    form = {"step": "hire", "provider": yujin.pk, "motion": vote.pk, "start": start.isoformat(),
            "contract_end": (start + 700 * DAY).isoformat()}
    response = client.post(url, form)
    assert response.status_code == 200 and "不能选聘 重庆渝锦物业服务有限公司" in response.content.decode()
    assert SelectionCase.objects.get().status == "open"
    response = client.post(url, dict(form, provider=yidu.pk))
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "选聘案结案" in page and "（选定：重庆义渡物业服务有限公司）" in page
    estate_page = client.get(reverse("places:estate_detail", args=[world.estate_b.pk])).content.decode()
    assert "业主共同决定：三选一（选定：重庆义渡物业服务有限公司）" in estate_page


def test_the_case_page_offers_the_options_motion_prefilled(world, client_for, case):
    client = client_for("street_admin")
    page = client.get(reverse("assembly:case_detail", args=[case.pk])).content.decode()
    assert f"{reverse('assembly:motion_new')}?case={case.pk}" in page
    response = client.get(reverse("assembly:motion_new") + f"?case={case.pk}")
    form = response.context["form"]
    assert (form["case"].value(), form["matter"].value(), form["option_2_mode"].value()) == (case.pk, "hire_manager",
                                                                                             "self")
    assert client_for("stranger").get(reverse("assembly:motion_new") + f"?case={case.pk}").status_code in (302, 403,
                                                                                                        404)
