"""The scoring rules of the assessment (考核), as docs/dashboard-assessment.md states them."""

import datetime
from decimal import Decimal
from fractions import Fraction

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from linli.core.actors import system_actor
from linli.dashboard import assessment as a
from linli.dashboard.models import ScoreEvent, Subject
from linli.dashboard.views.assessment import change_text
from linli.places.services import stewardship_change
from linli.workorders import rates
from linli.workorders.tests.test_rates import at

NOVEMBER = datetime.date(2026, 11, 1)
AFTER = at(12, 1, 2)  # the month has closed: every accept deadline of November has passed


def test_the_score_is_the_weighted_mean_of_the_components_that_exist():
    weights = {"response": 10, "resolution": 20, "satisfaction": 25, "complaints": 15, "on_time": 10, "repeat": 10,
               "fees": 10, "committee": 0, "inspection": 0}
    every = {"response": Fraction(1, 2), "resolution": Fraction(4, 5), "satisfaction": Fraction(19, 25),
             "complaints": Fraction(0), "on_time": Fraction(4, 5), "repeat": Fraction(1), "fees": Fraction(9, 10),
             "committee": None, "inspection": None}
    # 100 × (5 + 16 + 19 + 0 + 8 + 10 + 9) / 100
    assert a.score_of(every, weights) == Fraction(67)
    # No fees billed: the figure drops out with its weight, the others are re-weighted over 90.
    assert a.score_of({**every, "fees": None}, weights) == Fraction(5800, 90)
    # A figure with weight 0 counts for nothing even when it exists.
    assert a.score_of({**every, "committee": Fraction(0)}, weights) == Fraction(67)


def test_a_subject_with_no_figure_at_all_has_no_score():
    assert a.score_of(dict.fromkeys(a.COMPONENTS), a.DEFAULT_WEIGHTS) is None


def test_equal_scores_share_a_rank_and_the_next_rank_skips():
    ranks = a.rank([("甲", Decimal("90.00")), ("乙", Decimal("85.50")), ("丙", Decimal("85.50")),
                    ("丁", Decimal("70.00")), ("戊", None)])
    assert ranks == {"甲": 1, "乙": 2, "丙": 2, "丁": 4}


def test_complaints_per_100_homes_score_falls_linearly_to_zero_at_the_cap_and_repeats_count_against():
    f = a.Figures(homes=200, orders=10, repeats=2)  # 5 per 100 homes, 20 % repeats
    parts = f.components(Decimal("10"))
    assert f.rates(Decimal("10"))["complaints"] == 5
    assert parts["complaints"] == Fraction(1, 2)
    assert parts["repeat"] == Fraction(4, 5)
    assert a.Figures(homes=10, orders=5).components(Decimal("10"))["complaints"] == 0  # 50 per 100: not below 0
    # No homes on record: the figure does not exist (it does not count as zero complaints).
    assert a.Figures(homes=0, orders=3).components(Decimal("10"))["complaints"] is None


def test_fee_collection_is_paid_over_due_and_missing_without_bills():
    assert a.Figures(fees_due=Decimal("1000.00"), fees_paid=Decimal("870.00")).components(
        Decimal("10"))["fees"] == Fraction(87, 100)
    assert a.Figures().components(Decimal("10"))["fees"] is None


def test_the_change_of_rank_is_said_in_words():
    assert change_text(2, 5) == "↑ 上升2位"
    assert change_text(-1, 3) == "↓ 下降1位"
    assert change_text(0, 4) == "— 持平"
    assert change_text(None, None) == "上月无排名"


def test_the_company_estate_and_community_figures_reuse_the_rates_definitions(november):
    """The company is charged exactly what the rates page charges it (same event walk, same `now`)."""
    w = november
    event = a.scores_compute(month=NOVEMBER, district=w.district, freeze=True, now=AFTER)
    rows = {r.key: r for r in event.scores.all()}
    figures = rates.compute(w.district, rates.parse_period("2026-11"), now=AFTER)
    company = next(r.tally for r in figures.by_org if r.key == w.company.pk)
    mine = rows[Subject.COMPANY, w.company.pk]
    assert (mine.response_rate, mine.resolution_rate, mine.satisfaction_rate) == (
        company.response_rate, company.resolution_rate, company.satisfaction_rate)
    assert (mine.counts["dispatched"], mine.counts["responded"]) == (company.dispatched, company.responded)
    c2 = next(r.tally for r in figures.by_community if r.key == w.c2.pk)
    assert rows[Subject.COMMUNITY, w.c2.pk].satisfaction_rate == c2.satisfaction_rate
    # Estate A (the company's, 2 homes): 5 orders received in November from residents → 250 per 100 homes.
    estate_a = rows[Subject.ESTATE, w.estate_a.pk]
    assert (estate_a.orders, estate_a.homes, estate_a.complaints_per_100) == (5, 2, Decimal("250.00"))
    assert estate_a.organization_id == w.company.pk
    assert mine.homes == 2 and mine.orders == 5  # the company's estates are estate A


def test_scores_and_ranks_of_the_november_street(november):
    w = november
    rows = {r.key: r for r in a.build_rows(w.district, NOVEMBER, now=AFTER)}
    a_row = rows[Subject.ESTATE, w.estate_a.pk]
    # o8 (dispatched on the 30th at 23:00) is decided by December: 2 of 5 dispatches responded.
    assert (a_row.response_rate, a_row.resolution_rate, a_row.satisfaction_rate) == (
        Decimal("0.4000"), Decimal("0.8000"), Decimal("0.7600"))
    assert (a_row.on_time_rate, a_row.repeat_rate, a_row.fee_rate) == (Decimal("0.8000"), Decimal("0.0000"), None)
    # 100 × (10×0.4 + 20×0.8 + 25×0.76 + 15×0 + 10×0.8 + 10×1) / 90 (no fees: weight 10 drops out)
    assert a_row.score == Decimal("63.33")
    b_row = rows[Subject.ESTATE, w.estate_b.pk]
    assert b_row.score == Decimal("77.78")  # (10 + 20 + 25×0.8 + 0 + 10 + 10) / 90
    far = rows[Subject.ESTATE, w.estate_far.pk]
    assert (far.orders, far.complaints_per_100, far.score) == (0, Decimal("0.00"), Decimal("100.00"))
    assert [(far.rank_district, b_row.rank_district, a_row.rank_district)] == [(1, 2, 3)]
    assert (far.rank_street, b_row.rank_street, a_row.rank_street) == (1, 1, 2)  # 百花园 is alone in its street
    assert rows[Subject.COMPANY, w.custodian.pk].label == "国有托管/托底"


def test_an_estate_that_changed_manager_in_the_month_belongs_to_the_one_that_managed_it_longest(world):
    stewardship_change(estate=world.estate_b, mode="custodian", provider=world.custodian,
                       start=datetime.date(2026, 11, 10), actor=system_actor(), basis_kind="emergency",
                       basis="应急物业服务指定 2026-11", end=datetime.date(2027, 3, 1))
    subjects = a.subjects_of(world.district, NOVEMBER)
    assert subjects.estates[world.estate_b.pk]["manager"] == world.custodian.pk  # 21 days of 30
    october = a.subjects_of(world.district, datetime.date(2026, 10, 1))
    assert october.estates[world.estate_b.pk]["manager"] is None  # unmanaged (脱管) names no company


def test_last_months_rank_gives_the_change_of_rank(november):
    w = november
    a.scores_compute(month=datetime.date(2026, 10, 1), district=w.district, freeze=True, now=AFTER)
    october = {r.key: r for r in a.current_scores(w.district, datetime.date(2026, 10, 1))}
    event = a.scores_compute(month=NOVEMBER, district=w.district, freeze=True, now=AFTER)
    rows = {r.key: r for r in event.scores.all()}
    key = (Subject.ESTATE, w.estate_a.pk)
    assert rows[key].prev_rank_district == october[key].rank_district
    assert rows[key].change == october[key].rank_district - rows[key].rank_district


def test_new_weights_apply_from_their_month_on_and_not_before(november):
    w = november
    before = a.weights_for(w.district, datetime.date(2026, 10, 1))
    a.weights_change(district=w.district, effective_from=NOVEMBER, actor=w.district_admin, reason="加重满意率",
                     complaints_cap=Decimal("20"),
                     values={**a.DEFAULT_WEIGHTS, "satisfaction": 50, "complaints": 0})
    assert a.weights_for(w.district, datetime.date(2026, 10, 1)) == before
    now = a.weights_for(w.district, datetime.date(2026, 12, 1))
    assert (now.values["satisfaction"], now.values["complaints"], now.complaints_cap) == (50, 0, Decimal("20.00"))
    event = a.scores_compute(month=NOVEMBER, district=w.district, freeze=True, now=AFTER)
    assert event.data["weights"]["satisfaction"] == 50
    a_row = event.scores.get(subject=Subject.ESTATE, estate=w.estate_a)
    # 100 × (10×0.4 + 20×0.8 + 50×0.76 + 10×0.8 + 10×1) / 100
    assert a_row.score == Decimal("76.00")


def test_weights_are_refused_with_the_field_named(world):
    with pytest.raises(ValidationError) as exc:
        a.weights_change(district=world.district, effective_from=datetime.date(2026, 11, 15),
                         actor=world.district_admin, reason=" ", complaints_cap=Decimal("0"),
                         values={**a.DEFAULT_WEIGHTS, "fees": 101})
    assert set(exc.value.message_dict) == {"fees", "reason", "complaints_cap", "effective_from"}
    assert a.AssessmentWeights.objects.count() == 0


def test_only_the_district_admin_changes_weights(world):
    for name in ("street_admin", "auditor"):
        with pytest.raises(PermissionDenied):
            a.weights_change(district=world.district, effective_from=NOVEMBER, actor=world.users[name],
                             reason="试试", complaints_cap=Decimal("10"), values=a.DEFAULT_WEIGHTS)
    assert a.AssessmentWeights.objects.count() == 0


# -- freezing ---------------------------------------------------------------------------------------------------


def test_the_month_end_job_freezes_once_and_never_recomputes_by_itself(november):
    w = november
    first = a.freeze_closed_months(today=datetime.date(2026, 12, 1))
    assert [(e.kind, e.month) for e in first] == [(ScoreEvent.Kind.FROZEN, NOVEMBER)]
    rows = first[0].scores.count()
    assert a.freeze_closed_months(today=datetime.date(2026, 12, 2)) == []  # the next days only check
    assert a.scores_compute(month=NOVEMBER, district=w.district, freeze=True) == first[0]  # the job again
    assert (ScoreEvent.objects.count(), a.MonthlyScore.objects.count()) == (1, rows)


def test_an_open_month_cannot_be_frozen(world):
    with pytest.raises(ValidationError) as exc:
        a.scores_compute(month=datetime.date(2026, 11, 1), district=world.district, freeze=True, now=at(11, 20, 9))
    assert "month" in exc.value.message_dict
    assert ScoreEvent.objects.count() == 0


def test_a_recompute_needs_a_reason_writes_an_event_and_keeps_the_old_rows(november):
    w = november
    frozen = a.scores_compute(month=NOVEMBER, district=w.district, freeze=True, now=AFTER)
    old = {r.pk: (r.score, r.rank_district) for r in frozen.scores.all()}
    with pytest.raises(ValidationError) as exc:
        a.scores_compute(month=NOVEMBER, district=w.district, actor=w.district_admin, reason="", now=AFTER)
    assert "reason" in exc.value.message_dict
    a.weights_change(district=w.district, effective_from=NOVEMBER, actor=w.district_admin, reason="满意率为主",
                     complaints_cap=Decimal("10"), values={**a.DEFAULT_WEIGHTS, "complaints": 0, "satisfaction": 60})
    again = a.scores_compute(month=NOVEMBER, district=w.district, actor=w.district_admin,
                             reason="区考核办通知按新权重重算", now=AFTER)
    assert (again.kind, again.actor, again.reason) == (ScoreEvent.Kind.RECOMPUTED, w.district_admin,
                                                       "区考核办通知按新权重重算")
    assert again.data["changes"]["changed"] > 0
    changed = {item["name"] for item in again.data["changes"]["items"]}
    assert "锦霞小区" in changed
    # The old rows are all still there, unchanged; the month's current rows are the new ones.
    assert {r.pk: (r.score, r.rank_district) for r in frozen.scores.all()} == old
    assert set(a.current_scores(w.district, NOVEMBER).values_list("event_id", flat=True)) == {again.pk}
    assert a.is_frozen(w.district, NOVEMBER)


def test_a_street_admin_cannot_recompute(november):
    w = november
    a.scores_compute(month=NOVEMBER, district=w.district, freeze=True, now=AFTER)
    with pytest.raises(PermissionDenied):
        a.scores_compute(month=NOVEMBER, district=w.district, actor=w.street_admin, reason="想改名次", now=AFTER)
    assert ScoreEvent.objects.count() == 1


def test_the_demo_hook_freezes_the_past_months_oldest_first_and_is_safe_twice(world):
    from linli.dashboard import assessment_demo

    said = []
    assessment_demo.load(out=said.append, months=3)
    months = list(ScoreEvent.objects.order_by("id").values_list("month", "kind"))
    assert len(months) == 3 and [m for m, _k in months] == sorted(m for m, _k in months)
    assert {k for _m, k in months} == {ScoreEvent.Kind.FROZEN}
    assessment_demo.load(out=said.append, months=3)
    assert ScoreEvent.objects.count() == 3 and said[-1] == "考核演示：已计算并冻结 （均已冻结）。"


def test_the_periodic_job_queues_one_freeze_per_district_and_a_second_run_changes_nothing(world):
    from linli.dashboard import tasks

    last_month = a.previous_month(timezone.localdate())
    result = tasks.freeze_assessment_scores.apply()
    assert result.result == {"queued": [f"500104 {last_month:%Y-%m}"]}  # run eagerly here: the month is frozen now
    assert list(ScoreEvent.objects.values_list("kind", "month")) == [(ScoreEvent.Kind.FROZEN, last_month)]
    assert tasks.freeze_assessment_scores.apply().result is None  # the same day again: the guard skips it
    again = tasks.freeze_district_month.apply(args=[world.district.pk, last_month.isoformat()]).result
    assert again["kind"] == ScoreEvent.Kind.FROZEN and ScoreEvent.objects.count() == 1
