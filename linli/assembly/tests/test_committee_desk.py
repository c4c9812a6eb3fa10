"""The committee member's desk (业委会工作台) and the rating pages: a sitting member lands there after sign-in and sees
their estate, their body, the estate's figures and the rating due; everyone else gets 404; the rating form names the
field it refuses; a correction is a new row."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from linli.assembly.models import Committee, ServiceRating
from linli.assembly.models.ratings import quarter_of
from linli.core.testing import report_order
from linli.people.models import Organization

GOOD = {"cleaning": "4", "order": "4", "repairs": "3", "facilities": "4", "disclosure": "5", "overall": "4"}


def period():
    year, quarter = quarter_of(timezone.localdate())
    return f"{year}-{quarter}"


def test_a_committee_member_lands_on_the_desk_after_sign_in(cworld, client_for):
    for who in ("committee_chair", "committee_member"):
        response = client_for(who).get("/")
        assert (response.status_code, response["Location"]) == (302, reverse("assembly:committee_desk"))


def test_staff_and_residents_keep_their_own_first_page(cworld, client_for):
    assert client_for("resident_a").get("/")["Location"] == reverse("residents:home")
    assert client_for("street_admin").get("/")["Location"] != reverse("assembly:committee_desk")


def test_the_desk_shows_the_estate_the_body_the_figures_and_the_rating_due(cworld, client_for):
    report_order(cworld)
    page = client_for("committee_chair").get(reverse("assembly:committee_desk"))
    text = page.content.decode()
    assert page.status_code == 200
    for words in ("锦霞小区", "锦霞小区业主委员会", "主任", "赵敏", "工单办理中", "物业费收缴率",
                  cworld.company.name, reverse("workorders:committee_orders"),
                  reverse("fees:committee_estate", args=[cworld.estate_a.pk]),
                  reverse("assembly:committee_ratings", args=[cworld.committee_term.pk])):
        assert words in text
    assert "新工宿舍" not in text and "百花园" not in text


@pytest.mark.parametrize("who", ["stranger", "resident_a", "manager_a", "community_admin", "street_admin"])
def test_nobody_else_has_a_desk(cworld, client_for, who):
    assert client_for(who).get(reverse("assembly:committee_desk")).status_code == 404
    url = reverse("assembly:committee_ratings", args=[cworld.committee_term.pk])
    assert client_for(who).get(url).status_code == 404
    assert client_for(who).post(url, {"period": period(), "company": cworld.company.pk, **GOOD}).status_code == 404
    assert ServiceRating.objects.count() == 0


def test_anonymous_visitors_are_sent_to_sign_in(cworld):
    response = Client().get(reverse("assembly:committee_desk"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_desk_is_in_the_top_bar_of_a_committee_member_only(cworld, client_for):
    url = reverse("assembly:committee_desk")
    assert url in client_for("committee_member").get(reverse("assembly:committee_desk")).content.decode()
    assert f'href="{url}"' not in client_for("resident_a").get(reverse("residents:home")).content.decode()


def test_a_member_rates_through_the_page(cworld, client_for):
    url = reverse("assembly:committee_ratings", args=[cworld.committee_term.pk])
    client = client_for("committee_member")
    assert client.get(url).status_code == 200
    response = client.post(url, {"period": period(), "company": cworld.company.pk, "comment": "维修较慢", **GOOD})
    assert (response.status_code, response["Location"]) == (302, url)
    rating = ServiceRating.objects.get()
    assert (rating.rated_by.username, rating.repairs, rating.comment) == ("committee_member", 3, "维修较慢")
    listed = client.get(url).content.decode()
    assert "维修较慢" in listed and reverse("assembly:rating_correct", args=[rating.pk]) in listed


def test_the_form_names_the_item_that_is_missing(cworld, client_for):
    url = reverse("assembly:committee_ratings", args=[cworld.committee_term.pk])
    data = {"period": period(), "company": cworld.company.pk, **GOOD}
    del data["disclosure"]
    response = client_for("committee_chair").post(url, data)
    assert response.status_code == 400
    assert "disclosure" in response.context["form"].errors
    assert ServiceRating.objects.count() == 0


def test_a_second_rating_of_the_quarter_is_refused_on_the_page(cworld, client_for):
    url = reverse("assembly:committee_ratings", args=[cworld.committee_term.pk])
    data = {"period": period(), "company": cworld.company.pk, **GOOD}
    client_for("committee_chair").post(url, data)
    response = client_for("committee_member").post(url, data)
    assert response.status_code == 400
    assert "已评价过该单位这一季度的服务；如需修改，请提交更正" in response.content.decode()
    assert ServiceRating.objects.count() == 1


def test_a_correction_through_the_page_keeps_the_old_row(cworld, client_for):
    url = reverse("assembly:committee_ratings", args=[cworld.committee_term.pk])
    client = client_for("committee_chair")
    client.post(url, {"period": period(), "company": cworld.company.pk, **GOOD})
    first = ServiceRating.objects.get()
    correct = reverse("assembly:rating_correct", args=[first.pk])
    assert client_for("stranger").post(correct, {**GOOD, "reason": "x"}).status_code == 404
    assert client.post(correct, {**GOOD, "overall": "2"}).status_code == 400  # no reason given
    response = client.post(correct, {**GOOD, "overall": "2", "reason": "总体评价选错"})
    assert (response.status_code, response["Location"]) == (302, url)
    assert list(ServiceRating.objects.order_by("pk").values_list("overall", "supersedes_id")) == [
        (4, None), (2, first.pk)]


def test_a_member_of_another_estates_body_cannot_open_this_one(cworld, client_for):
    body = Organization.objects.create(name="新工宿舍物业管理委员会", kind="pm_committee", division=cworld.c2,
                                       estate=cworld.estate_b)
    other = Committee.objects.create(organization=body, estate=cworld.estate_b, kind="management",
                                     term_starts=cworld.committee_term.term_starts,
                                     term_ends=cworld.committee_term.term_starts.replace(
                                         year=cworld.committee_term.term_starts.year + 3),
                                     elected_on=cworld.committee_term.term_starts)
    url = reverse("assembly:committee_ratings", args=[other.pk])
    assert client_for("committee_chair").get(url).status_code == 404


def test_a_seat_on_a_body_whose_term_is_not_recorded_still_opens_the_desk(cworld, client_for):
    import datetime

    from linli.people.models import Post

    body = Organization.objects.create(name="新工宿舍业主委员会", kind="owners_committee", division=cworld.c2,
                                       estate=cworld.estate_b)
    Post.objects.create(person=cworld.neighbour, organization=body, title="member", capacity="owner",
                        starts_on=timezone.localdate() - datetime.timedelta(days=1))
    page = client_for("committee_chair").get(reverse("assembly:committee_desk"))
    text = page.content.decode()
    assert page.status_code == 200
    assert "新工宿舍业主委员会" in text and "本届任期尚未登记" in text and "锦霞小区业主委员会" in text


def test_the_form_offers_the_first_rating_due_and_goes_away_when_all_are_made(cworld, client_for):
    from linli.assembly.models.ratings import previous_quarter

    url = reverse("assembly:committee_ratings", args=[cworld.committee_term.pk])
    client = client_for("committee_chair")
    assert client.get(url).context["form"].initial["period"] == period()
    client.post(url, {"period": period(), "company": cworld.company.pk, **GOOD})
    last = "{}-{}".format(*previous_quarter(*quarter_of(timezone.localdate())))
    assert client.get(url).context["form"].initial["period"] == last
    client.post(url, {"period": last, "company": cworld.company.pk, **GOOD})
    text = client.get(url).content.decode()
    assert 'id="all-rated"' in text and 'id="rating-form"' not in text
    assert ServiceRating.objects.count() == 2
