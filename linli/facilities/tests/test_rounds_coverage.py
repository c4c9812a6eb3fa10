"""Coverage of inspection rounds (rounds done ÷ rounds due, linli/facilities/rounds_selectors.py) and its place in the
monthly assessment (检查覆盖率, linli/dashboard/assessment.py, docs/dashboard-assessment.md)."""

import datetime
from decimal import Decimal
from fractions import Fraction

from django.utils import timezone

from linli.dashboard import assessment as a
from linli.dashboard.models import Subject
from linli.facilities import rounds_selectors as sel
from linli.facilities.models import Round, Route

NOVEMBER = datetime.date(2026, 11, 1)
DEC_7 = datetime.date(2026, 12, 7)
AFTER = timezone.make_aware(datetime.datetime(2026, 12, 7, 9, 0))
ONLY_INSPECTION = a.Weights({**dict.fromkeys(a.COMPONENTS, 0), "inspection": 10}, Decimal("10"))


def route(w, frequency, starts_on, estate=None, **kw):
    return Route.objects.create(estate=estate or w.estate_a, name=f"{frequency} {starts_on}", frequency=frequency,
                                starts_on=starts_on, **kw)


def rounds(w, r, days, status="done", **kw):
    """Rounds written directly (the walking rules are tested in test_rounds_services.py)."""
    for day in days:
        Round.objects.create(route=r, period_start=day, status=status, started_by=w.staff_a, **kw)


def nov(*days):
    return [datetime.date(2026, 11, d) for d in days]


def test_a_daily_route_is_due_every_day_of_a_closed_month_and_the_unwalked_days_are_missed(world):
    r = route(world, "daily", datetime.date(2026, 10, 1))
    rounds(world, r, nov(*range(1, 28)))  # 27 of 30 days done
    rounds(world, r, nov(28), status="in_progress")  # started, never finished: still missed
    c = sel.estate_coverage([world.estate_a.pk], NOVEMBER, DEC_7)[world.estate_a.pk]
    assert (c.due, c.done, c.rate) == (30, 27, Fraction(27, 30))
    assert [p.start for p in c.missed] == nov(28, 29, 30)


def test_a_weekly_route_counts_the_weeks_starting_in_the_month_from_monday(world):
    r = route(world, "weekly", datetime.date(2026, 10, 1))
    rounds(world, r, nov(2, 9, 23))  # the weeks of 2, 9, 16, 23 and 30 November; 16 and 30 missed
    c = sel.estate_coverage([world.estate_a.pk], NOVEMBER, DEC_7)[world.estate_a.pk]
    assert (c.due, c.done, [p.start for p in c.missed]) == (5, 3, nov(16, 30))


def test_a_monthly_route_is_due_once(world):
    r = route(world, "monthly", datetime.date(2026, 1, 1))
    rounds(world, r, nov(1))
    c = sel.estate_coverage([world.estate_a.pk], NOVEMBER, DEC_7)[world.estate_a.pk]
    assert (c.due, c.done) == (1, 1)


def test_a_route_counts_from_its_start_and_not_after_it_was_retired(world):
    route(world, "daily", datetime.date(2026, 11, 16), retired_on=datetime.date(2026, 11, 21))
    c = sel.estate_coverage([world.estate_a.pk], NOVEMBER, DEC_7)[world.estate_a.pk]
    assert (c.due, c.done, [p.start for p in c.missed]) == (5, 0, nov(16, 17, 18, 19, 20))


def test_in_the_running_month_a_period_not_yet_over_counts_only_when_done(world):
    r = route(world, "daily", datetime.date(2026, 11, 1))
    rounds(world, r, [datetime.date(2026, 12, 1), datetime.date(2026, 12, 7)])  # today's is done early
    c = sel.estate_coverage([world.estate_a.pk], datetime.date(2026, 12, 1), DEC_7)[world.estate_a.pk]
    # 1–6 December are over (one done), 7 December is done: 7 due, 2 done; 8–31 not yet due
    assert (c.due, c.done, len(c.missed)) == (7, 2, 5)


def test_out_of_order_rounds_are_counted_beside_the_coverage(world):
    r = route(world, "daily", datetime.date(2026, 11, 1))
    rounds(world, r, nov(1, 2))
    Round.objects.filter(period_start=nov(2)[0]).update(out_of_order=True)
    c = sel.estate_coverage([world.estate_a.pk], NOVEMBER, DEC_7)[world.estate_a.pk]
    assert (c.done, c.out_of_order) == (2, 1)


def test_an_estate_without_routes_has_no_coverage(world):
    assert sel.estate_coverage([world.estate_b.pk], NOVEMBER, DEC_7) == {}


# -- the assessment ---------------------------------------------------------------------------------------------


def test_the_assessment_scores_inspection_coverage_for_the_estate_its_community_and_its_company(world):
    r = route(world, "daily", datetime.date(2026, 10, 1))
    rounds(world, r, nov(*range(1, 25)))  # 24 of 30
    rows = {row.key: row for row in a.build_rows(world.district, NOVEMBER, now=AFTER, weights=ONLY_INSPECTION)}
    estate, community = rows[Subject.ESTATE, world.estate_a.pk], rows[Subject.COMMUNITY, world.c1.pk]
    company = rows[Subject.COMPANY, world.company.pk]
    for row in (estate, community, company):
        assert (row.inspection_rate, row.score, row.counts["inspection_due"], row.counts["inspection_done"]) == (
            Decimal("0.8000"), Decimal("80.00"), 30, 24), row.name
    # an estate without routes: missing, not zero, so it has no score on inspection alone
    other = rows[Subject.ESTATE, world.estate_b.pk]
    assert (other.inspection_rate, other.score) == (None, None)


def test_with_the_default_weights_inspection_weighs_nothing(world):
    r = route(world, "daily", datetime.date(2026, 10, 1))
    rounds(world, r, nov(1))
    assert a.DEFAULT_WEIGHTS["inspection"] == 0
    rows = {row.key: row for row in a.build_rows(world.district, NOVEMBER, now=AFTER)}
    assert rows[Subject.ESTATE, world.estate_a.pk].inspection_rate == Decimal("0.0333")
