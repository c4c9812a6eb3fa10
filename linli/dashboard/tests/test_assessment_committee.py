"""The committee component of the assessment (业委会评价, issue 19; docs/dashboard-assessment.md): read from the owners'
committees' quarterly ratings of the quarter the month is in, as they stand (a correction replaces what it
supersedes); a company's = the mean of its estates' latest ratings, an estate's = the rating of its manager of the
month, a community has none; (mean − 1) ÷ 4 on the 0..1 scale; missing where nobody rated."""

import datetime
from decimal import Decimal
from fractions import Fraction

from django.utils import timezone

from linli.assembly.models import Committee, ServiceRating
from linli.dashboard import assessment as a
from linli.dashboard.models import Subject
from linli.people.models import Organization
from linli.places.models import Stewardship

NOVEMBER = datetime.date(2026, 11, 1)
AFTER = timezone.make_aware(datetime.datetime(2026, 12, 2, 9, 0))
ONLY_COMMITTEE = a.Weights({**dict.fromkeys(a.COMPONENTS, 0), "committee": 10}, Decimal("10"))


def rating(w, committee, score, *, year=2026, quarter=4, supersedes=None):
    """A stored rating (written directly: the service's own rules are tested in linli/assembly/tests)."""
    return ServiceRating.objects.create(committee=committee, estate_id=committee.estate_id, company=w.company,
                                        year=year, quarter=quarter, supersedes=supersedes,
                                        rated_by=w.users["committee_chair"],
                                        **dict.fromkeys(("cleaning", "order", "repairs", "facilities", "disclosure",
                                                         "overall"), score))


def second_estate(w):
    """新工宿舍 managed by the same company from October 2026, with its own 物业管理委员会."""
    # Written directly (the registry's own rules on changing a manager are not what is tested here); it covers all
    # of November, as the 脱管 row does, and the later one is the manager of the month.
    Stewardship.objects.create(estate=w.estate_b, mode="market", provider=w.company, start=datetime.date(2026, 10, 1))
    body = Organization.objects.create(name="新工宿舍物业管理委员会", kind="pm_committee", division=w.c2,
                                       estate=w.estate_b)
    return Committee.objects.create(organization=body, estate=w.estate_b, kind="management",
                                    term_starts=datetime.date(2026, 9, 1), term_ends=datetime.date(2029, 8, 31),
                                    elected_on=datetime.date(2026, 9, 1))


def rows_of(w, weights=None):
    return {r.key: r for r in a.build_rows(w.district, NOVEMBER, now=AFTER, weights=weights)}


def test_the_component_runs_from_0_for_the_lowest_rating_to_1_for_the_highest():
    assert (a.committee_component(Fraction(1), 1), a.committee_component(Fraction(5), 1),
            a.committee_component(Fraction(7), 2)) == (0, 1, Fraction(5, 8))
    assert a.committee_component(Fraction(0), 0) is None


def test_without_ratings_the_component_is_missing(cworld):
    rows = rows_of(cworld)
    company = rows[Subject.COMPANY, cworld.company.pk]
    assert (company.committee_rate, company.counts["committee_ratings"], company.counts["committee_mean"]) == (
        None, 0, None)
    assert rows_of(cworld, ONLY_COMMITTEE)[Subject.COMPANY, cworld.company.pk].score is None


def test_a_company_scores_the_mean_of_its_estates_latest_ratings(cworld):
    wrong = rating(cworld, cworld.committee_term, 2)
    rating(cworld, cworld.committee_term, 4, supersedes=wrong)  # the correction stands, not the first row
    rating(cworld, second_estate(cworld), 3)
    rows = rows_of(cworld, ONLY_COMMITTEE)
    company = rows[Subject.COMPANY, cworld.company.pk]
    # estates: 4 → 0.75 and 3 → 0.5; the company: mean 3.5 → 0.625
    assert (company.committee_rate, company.score, company.counts["committee_ratings"],
            company.counts["committee_mean"]) == (Decimal("0.6250"), Decimal("62.50"), 2, "3.50")
    assert rows[Subject.ESTATE, cworld.estate_a.pk].committee_rate == Decimal("0.7500")
    assert rows[Subject.ESTATE, cworld.estate_b.pk].committee_rate == Decimal("0.5000")
    assert rows[Subject.COMMUNITY, cworld.c1.pk].committee_rate is None


def test_only_the_quarter_of_the_month_counts(cworld):
    rating(cworld, cworld.committee_term, 5, quarter=3)
    assert rows_of(cworld)[Subject.COMPANY, cworld.company.pk].committee_rate is None


def test_with_the_documented_default_weight_of_0_the_score_does_not_change(cworld):
    before = rows_of(cworld)[Subject.COMPANY, cworld.company.pk].score
    rating(cworld, cworld.committee_term, 1)
    after = rows_of(cworld)[Subject.COMPANY, cworld.company.pk]
    assert (after.committee_rate, after.score) == (Decimal("0.0000"), before)
    assert a.DEFAULT_WEIGHTS["committee"] == 0
