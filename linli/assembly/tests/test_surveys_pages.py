"""Survey pages: strangers get 404, a wrong role is refused, the right role succeeds; the export is staff-only and
audited."""

import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from linli.assembly import services
from linli.assembly.models import Survey, SurveyResponse
from linli.assembly.tests.test_surveys import QUESTIONS, TODAY, answer, opened
from linli.people.models import AuditEvent


@pytest.fixture
def survey(cworld):
    return opened(cworld)


def url(name, survey=None):
    return reverse(f"assembly:{name}", args=[survey.pk] if survey else [])


def test_anonymous_visitors_are_sent_to_sign_in(survey):
    for name in ("survey_list", "survey_new"):
        response = Client().get(url(name))
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
    response = Client().get(url("survey_detail", survey))
    assert response.status_code == 302


@pytest.mark.parametrize("name", ["survey_detail", "survey_answer", "survey_paper", "survey_export"])
@pytest.mark.parametrize("who", ["stranger", "other_street_admin"])
def test_strangers_and_other_streets_get_404(survey, client_for, who, name):
    assert client_for(who).get(url(name, survey)).status_code == 404


def test_a_stranger_has_no_survey_list_and_cannot_draft(cworld, client_for):
    client = client_for("stranger")
    assert client.get(url("survey_list")).status_code == 404
    assert client.get(url("survey_new")).status_code == 404


def test_a_resident_sees_the_open_survey_of_their_home(survey, client_for):
    response = client_for("resident_a").get(url("survey_list"))
    assert response.status_code == 200
    assert "引入物业逐户征求意见" in response.content.decode() and "不是业主表决" in response.content.decode()


def test_a_resident_answers_online_and_corrects_later(survey, cworld, client_for):
    client = client_for("resident_a")
    assert client.get(url("survey_answer", survey)).status_code == 200
    q1, q2, q3 = survey.questions.order_by("position")
    data = {"home": cworld.home_a1.pk, f"q{q1.pk}": q1.options.get(label="同意").pk,
            f"q{q2.pk}": [q2.options.get(label="保洁").pk, q2.options.get(label="维修").pk], f"q{q3.pk}": "路灯"}
    assert client.post(url("survey_answer", survey), data).status_code == 302
    data[f"q{q1.pk}"] = q1.options.get(label="不同意").pk
    client.post(url("survey_answer", survey), data)
    rows = list(SurveyResponse.objects.filter(survey=survey).order_by("id"))
    assert [(r.kind, r.actor, r.supersedes_id) for r in rows] == [
        ("online", cworld.resident_a, None), ("online", cworld.resident_a, rows[0].pk)]
    page = client.get(url("survey_answer", survey)).content.decode()
    assert "本户已于" in page


def test_a_missing_required_answer_names_the_question(survey, cworld, client_for):
    response = client_for("resident_a").post(url("survey_answer", survey), {"home": cworld.home_a1.pk})
    assert response.status_code == 200
    assert "请回答：1. 是否同意引入国有物业托管？" in response.content.decode()
    assert SurveyResponse.objects.count() == 0


def test_a_resident_is_sent_from_the_survey_page_to_their_answer(survey, client_for):
    response = client_for("resident_a").get(url("survey_detail", survey))
    assert response.status_code == 302 and response.url == url("survey_answer", survey)


def test_a_resident_cannot_enter_paper_forms_or_export(survey, client_for):
    client = client_for("resident_a")
    assert client.get(url("survey_paper", survey)).status_code == 403
    assert client.get(url("survey_export", survey)).status_code == 404


def test_staff_see_progress_the_homes_not_answered_and_the_export(survey, cworld, client_for):
    services.survey_answer(survey=survey, home=cworld.home_a1, answers=answer(survey, text="希望先修路灯"),
                           actor=cworld.resident_a)
    page = client_for("community_admin").get(url("survey_detail", survey)).content.decode()
    assert "1</strong> / 2" in page and 'id="unanswered"' in page and str(cworld.home_a2) in page
    assert 'id="export"' in page and f"{cworld.home_a1}：</span>希望先修路灯" in page


def test_the_committee_sees_counts_and_texts_without_homes(survey, cworld, client_for):
    services.survey_answer(survey=survey, home=cworld.home_a1, answers=answer(survey, text="希望先修路灯"),
                           actor=cworld.resident_a)
    response = client_for("committee_chair").get(url("survey_detail", survey))
    page = response.content.decode()
    assert response.status_code == 200
    assert "1</strong> / 2" in page and "希望先修路灯" in page
    assert 'id="unanswered"' not in page and 'id="export"' not in page and f"{cworld.home_a1}：" not in page
    assert client_for("committee_chair").get(url("survey_export", survey)).status_code == 404


def test_a_committee_member_drafts_and_publishes_a_survey(cworld, client_for):
    client = client_for("committee_chair")
    assert client.get(url("survey_new")).status_code == 200
    data = {"title": "电动车充电桩选址意见", "intro": "", "scope": "estate", "estate": cworld.estate_a.pk,
            "opens_on": TODAY.isoformat(), "closes_on": TODAY.isoformat(), "q1_text": QUESTIONS[0]["text"],
            "q1_kind": "single", "q1_required": "on", "q1_options": "同意\n不同意"}
    response = client.post(url("survey_new"), data)
    survey = Survey.objects.get()
    assert response.status_code == 302 and survey.committee == cworld.owners_committee
    client.post(url("survey_publish", survey))
    survey.refresh_from_db()
    assert survey.status == "open"


@pytest.mark.parametrize("who", ["resident_a", "manager_a", "auditor"])
def test_residents_property_staff_and_auditors_cannot_draft(cworld, client_for, who):
    assert client_for(who).get(url("survey_new")).status_code == 404


def test_a_read_only_role_cannot_publish_or_close(cworld, client_for):
    survey = services.survey_create(title="草稿", scope="estate", estate=cworld.estate_a, opens_on=TODAY,
                                    closes_on=TODAY, questions=QUESTIONS, actor=cworld.community_admin)
    assert client_for("auditor").post(url("survey_publish", survey)).status_code == 403
    assert client_for("auditor").post(url("survey_close", survey), {"reason": "x"}).status_code == 403
    survey.refresh_from_db()
    assert (survey.published_at, survey.closed_at) == (None, None)


def test_staff_enter_a_paper_form(survey, cworld, client_for):
    client = client_for("grid_worker")
    assert client.get(url("survey_paper", survey), {"home": cworld.home_a2.pk}).status_code == 200
    q1, q2, _q3 = survey.questions.order_by("position")
    response = client.post(url("survey_paper", survey), {
        "home": cworld.home_a2.pk, f"q{q1.pk}": q1.options.first().pk, f"q{q2.pk}": [q2.options.first().pk],
        "paper_no": "JX-0101"})
    assert response.status_code == 302
    row = SurveyResponse.objects.get()
    assert (row.kind, row.actor, row.paper_no, row.home) == ("paper", cworld.grid_worker, "JX-0101", cworld.home_a2)


def test_the_export_is_for_staff_and_written_to_the_audit_log(survey, cworld, client_for):
    services.survey_answer(survey=survey, home=cworld.home_a2, answers=answer(survey), actor=cworld.community_admin,
                           channel="paper", paper_no="=cmd|' /C calc'!A0")
    response = client_for("community_admin").get(url("survey_export", survey))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["结果", "逐户"]
    rows = list(book["逐户"].iter_rows(values_only=True))
    assert rows[1][:5] == ("锦霞小区", "1栋", "1", "101", "未答复")
    assert rows[2][3:5] == ("102", "纸质入户") and rows[2][7] == "'=cmd|' /C calc'!A0"  # never a formula
    event = AuditEvent.objects.get(kind="export")
    assert (event.actor, event.target, event.count) == (cworld.community_admin, f"assembly.survey:{survey.pk}", 2)


def test_the_resident_survey_pages_weigh_under_100_kb(survey, client_for):
    from linli import pageweight

    client = client_for("resident_a")
    for name in ("survey_list", "survey_answer"):
        weight = pageweight.weigh(client, name, url(name, survey if name == "survey_answer" else None))
        assert weight.total < pageweight.BUDGET


def test_the_demo_survey_is_half_answered_and_loaded_once(cworld):
    from linli.assembly.demo import SURVEY_TITLE, load_surveys
    from linli.places.models import Home

    for n in range(201, 221):
        Home.objects.create(building=cworld.building_a, entrance="2", floor=2, number=str(n), area="60.00")
    lines = []
    load_surveys(out=lines.append)
    survey = Survey.objects.get(title=SURVEY_TITLE)
    assert (survey.status, survey.estate) == ("open", cworld.estate_a)
    answered = SurveyResponse.objects.filter(survey=survey, kind="paper").count()
    assert 4 <= answered <= 18  # about half of the 22 homes, from paper forms
    load_surveys(out=lines.append)
    assert Survey.objects.filter(title=SURVEY_TITLE).count() == 1 and len(lines) == 1


def test_a_volunteer_without_a_home_on_record_reaches_the_paper_entry(survey, cworld, client_for):
    from linli.assembly.tests.test_surveys import volunteer

    volunteer(cworld, cworld.c1)
    client = client_for("volunteer_w")
    page = client.get(url("survey_list")).content.decode()
    assert url("survey_paper", survey) in page
    assert client.get(url("survey_detail", survey)).url == url("survey_paper", survey)
