"""Surveys that ask every household (逐户征求意见): the rules, as sentences. A survey is an opinion survey, not a vote
(Civil Code art. 278): one answer per home, counted by homes."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from linli.assembly import selectors, services
from linli.assembly.models import Survey, SurveyResponse
from linli.core.events import AppendOnlyError
from linli.core.testing import make_user
from linli.people.models import Occupancy, Person
from linli.places.models import Building, Home
from linli.volunteers.models import Volunteer

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)

QUESTIONS = [
    {"text": "是否同意引入国有物业托管？", "kind": "single", "required": True, "options": ["同意", "不同意", "无所谓"]},
    {"text": "您最关心哪些服务？", "kind": "multiple", "required": True, "options": ["保洁", "保安", "绿化", "维修"]},
    {"text": "其他意见", "kind": "text", "required": False, "options": []},
]


def draft(world, actor=None, **kw):
    kw.setdefault("scope", "estate")
    if kw["scope"] != "community":
        kw.setdefault("estate", world.estate_a)
    return services.survey_create(title="引入物业逐户征求意见", opens_on=TODAY - DAY, closes_on=TODAY + 14 * DAY,
                                  questions=QUESTIONS, actor=actor or world.community_admin, **kw)


def opened(world, actor=None, **kw):
    survey = draft(world, actor=actor, **kw)
    return services.survey_publish(survey=survey, actor=actor or world.community_admin)


def answer(survey, *, agree="同意", services_=("保洁",), text=""):
    q1, q2, q3 = survey.questions.order_by("position")
    return {q1.pk: [q1.options.get(label=agree).pk], q2.pk: [q2.options.get(label=s).pk for s in services_],
            q3.pk: text}


@pytest.fixture
def survey(cworld):
    return opened(cworld)


# -- who drafts, publishes and closes ----------------------------------------------------------------------------

def test_the_community_drafts_a_survey_with_ordered_questions(cworld):
    survey = draft(cworld)
    assert [(q.position, q.kind, q.required) for q in survey.questions.all()] == [
        (1, "single", True), (2, "multiple", True), (3, "text", False)]
    assert list(survey.questions.get(position=1).options.values_list("label", flat=True)) == ["同意", "不同意", "无所谓"]
    assert (survey.status, survey.committee) == ("draft", None)


def test_a_committee_members_survey_goes_live_without_the_streets_review(cworld):
    survey = draft(cworld, actor=cworld.committee_chair)
    assert survey.committee == cworld.owners_committee
    services.survey_publish(survey=survey, actor=cworld.committee_chair)
    assert survey.status == "open"


def test_publishing_tells_the_residents_of_the_homes_asked(cworld):
    from linli.notify.models import Notification

    opened(cworld)
    assert sorted(Notification.objects.filter(kind="survey").values_list("user__username", flat=True)) == [
        "committee_chair", "committee_member", "resident_a"]


def test_the_street_can_close_a_committees_survey_and_another_street_cannot(cworld):
    survey = opened(cworld, actor=cworld.committee_member)
    with pytest.raises(PermissionDenied):
        services.survey_close(survey=survey, reason="不属本街道", actor=cworld.other_street_admin)
    services.survey_close(survey=survey, reason="问卷内容有误导", actor=cworld.street_admin)
    survey.refresh_from_db()
    assert (survey.status, survey.closed_by, survey.closed_reason) == ("closed", cworld.street_admin, "问卷内容有误导")


def test_a_committee_member_cannot_survey_the_whole_community(cworld):
    with pytest.raises(PermissionDenied):
        draft(cworld, actor=cworld.committee_chair, scope="community", community=cworld.c1)


@pytest.mark.parametrize("who", ["resident_a", "manager_a", "auditor", "stranger", "other_street_admin"])
def test_residents_property_staff_and_outsiders_do_not_draft_surveys(cworld, who):
    with pytest.raises(PermissionDenied):
        draft(cworld, actor=getattr(cworld, who))
    assert Survey.objects.count() == 0


def test_a_choice_question_needs_two_options(cworld):
    with pytest.raises(ValidationError, match="至少要有两个选项"):
        services.survey_create(title="x", scope="estate", estate=cworld.estate_a, opens_on=TODAY, closes_on=TODAY,
                               questions=[{"text": "同意吗", "kind": "single", "options": ["同意"]}],
                               actor=cworld.community_admin)


# -- one answer per home ------------------------------------------------------------------------------------------

def test_a_resident_answers_for_their_home(survey, cworld):
    response = services.survey_answer(survey=survey, home=cworld.home_a1, answers=answer(survey),
                                      actor=cworld.resident_a)
    assert (response.kind, response.actor, response.person, response.supersedes) == (
        "online", cworld.resident_a, cworld.resident, None)


def test_a_later_answer_of_the_same_home_is_a_correction_that_supersedes_the_first(survey, cworld):
    first = services.survey_answer(survey=survey, home=cworld.home_a1, answers=answer(survey),
                                   actor=cworld.resident_a)
    # 赵敏 lives in the same home: any current occupant answers for it.
    second = services.survey_answer(survey=survey, home=cworld.home_a1, answers=answer(survey, agree="不同意"),
                                    actor=cworld.committee_member)
    assert second.supersedes == first and second.person == cworld.zhao
    assert list(selectors.survey_current_responses(survey)) == [second]
    assert SurveyResponse.objects.filter(survey=survey).count() == 2  # the first is kept
    results = selectors.survey_results(survey, with_homes=False)
    assert results["responses"] == 1
    assert [(o["option"].label, o["count"]) for o in results["questions"][0]["options"]] == [
        ("同意", 0), ("不同意", 1), ("无所谓", 0)]


def test_answers_are_append_only(survey, cworld):
    response = services.survey_answer(survey=survey, home=cworld.home_a1, answers=answer(survey),
                                      actor=cworld.resident_a)
    with pytest.raises(AppendOnlyError):
        response.save()
    with pytest.raises(AppendOnlyError):
        response.delete()


def test_a_resident_of_another_estate_cannot_answer(survey, cworld):
    outsider = Person.objects.create(name="孙强", phone="13500004444")
    Occupancy.objects.create(person=outsider, home=cworld.home_b1, relation="owner")
    user = make_user("resident_b")
    user.person = outsider
    user.save()
    for home in (cworld.home_b1, cworld.home_a1):
        with pytest.raises(PermissionDenied):
            services.survey_answer(survey=survey, home=home, answers=answer(survey), actor=user)
    assert SurveyResponse.objects.count() == 0


def test_a_resident_answers_only_for_a_home_they_live_in(survey, cworld):
    with pytest.raises(PermissionDenied):  # 周莲秀 lives in 101, not 102
        services.survey_answer(survey=survey, home=cworld.home_a2, answers=answer(survey), actor=cworld.resident_a)


def test_a_required_question_must_be_answered_and_a_single_choice_has_one_option(survey, cworld):
    q1, q2, _q3 = survey.questions.order_by("position")
    with pytest.raises(ValidationError, match="第2题为必答题"):
        services.survey_answer(survey=survey, home=cworld.home_a1, answers={q1.pk: [q1.options.first().pk]},
                               actor=cworld.resident_a)
    with pytest.raises(ValidationError, match="只能选一项"):
        services.survey_answer(survey=survey, home=cworld.home_a1, actor=cworld.resident_a, answers={
            q1.pk: list(q1.options.values_list("pk", flat=True)), q2.pk: [q2.options.first().pk]})
    with pytest.raises(ValidationError, match="选项无效"):  # an option of another question
        services.survey_answer(survey=survey, home=cworld.home_a1, actor=cworld.resident_a, answers={
            q1.pk: [q2.options.first().pk], q2.pk: [q2.options.first().pk]})
    assert SurveyResponse.objects.count() == 0


def test_nobody_answers_a_draft_a_closed_or_an_ended_survey(cworld):
    survey = draft(cworld)
    with pytest.raises(ValidationError, match="不在征询期内"):
        services.survey_answer(survey=survey, home=cworld.home_a1, answers=answer(survey), actor=cworld.resident_a)
    services.survey_publish(survey=survey, actor=cworld.community_admin)
    late = timezone.now() + 20 * DAY
    with pytest.raises(ValidationError, match="不在征询期内"):
        services.survey_answer(survey=survey, home=cworld.home_a1, answers=answer(survey), actor=cworld.resident_a,
                               now=late)
    services.survey_close(survey=survey, reason="已达成共识", actor=cworld.community_admin)
    with pytest.raises(ValidationError, match="不在征询期内"):
        services.survey_answer(survey=survey, home=cworld.home_a1, answers=answer(survey), actor=cworld.resident_a)
    assert SurveyResponse.objects.count() == 0


# -- paper forms, door to door ------------------------------------------------------------------------------------

def test_a_paper_form_records_who_entered_it_when_and_its_number(survey, cworld):
    response = services.survey_answer(survey=survey, home=cworld.home_a2, answers=answer(survey),
                                      actor=cworld.community_admin, channel="paper", paper_no="JX-001")
    assert (response.kind, response.actor, response.paper_no, response.person) == (
        "paper", cworld.community_admin, "JX-001", None)
    assert response.at is not None


def test_a_paper_form_needs_its_number(survey, cworld):
    with pytest.raises(ValidationError, match="纸质表编号"):
        services.survey_answer(survey=survey, home=cworld.home_a2, answers=answer(survey),
                               actor=cworld.community_admin, channel="paper", paper_no=" ")


def test_a_paper_form_for_a_home_that_has_answered_is_a_correction_only_when_said_so(survey, cworld):
    online = services.survey_answer(survey=survey, home=cworld.home_a1, answers=answer(survey),
                                    actor=cworld.resident_a)
    with pytest.raises(ValidationError, match="更正该户答复"):
        services.survey_answer(survey=survey, home=cworld.home_a1, answers=answer(survey, agree="不同意"),
                               actor=cworld.grid_worker, channel="paper", paper_no="JX-002")
    paper = services.survey_answer(survey=survey, home=cworld.home_a1, answers=answer(survey, agree="不同意"),
                                   actor=cworld.grid_worker, channel="paper", paper_no="JX-002", replace=True)
    assert paper.supersedes == online


def volunteer(world, community, name="volunteer_w"):
    """An active volunteer of ``community`` (with an account) who lives in no home of the survey."""
    person = Person.objects.create(name="王芳", phone="13700002222")
    Volunteer.objects.create(person=person, community=community)
    user = make_user(name)
    user.person = person
    user.save()
    return user


def test_a_volunteer_of_the_community_enters_paper_forms(survey, cworld):
    user = volunteer(cworld, cworld.c1)
    response = services.survey_answer(survey=survey, home=cworld.home_a2, answers=answer(survey),
                                      actor=user, channel="paper", paper_no="V-7")
    assert response.actor == user


def test_a_volunteer_of_another_community_does_not(survey, cworld):
    with pytest.raises(PermissionDenied):
        services.survey_answer(survey=survey, home=cworld.home_a2, answers=answer(survey),
                               actor=volunteer(cworld, cworld.c2), channel="paper", paper_no="V-8")


@pytest.mark.parametrize("who", ["auditor", "department_handler", "resident_a", "committee_member", "stranger",
                                 "other_street_admin"])
def test_read_only_roles_residents_and_outsiders_do_not_enter_paper_forms(survey, cworld, who):
    with pytest.raises(PermissionDenied):
        services.survey_answer(survey=survey, home=cworld.home_a2, answers=answer(survey),
                               actor=getattr(cworld, who), channel="paper", paper_no="X-1")
    assert SurveyResponse.objects.count() == 0


def test_a_paper_form_for_a_home_outside_the_survey_is_refused(survey, cworld):
    with pytest.raises(ValidationError, match="不在本次征询范围内"):
        services.survey_answer(survey=survey, home=cworld.home_b1, answers=answer(survey),
                               actor=cworld.street_admin, channel="paper", paper_no="X-1")


# -- progress and results -----------------------------------------------------------------------------------------

def test_progress_counts_answered_homes_by_building_and_lists_the_others(survey, cworld):
    b2 = Building.objects.create(estate=cworld.estate_a, number="2栋", floors=6)
    h201 = Home.objects.create(building=b2, entrance="1", floor=2, number="201", area="70.00")
    Home.objects.create(building=b2, entrance="1", floor=2, number="202", area="70.00")
    services.survey_answer(survey=survey, home=cworld.home_a1, answers=answer(survey), actor=cworld.resident_a)
    services.survey_answer(survey=survey, home=cworld.home_a1, answers=answer(survey), actor=cworld.resident_a)
    services.survey_answer(survey=survey, home=h201, answers=answer(survey), actor=cworld.community_admin,
                           channel="paper", paper_no="2-201")
    progress = selectors.survey_progress(survey, unanswered=True)
    assert [(r["building"].number, r["answered"], r["homes"], str(r["share"])) for r in progress["rows"]] == [
        ("1栋", 1, 2, "50.0"), ("2栋", 1, 2, "50.0")]
    assert (progress["answered"], progress["homes"]) == (2, 4)  # a correction is not a second answer
    assert [str(h) for h in progress["unanswered"]] == [str(cworld.home_a2), str(Home.objects.get(number="202"))]


def test_results_count_homes_and_shares_and_show_text_with_homes_only_to_staff(survey, cworld):
    services.survey_answer(survey=survey, home=cworld.home_a1, actor=cworld.resident_a,
                           answers=answer(survey, services_=("保洁", "维修"), text="希望先修路灯"))
    services.survey_answer(survey=survey, home=cworld.home_a2, actor=cworld.committee_chair,
                           answers=answer(survey, agree="不同意", services_=("保洁",)))
    results = selectors.survey_results(survey, with_homes=False)
    single, multiple, text = results["questions"]
    assert [(o["option"].label, o["count"], str(o["share"])) for o in single["options"]] == [
        ("同意", 1, "50.0"), ("不同意", 1, "50.0"), ("无所谓", 0, "0.0")]
    assert [(o["option"].label, o["count"], str(o["share"])) for o in multiple["options"]] == [
        ("保洁", 2, "100.0"), ("保安", 0, "0.0"), ("绿化", 0, "0.0"), ("维修", 1, "50.0")]
    assert text["texts"] == [{"text": "希望先修路灯", "home": None}]
    staff = selectors.survey_results(survey, with_homes=True)
    assert staff["questions"][2]["texts"] == [{"text": "希望先修路灯", "home": cworld.home_a1}]
    by_building = selectors.survey_results_by_building(survey, with_homes=False)
    assert [(b["building"], b["responses"]) for b in by_building] == [(cworld.building_a, 2)]


def test_a_community_survey_asks_every_home_of_the_community(cworld):
    survey = opened(cworld, scope="community", community=cworld.c1)
    assert set(survey.homes()) == {cworld.home_a1, cworld.home_a2}
    assert survey.estate is None and survey.community == cworld.c1


def test_a_resident_sees_the_open_surveys_of_their_homes_and_whether_answered(survey, cworld):
    assert [(r["survey"], r["home"], r["answer"]) for r in selectors.surveys_for_resident(cworld.resident_a)] == [
        (survey, cworld.home_a1, None)]
    response = services.survey_answer(survey=survey, home=cworld.home_a1, answers=answer(survey),
                                      actor=cworld.committee_member)  # another occupant of the same home
    assert [r["answer"] for r in selectors.surveys_for_resident(cworld.resident_a)] == [response]
    assert selectors.surveys_for_resident(cworld.stranger) == []


def test_the_committee_sees_its_own_drafts_and_published_surveys_but_not_the_streets_drafts(cworld):
    street_draft = draft(cworld)
    own_draft = draft(cworld, actor=cworld.committee_member)
    published = opened(cworld)
    assert set(Survey.objects.visible_to(cworld.committee_chair)) == {own_draft, published}
    assert street_draft not in Survey.objects.visible_to(cworld.resident_a)
