"""Who sees the rankings, who changes weights and recomputes, the public 红黑榜, the API and the rates page."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from linli.dashboard import assessment as a
from linli.dashboard.models import AssessmentWeights, MonthlyScore, ScoreEvent, Subject
from linli.people.models import Organization
from linli.places.models import Estate

NOVEMBER = datetime.date(2026, 11, 1)
OCTOBER = datetime.date(2026, 10, 1)


def store(w, month, scores, kind=ScoreEvent.Kind.FROZEN):
    """A stored computation: ``scores`` = {subject object: (score, rank_district, rank_street, prev_rank)}."""
    event = ScoreEvent.objects.create(kind=kind, district=w.district, month=month, data={"weights": {}})
    for obj, (score, rank, rank_street, prev) in scores.items():
        row = MonthlyScore(event=event, district=w.district, month=month, score=score, rank_district=rank,
                           rank_street=rank_street, prev_rank_district=prev, name=obj.name)
        if isinstance(obj, Organization):
            row.subject, row.organization = Subject.COMPANY, obj
        else:
            row.subject, row.estate, row.community = Subject.ESTATE, obj, obj.community
            row.street_id = obj.community.parent_id
            row.organization = w.company if obj == w.estate_a else (w.custodian if obj == w.estate_far else None)
        row.save()
    return event


@pytest.fixture
def scored(world):
    w = world
    store(w, NOVEMBER, {w.estate_far: (Decimal("92.50"), 1, 1, 3), w.estate_a: (Decimal("81.00"), 2, 1, 1),
                        w.estate_b: (Decimal("60.25"), 3, 2, 2), w.custodian: (Decimal("88.00"), 1, None, 2),
                        w.company: (Decimal("70.00"), 2, None, 1)})
    return w


def page(client, w, subject="estate", month="2026-11"):
    return client.get(reverse("dashboard:assessment", args=[w.district.code]), {"month": month, "subject": subject})


# -- the ranking page -------------------------------------------------------------------------------------------


def test_an_anonymous_visitor_is_sent_to_sign_in(scored):
    response = Client().get(reverse("dashboard:assessment", args=[scored.district.code]))
    assert response.status_code == 302 and "/login" in response["Location"] or "/accounts/" in response["Location"]


@pytest.mark.parametrize("name", ["stranger", "resident_a", "manager_a", "community_admin", "grid_worker",
                                  "department_handler"])
def test_people_who_do_not_assess_get_404(scored, client_for, name):
    assert page(client_for(name), scored).status_code == 404
    assert client_for(name).get(reverse("dashboard:assessment_home")).status_code == 404


def test_the_district_admin_sees_the_whole_district_ranked_with_the_change_in_words(scored, client_for):
    response = page(client_for("district_admin"), scored)
    assert response.status_code == 200
    body = response.content.decode()
    assert body.index("百花园") < body.index("锦霞小区") < body.index("新工宿舍")
    assert "↑ 上升2位" in body  # 百花园: 3rd in October, 1st now
    assert "↓ 下降1位" in body  # 锦霞小区: 1st → 2nd
    assert "已冻结" in body
    assert 'data-chart="hbar"' in body
    # each estate opens its page of the dashboard (its orders one tap further)
    assert f"/dashboard/estate/{scored.estate_a.pk}/?period=2026-11" in body
    assert "重算原因" in body  # the district admin may recompute a frozen month


def test_a_street_admin_sees_only_their_streets_estates_and_the_companies_managing_them(scored, client_for):
    body = page(client_for("street_admin"), scored).content.decode()
    assert "锦霞小区" in body and "新工宿舍" in body
    assert "百花园" not in body  # another street
    companies = page(client_for("street_admin"), scored, subject="company").content.decode()
    assert "重庆锦绣物业服务有限公司" in companies
    assert "大渡口区城市更新国有托管公司" not in companies  # manages only 百花园
    assert "重算原因" not in body and "计算并冻结" not in body
    other = page(client_for("other_street_admin"), scored).content.decode()
    assert "百花园" in other and "锦霞小区" not in other


def test_the_auditor_reads_but_may_not_compute(scored, client_for):
    auditor = client_for("auditor")
    assert "百花园" in page(auditor, scored).content.decode()
    response = auditor.post(reverse("dashboard:assessment_compute", args=[scored.district.code]),
                            {"month": "2026-11", "reason": "想改"})
    assert response.status_code == 403
    assert ScoreEvent.objects.count() == 1


def test_a_page_view_never_computes_a_month(scored, client_for):
    before = (ScoreEvent.objects.count(), MonthlyScore.objects.count())
    for month in ("2026-11", "2026-10", "2026-12"):
        assert page(client_for("district_admin"), scored, month=month).status_code == 200
    assert (ScoreEvent.objects.count(), MonthlyScore.objects.count()) == before
    assert "计算中" in page(client_for("district_admin"), scored, month="2026-10").content.decode()


def test_the_district_admin_freezes_a_closed_month_and_recomputes_with_a_reason(scored, client_for):
    admin = client_for("district_admin")
    url = reverse("dashboard:assessment_compute", args=[scored.district.code])
    response = admin.post(url, {"month": "2026-10", "freeze": "1"})
    assert response.status_code == 302
    assert ScoreEvent.objects.filter(month=OCTOBER, kind="frozen").count() == 1
    response = admin.post(url, {"month": "2026-11", "reason": ""}, follow=True)
    assert "原因：重算已冻结的月份须填写原因" in response.content.decode()
    assert ScoreEvent.objects.filter(month=NOVEMBER).count() == 1
    admin.post(url, {"month": "2026-11", "reason": "补录了漏登的工单"})
    event = ScoreEvent.objects.filter(month=NOVEMBER).order_by("-id").first()
    assert (event.kind, event.reason, event.actor.username) == ("recomputed", "补录了漏登的工单", "district_admin")
    assert MonthlyScore.objects.filter(month=NOVEMBER).count() > 5  # the stored rows are kept beside the new ones


def test_the_ranking_page_reads_a_fixed_number_of_queries_however_many_rows(scored, client_for):
    admin = client_for("district_admin")
    page(admin, scored)
    with CaptureQueriesContext(connection) as few:
        page(admin, scored)
    for i in range(30):
        estate = Estate.objects.create(name=f"测试小区{i}", community=scored.c1)
        MonthlyScore.objects.create(event=ScoreEvent.objects.get(), district=scored.district, month=NOVEMBER,
                                    subject=Subject.ESTATE, estate=estate, community=scored.c1,
                                    street=scored.street, name=estate.name, score=Decimal(50 + i),
                                    rank_district=4 + i, organization=scored.company)
    with CaptureQueriesContext(connection) as many:
        page(admin, scored)
    assert len(many) == len(few)
    assert len(few) <= 20


# -- weights ------------------------------------------------------------------------------------------------------


def weights_form(**changes):
    return {"effective_from": "2027-01", "complaints_cap": "12", "reason": "区考核办2027年方案",
            **{k: str(v) for k, v in a.DEFAULT_WEIGHTS.items()}, **changes}


def test_the_district_admin_sets_new_weights_from_a_month(world, client_for):
    admin = client_for("district_admin")
    url = reverse("dashboard:assessment_weights", args=[world.district.code])
    assert "调整权重" in admin.get(url).content.decode()
    response = admin.post(url, weights_form(satisfaction="30"))
    assert response.status_code == 302
    row = AssessmentWeights.objects.get()
    assert (row.effective_from, row.satisfaction, row.complaints_cap, row.created_by.username, row.reason) == (
        datetime.date(2027, 1, 1), 30, Decimal("12.00"), "district_admin", "区考核办2027年方案")
    body = admin.get(url).content.decode()
    assert "2027-01" in body and "区考核办2027年方案" in body


def test_a_bad_weight_is_refused_naming_the_field(world, client_for):
    response = client_for("district_admin").post(
        reverse("dashboard:assessment_weights", args=[world.district.code]), weights_form(fees="abc", reason="", complaints_cap="x"))
    assert response.status_code == 400
    body = response.content.decode()
    assert "物业费收缴率的权重须为0到100之间的整数" in body and "调整原因：请填写调整原因" in body
    assert "每百户诉求量满分线：每百户诉求量满分线须为大于0的数" in body
    assert AssessmentWeights.objects.count() == 0


@pytest.mark.parametrize("name", ["street_admin", "auditor"])
def test_others_read_the_rules_but_cannot_change_the_weights(world, client_for, name):
    client = client_for(name)
    url = reverse("dashboard:assessment_weights", args=[world.district.code])
    body = client.get(url).content.decode()
    assert "考核规则" in body and "调整权重" not in body
    assert client.post(url, weights_form()).status_code == 403
    assert AssessmentWeights.objects.count() == 0


def test_a_stranger_gets_404_on_the_weights(world, client_for):
    assert client_for("stranger").get(
        reverse("dashboard:assessment_weights", args=[world.district.code])).status_code == 404


# -- the public 红黑榜 ----------------------------------------------------------------------------------------------


def test_the_public_list_works_without_sign_in_and_shows_names_and_scores_only(scored, settings):
    settings.LINLI_ASSESSMENT_PUBLIC_N = 1
    response = Client().get(reverse("dashboard:public_ranking", args=[scored.district.code]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "2026年11月" in body
    estates = body.split("<h2>小区</h2>")[1]
    red, black = estates.split('class="red-list"')[1], estates.split('class="black-list"')[1]
    assert "百花园" in red.split("</table>")[0] and "92.50" in red.split("</table>")[0]
    assert "新工宿舍" in black.split("</table>")[0]
    assert "大渡口区城市更新国有托管公司" in body and "得分怎样算" in body
    for personal in ("周莲秀", "13812345678", "李建国", "manager_a", "district_admin"):
        assert personal not in body


def test_the_public_list_shows_only_frozen_months(world):
    store(world, NOVEMBER, {world.estate_a: (Decimal("80.00"), 1, 1, None)}, kind=ScoreEvent.Kind.COMPUTED)
    body = Client().get(reverse("dashboard:public_ranking", args=[world.district.code])).content.decode()
    assert "锦霞小区" not in body and "还没有已冻结的月度考核结果" in body


def test_the_public_list_is_rate_limited(scored, settings):
    settings.LINLI_RATELIMIT_RANKING = "2/h"
    url = reverse("dashboard:public_ranking", args=[scored.district.code])
    client = Client()
    assert [client.get(url).status_code for _i in range(3)] == [200, 200, 429]


def test_a_street_code_has_no_public_list(world):
    assert Client().get(reverse("dashboard:public_ranking", args=[world.street.code])).status_code == 404


def test_the_estates_public_page_links_the_list(world):
    body = Client().get(reverse("assembly:public_estate", args=[world.estate_a.pk])).content.decode()
    assert reverse("dashboard:public_ranking", args=[world.district.code]) in body


# -- API ----------------------------------------------------------------------------------------------------------


def test_the_scores_endpoint_refuses_strangers_and_scopes_a_street(scored, client_for):
    url = reverse("api-assessment-scores")
    params = {"district": scored.district.code, "month": "2026-11", "subject": "estate"}
    assert Client().get(url, params).status_code in (401, 403)
    assert client_for("stranger").get(url, params).status_code == 404
    assert client_for("manager_a").get(url, params).status_code == 404
    street = client_for("street_admin").get(url, params).json()
    assert [r["name"] for r in street["scores"]] == ["锦霞小区", "新工宿舍"]
    whole = client_for("district_admin").get(url, params).json()
    assert whole["state"] == "frozen"
    assert [(r["name"], r["score"], r["rank_district"], r["change"]) for r in whole["scores"]] == [
        ("百花园", "92.50", 1, 2), ("锦霞小区", "81.00", 2, -1), ("新工宿舍", "60.25", 3, -1)]
    assert client_for("district_admin").get(url, {"district": scored.district.code, "month": "11/2026"}
                                            ).status_code == 400


def test_the_weights_endpoint(world, client_for):
    a.weights_change(district=world.district, effective_from=NOVEMBER, actor=world.district_admin,
                     reason="试行", complaints_cap=Decimal("8"), values=a.DEFAULT_WEIGHTS)
    url = reverse("api-assessment-weights")
    assert client_for("stranger").get(url, {"district": world.district.code}).status_code == 404
    body = client_for("auditor").get(url, {"district": world.district.code}).json()
    assert body["current"]["complaints_cap"] == "8.00" and body["current"]["effective_from"] == "2026-11-01"
    assert [h["reason"] for h in body["history"]] == ["试行"]


# -- the rates page ranks by score ---------------------------------------------------------------------------------


def test_the_rates_page_is_sorted_by_score_with_ranks(november, client_for):
    body = client_for("street_admin").get(
        reverse("workorders:rates_division", args=[november.street.code]), {"period": "2026-11"}).content.decode()
    table = body.split("按社区")[1]
    # 新工社区 scores 91.00, 锦霞社区 75.20: the better one first, with its rank.
    assert table.index("新工社区") < table.index("锦霞社区")
    assert "<td>1</td><td><a" in table


def test_the_freeze_job_is_in_the_schedule():
    from linli.celery import SCHEDULE

    assert SCHEDULE["dashboard-freeze-assessment"]["task"] == "linli.dashboard.tasks.freeze_assessment_scores"
