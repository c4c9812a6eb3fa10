"""The committee's quarterly rating of the property company (issue 19; Beijing art. 44(5), art. 56; 物业管理条例
art. 15): one rating per committee, company and quarter, by a sitting member, each item 1–5; a correction is a new row
that supersedes the old one; nobody else rates."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from linli.assembly import selectors, services
from linli.assembly.models import ServiceRating
from linli.assembly.models.ratings import previous_quarter, quarter_of, quarter_range
from linli.people.models import Post
from linli.people.services import end_post

GOOD = {"cleaning": 4, "order": 4, "repairs": 3, "facilities": 4, "disclosure": 5, "overall": 4}


def now_quarter():
    return quarter_of(timezone.localdate())


def rate(w, who="committee_chair", scores=None, quarter=None, company=None, **kw):
    year, q = quarter or now_quarter()
    return services.rating_record(committee=w.committee_term, company=company or w.company, year=year, quarter=q,
                                  scores=scores or GOOD, actor=w.users[who], **kw)


def test_a_member_rates_the_company_for_this_quarter_and_who_rated_is_kept(cworld):
    r = rate(cworld, who="committee_member", comment="楼道保洁及时")
    assert (r.estate_id, r.company_id, (r.year, r.quarter), r.rated_by.username, r.comment) == (
        cworld.estate_a.pk, cworld.company.pk, now_quarter(), "committee_member", "楼道保洁及时")
    assert str(r.mean) == "4.00"


def test_one_rating_per_committee_company_and_quarter(cworld):
    rate(cworld)
    with pytest.raises(ValidationError) as exc:
        rate(cworld, who="committee_member", scores={**GOOD, "overall": 1})
    assert "quarter" in exc.value.message_dict
    assert ServiceRating.objects.count() == 1


def test_the_previous_quarter_may_still_be_rated_but_not_one_before_it_nor_a_future_one(cworld):
    current = now_quarter()
    last = previous_quarter(*current)
    rate(cworld, quarter=last)
    for quarter in (previous_quarter(*last), (current[0] + 1, current[1])):
        with pytest.raises(ValidationError) as exc:
            rate(cworld, quarter=quarter)
        assert "quarter" in exc.value.message_dict
    assert ServiceRating.objects.count() == 1


def test_only_a_company_that_managed_the_estate_in_the_quarter_is_rated(cworld):
    with pytest.raises(ValidationError) as exc:
        rate(cworld, company=cworld.custodian)  # it manages 百花园, not 锦霞小区
    assert "company" in exc.value.message_dict
    assert ServiceRating.objects.count() == 0


def test_each_item_is_scored_1_to_5_and_a_bad_score_names_its_item(cworld):
    with pytest.raises(ValidationError) as exc:
        rate(cworld, scores={**GOOD, "repairs": 6, "cleaning": None})
    assert set(exc.value.message_dict) == {"repairs", "cleaning"}
    assert "维修响应" in exc.value.message_dict["repairs"][0]
    assert ServiceRating.objects.count() == 0


@pytest.mark.parametrize("who", ["stranger", "resident_a", "manager_a", "community_admin", "street_admin"])
def test_nobody_but_a_sitting_member_rates(cworld, who):
    with pytest.raises(PermissionDenied):
        rate(cworld, who=who)
    assert ServiceRating.objects.count() == 0


def test_a_member_whose_seat_ended_no_longer_rates(cworld):
    post = Post.objects.get(person=cworld.zhao, organization=cworld.owners_committee)
    end_post(post=post, on=timezone.localdate() - datetime.timedelta(days=1), reason="搬离小区（第四十六条）")
    user = type(cworld.users["committee_member"]).objects.get(username="committee_member")
    cworld.users["committee_member"] = user  # a fresh request: the scope is built again
    with pytest.raises(PermissionDenied):
        rate(cworld, who="committee_member")


def test_a_body_whose_term_has_ended_no_longer_rates(cworld):
    term = cworld.committee_term
    type(term).objects.filter(pk=term.pk).update(dissolved_on=timezone.localdate(), dissolved_reason="重新选举")
    cworld.committee_term.refresh_from_db()
    with pytest.raises(PermissionDenied):
        rate(cworld)


def test_a_correction_is_a_new_row_that_supersedes_the_old_one_which_stays(cworld):
    first = rate(cworld)
    fixed = services.rating_correct(rating=first, scores={**GOOD, "overall": 2}, reason="误选总体评价",
                                    actor=cworld.users["committee_member"])
    assert (fixed.supersedes_id, fixed.overall, fixed.correction_reason, fixed.rated_by.username) == (
        first.pk, 2, "误选总体评价", "committee_member")
    assert list(ServiceRating.objects.standing().values_list("pk", flat=True)) == [fixed.pk]
    assert ServiceRating.objects.get(pk=first.pk).overall == 4  # the old row is kept as it was
    with pytest.raises(ValidationError):  # only the standing row is corrected
        services.rating_correct(rating=first, scores=GOOD, reason="再改", actor=cworld.users["committee_chair"])
    with pytest.raises(ValidationError) as exc:
        services.rating_correct(rating=fixed, scores=GOOD, reason=" ", actor=cworld.users["committee_chair"])
    assert "reason" in exc.value.message_dict
    assert ServiceRating.objects.count() == 2


def test_a_correction_by_someone_else_is_refused(cworld):
    first = rate(cworld)
    with pytest.raises(PermissionDenied):
        services.rating_correct(rating=first, scores=GOOD, reason="改", actor=cworld.users["manager_a"])
    assert ServiceRating.objects.count() == 1


def test_the_assessment_reads_the_latest_standing_rating_of_each_estate(cworld):
    first = rate(cworld)
    services.rating_correct(rating=first, scores=dict.fromkeys(GOOD, 5), reason="更正", actor=cworld.users[
        "committee_chair"])
    year, quarter = now_quarter()
    got = selectors.standing_ratings([cworld.estate_a.pk], year, quarter)
    assert got == {(cworld.estate_a.pk, cworld.company.pk): 5}
    assert selectors.standing_ratings([cworld.estate_a.pk], *previous_quarter(year, quarter)) == {}


def test_the_desk_asks_for_the_ratings_not_made_yet(cworld):
    today = timezone.localdate()
    due = selectors.ratings_due(cworld.committee_term, today)
    assert [(y, q, c.pk) for y, q, c in due] == [(*now_quarter(), cworld.company.pk),
                                                 (*previous_quarter(*now_quarter()), cworld.company.pk)]
    rate(cworld)
    assert [(y, q) for y, q, _c in selectors.ratings_due(cworld.committee_term, today)] == [
        previous_quarter(*now_quarter())]


def test_quarters_run_from_the_first_to_the_last_day():
    assert quarter_range(2026, 4) == (datetime.date(2026, 10, 1), datetime.date(2026, 12, 31))
    assert quarter_range(2026, 1) == (datetime.date(2026, 1, 1), datetime.date(2026, 3, 31))
    assert quarter_of(datetime.date(2026, 12, 31)) == (2026, 4)
    assert previous_quarter(2026, 1) == (2025, 4)


def test_the_demo_rates_last_quarter_once_by_the_chair(cworld):
    from linli.assembly.demo import load_ratings

    lines = []
    load_ratings(out=lines.append)
    load_ratings(out=lines.append)
    rows = list(ServiceRating.objects.values_list("year", "quarter", "company_id", "rated_by__username"))
    assert rows == [(*previous_quarter(*now_quarter()), cworld.company.pk, "committee_chair")]
    assert len(lines) == 1
