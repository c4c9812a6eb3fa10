"""A committee member reads their estate's public accounts and collection figures (issue 19; Beijing art. 44(4)(5)(7),
art. 70(4)(5)): aggregated per building, by amount and by households, no household named (art. 47(8)); another
estate and every other role get 404."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from linli.core.testing import pay
from linli.fees import selectors, services

D = datetime.date


@pytest.fixture
def billed(cworld, plan):
    for period in ("2026-10", "2026-11"):
        services.bill_period(period=period, estate=cworld.estate_a, actor=cworld.manager_a)
    pay(cworld, cworld.home_a1, "20", "k-committee", None)


def test_collection_per_building_counts_households_and_amounts_without_naming_any(cworld, billed):
    rows = selectors.collection_by_building(cworld.estate_a.pk, D(2026, 1, 1), D(2026, 12, 31))
    assert [(number, c.homes, c.homes_settled, str(c.due), str(c.paid)) for number, c in rows] == [
        ("1栋", 2, 1, "40.00", "20.00")]


def test_a_member_reads_the_figures_of_their_estate(cworld, billed, client_for):
    page = client_for("committee_chair").get(reverse("fees:committee_estate", args=[cworld.estate_a.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "1栋" in text and reverse("fees:public", args=[services.public_link_for(cworld.estate_a).token]) in text
    for personal in ("周莲秀", "李建国", "101", "102", "13812345678"):
        assert personal not in text


def test_the_top_bar_link_opens_the_first_estate(cworld, client_for):
    response = client_for("committee_member").get(reverse("fees:committee_home"))
    assert (response.status_code, response["Location"]) == (
        302, reverse("fees:committee_estate", args=[cworld.estate_a.pk]))


def test_another_estate_is_404(cworld, client_for):
    assert client_for("committee_chair").get(reverse("fees:committee_estate", args=[cworld.estate_b.pk])
                                             ).status_code == 404


@pytest.mark.parametrize("who", ["stranger", "resident_a", "manager_a", "street_admin"])
def test_every_other_role_gets_404(cworld, client_for, who):
    client = client_for(who)
    assert client.get(reverse("fees:committee_home")).status_code == 404
    assert client.get(reverse("fees:committee_estate", args=[cworld.estate_a.pk])).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(cworld):
    response = Client().get(reverse("fees:committee_home"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_member_still_cannot_open_the_staff_fee_pages(cworld, client_for):
    client = client_for("committee_member")
    assert client.get(reverse("fees:estate", args=[cworld.estate_a.pk])).status_code == 404
    assert client.get(reverse("fees:arrears", args=[cworld.estate_a.pk])).status_code == 404
