"""The property manager's overview of the estates their company manages and the estate page of the dashboard:
hand counts, who may open which (a manager never sees another company's estates; a street admin only the estates
of the street), the links behind the figures and into the estate page, and statements that do not grow per estate."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from linli.core.testing import make_user
from linli.dashboard import estates as est
from linli.dashboard import selectors as sel
from linli.dashboard.models import MonthlyScore, ScoreEvent, Subject
from linli.fees import services as fee_services
from linli.people.actors import system_actor
from linli.people.models import Role
from linli.places.models import Building, Estate, Home
from linli.places.services import stewardship_change
from linli.workorders import daily
from linli.workorders import services as s

NOVEMBER = "2026-11"


def at(year, month, day, hour=9):
    return timezone.make_aware(datetime.datetime(year, month, day, hour))


def report(estate, when, **kw):
    kw.setdefault("channel", "resident")
    kw.setdefault("text", "楼道灯坏了")
    return s.workorder_create(place=s.resolve_place(estate=estate), now=when, **kw)


@pytest.fixture
def cast(desk):
    """November 2026: estate A (company X, two homes) has three orders, one of them by 12345; estate B (unmanaged)
    one 12345 order; estate Far (the custodian) one. A manager of the custodian joins the cast. Estate A's two
    homes are billed 10 元 for November; A-101 pays."""
    w = desk
    report(w.estate_a, at(2026, 11, 2), category="facility")
    report(w.estate_a, at(2026, 11, 3), category="facility", tier="hard")
    report(w.estate_a, at(2026, 11, 20), category="sanitation", channel="hotline")
    report(w.estate_b, at(2026, 11, 21), category="facility", channel="hotline")
    report(w.estate_far, at(2026, 11, 4), category="facility")
    w.users["custodian_manager"] = make_user("custodian_manager", Role.PROPERTY_MANAGER, organization=w.custodian)
    fee_services.fee_plan_create(actor=w.manager_a, estate=w.estate_a, rate=Decimal("10"),
                                 effective_from=datetime.date(2026, 11, 1), decision="业主大会决定")
    fee_services.bill_period(period=NOVEMBER, estate=w.estate_a, actor=w.manager_a, now=at(2026, 11, 1))
    fee_services.payment_record(home=w.home_a1, amount=Decimal("10"), method="cash", idempotency_key="a1-nov",
                                actor=w.staff_a, now=at(2026, 11, 10))
    daily.rebuild()
    return w


def company_page(client, period=NOVEMBER):
    return client.get(f"/dashboard/company/?period={period}")


# -- the property manager's page -----------------------------------------------------------------------------------


def test_a_property_manager_s_dashboard_is_the_overview_of_the_company_s_estates(cast, client_for):
    client = client_for("manager_a")
    assert client.get("/dashboard/")["Location"] == "/dashboard/company/"
    response = company_page(client)
    assert response.status_code == 200
    t = response.context["t"]
    assert (t["estates"], t["homes"], t["received"], t["hotline"], t["backlog"]) == (1, 2, 3, 1, 3)
    assert str(t["hotline_per_100"]) == "50.00"  # one 12345 order over two homes
    assert str(t["fee_rate"]) == "50.0" and str(t["household_rate"]) == "50.0"
    row = response.context["fig"]["rows"][0]
    assert row.estate == cast.estate_a and row.received == 3 and row.links["page"] == (
        f"/dashboard/estate/{cast.estate_a.pk}/?period={NOVEMBER}")
    body = response.content.decode()
    assert "重庆锦绣物业服务有限公司总览" in body and cast.estate_a.name in body
    assert cast.estate_b.name not in body and cast.estate_far.name not in body


def test_a_manager_never_sees_another_company_s_estates(cast, client_for):
    mine = company_page(client_for("custodian_manager")).context["fig"]
    assert [r.estate for r in mine["rows"]] == [cast.estate_far]
    x = client_for("manager_a")
    assert x.get(f"/dashboard/company/{cast.custodian.pk}/").status_code == 404
    assert x.get(f"/dashboard/estate/{cast.estate_far.pk}/").status_code == 404
    assert x.get(f"/dashboard/estate/{cast.estate_b.pk}/").status_code == 404  # unmanaged: nobody's company
    assert x.get(f"/dashboard/estate/{cast.estate_a.pk}/").status_code == 200
    assert client_for("custodian_manager").get(f"/dashboard/estate/{cast.estate_a.pk}/").status_code == 404


@pytest.mark.parametrize("user", ["stranger", "resident_a", "staff_a", "street_admin", "department_handler"])
def test_only_the_company_s_managers_open_its_page(cast, client_for, user):
    assert client_for(user).get(f"/dashboard/company/{cast.company.pk}/").status_code == 404
    if user != "street_admin":
        assert client_for(user).get("/dashboard/company/").status_code == 404


def test_an_anonymous_visitor_is_sent_to_sign_in(cast):
    for url in ("/dashboard/company/", f"/dashboard/estate/{cast.estate_a.pk}/"):
        response = Client().get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_manager_has_the_top_bar_link_and_lands_where_they_did(cast, client_for):
    home = client_for("manager_a").get("/")
    assert home.status_code == 200 and 'href="/dashboard/"' in home.content.decode()
    # Community admins have their community's overview a tap away, and their work (the desk, the inbox) first.
    community = client_for("community_admin")
    assert community.get("/").status_code == 200
    assert community.get("/dashboard/").context["area"].divisions == [cast.c1]


def test_the_company_s_score_and_rank_come_from_its_latest_assessment(cast, client_for):
    event = ScoreEvent.objects.create(kind=ScoreEvent.Kind.FROZEN, district=cast.district,
                                      month=datetime.date(2026, 10, 1), data={})
    for org, score, rank, prev in ((cast.custodian, "88.00", 1, 2), (cast.company, "70.00", 2, 1)):
        MonthlyScore.objects.create(event=event, district=cast.district, month=event.month, subject=Subject.COMPANY,
                                    organization=org, name=org.name, score=Decimal(score), rank_district=rank,
                                    prev_rank_district=prev)
    scores = company_page(client_for("manager_a")).context["fig"]["scores"]
    assert [(x["month"], str(x["score"]), x["rank"], x["of"], x["change"], x["frozen"]) for x in scores] == [
        ("2026-10", "70.00", 2, 2, -1, True)]
    assert scores[0]["url"] == f"/dashboard/public/ranking/{cast.district.code}/"


def test_each_figure_of_the_company_page_opens_its_list_filtered(cast, client_for):
    client = client_for("manager_a")
    row = company_page(client).context["fig"]["rows"][0]
    listed = client.get(row.links["hotline"])
    assert listed.status_code == 200
    assert [o.channel for o in listed.context["page"].object_list] == ["hotline"]
    backlog = client.get(row.links["backlog"])
    assert len(backlog.context["page"].object_list) == 3
    assert client.get(row.links["fees"]).status_code == 200


def test_the_company_page_reads_the_same_statements_whatever_its_estates(cast, client_for, settings):
    settings.LINLI_DASHBOARD_MEMO_SECONDS = 0
    client = client_for("manager_a")
    company_page(client)
    with CaptureQueriesContext(connection) as small:
        assert company_page(client).status_code == 200
    for i in range(3):  # three more estates of company X, with homes and orders
        estate = Estate.objects.create(name=f"锦绣{i}号院", community=cast.c1, kind="old")
        building = Building.objects.create(estate=estate, number="1栋", floors=5)
        Home.objects.create(building=building, entrance="1", floor=1, number="101", area=Decimal("50"))
        stewardship_change(estate=estate, mode="market", provider=cast.company, start=datetime.date(2025, 1, 1),
                           actor=system_actor(), basis_kind="existing", basis="物业服务合同")
        for day in (5, 6):
            report(estate, at(2026, 11, day), category="facility", channel="hotline")
    daily.rebuild()
    with CaptureQueriesContext(connection) as large:
        response = company_page(client)
    assert len(response.context["fig"]["rows"]) == 4
    assert len(large) == len(small)
    assert len(small) <= 40


# -- the estate page -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("user, estate, status", [
    ("street_admin", "estate_a", 200), ("street_admin", "estate_b", 200), ("street_admin", "estate_far", 404),
    ("other_street_admin", "estate_a", 404), ("other_street_admin", "estate_far", 200),
    ("community_admin", "estate_a", 200), ("community_admin", "estate_b", 404), ("district_admin", "estate_far", 200),
    ("auditor", "estate_b", 200), ("resident_a", "estate_a", 404), ("stranger", "estate_a", 404),
    ("staff_a", "estate_a", 404),
])
def test_the_estate_page_is_open_to_who_serves_the_estate(cast, client_for, user, estate, status):
    assert client_for(user).get(f"/dashboard/estate/{getattr(cast, estate).pk}/").status_code == status


def test_a_missing_estate_is_404(cast, client_for):
    assert client_for("district_admin").get("/dashboard/estate/999999/").status_code == 404


def test_the_estate_page_shows_the_estate_s_figures(cast, client_for):
    response = client_for("street_admin").get(f"/dashboard/estate/{cast.estate_a.pk}/?period={NOVEMBER}")
    fig, row = response.context["fig"], response.context["row"]
    assert (row.received, row.hotline, row.backlog, row.overdue, row.homes) == (3, 1, 3, 0, 2)
    assert [(c["key"], c["count"]) for c in fig["by_category"]] == [("facility", 2), ("sanitation", 1)]
    assert {t["key"]: t["count"] for t in fig["by_tier"]} == {"easy": 2, "hard": 1, "major": 0}
    assert {t["label"]: t["count"] for t in fig["trend"]}["2026-11"] == 3 and len(fig["trend"]) == 12
    assert str(fig["fees"]["rate"]) == "50.0"
    assert {b["key"]: b["count"] for b in fig["backlog"]}["received"] + sum(
        b["count"] for b in fig["backlog"] if b["key"] != "received") == 3
    assert [h["mode_key"] for h in fig["history"]] == ["market"]
    assert response.context["back"] == f"/dashboard/{cast.c1.code}/?period={NOVEMBER}"


def test_the_12345_orders_before_and_after_each_change_of_manager_per_100_homes(cast):
    """Estate B (one home, unmanaged) passes to the custodian (应急托管) on 1 June 2026; counted on 10 July, 40 days
    later: three 12345 orders in the 40 days before the change, one after, one long before (not compared)."""
    change = datetime.date(2026, 6, 1)
    for days in (-60, -35, -20, -2, 5):
        report(cast.estate_b, timezone.make_aware(datetime.datetime.combine(change + datetime.timedelta(days=days),
                                                                            datetime.time(10))), channel="hotline")
    stewardship_change(estate=cast.estate_b, mode="custodian", provider=cast.custodian, start=change,
                       end=change + datetime.timedelta(days=150), actor=system_actor(), basis_kind="emergency",
                       basis="街道应急物业服务指定 2026-7号")
    history = est.stewardship_history(cast.estate_b, homes=1, today=datetime.date(2026, 7, 10))
    assert [h["mode_key"] for h in history] == ["none", "custodian"]
    c = history[1]["change"]
    assert (c["days"], c["before"], c["after"], str(c["before_per_100"]), str(c["after_per_100"]), str(c["fall"])) \
        == (40, 3, 1, "300.00", "100.00", "66.7")
    assert c["before_url"].endswith("since=2026-04-22&until=2026-05-31") and "channel=hotline" in c["before_url"]
    assert history[0]["change"] is None


def test_the_estate_page_reads_the_same_statements_whatever_its_orders(cast, client_for, settings):
    settings.LINLI_DASHBOARD_MEMO_SECONDS = 0
    client = client_for("street_admin")
    url = f"/dashboard/estate/{cast.estate_a.pk}/?period={NOVEMBER}"
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    for day in range(1, 29):
        report(cast.estate_a, at(2026, 11, day), category=f"c{day % 5}", channel="hotline" if day % 3 else "phone")
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(large) == len(small)
    assert len(small) <= 40


# -- one tap from the overview's estates ---------------------------------------------------------------------------


def test_the_overview_s_estates_open_the_estate_page(cast, client_for):
    Estate.objects.filter(pk=cast.estate_b.pk).update(longitude="106.48", latitude="29.48")
    user = cast.users["street_admin"]
    f = sel.overview(user, sel.area_for(user, cast.street.code), sel.parse_period(NOVEMBER))
    page_b = f"/dashboard/estate/{cast.estate_b.pk}/?period={NOVEMBER}"
    assert {r["name"]: r["page"] for r in f.hotline["rows"]}[cast.estate_b.name] == page_b
    assert [p["url"] for p in f.hotline["points"]] == [page_b]
    body = client_for("street_admin").get(f"/dashboard/{cast.street.code}/?period={NOVEMBER}").content.decode()
    assert f'<a href="{page_b.replace("&", "&amp;")}">{cast.estate_b.name}</a>' in body


def test_the_ranking_s_estates_open_the_estate_page(cast, client_for):
    event = ScoreEvent.objects.create(kind=ScoreEvent.Kind.FROZEN, district=cast.district,
                                      month=datetime.date(2026, 10, 1), data={"weights": {}})
    MonthlyScore.objects.create(event=event, district=cast.district, month=event.month, subject=Subject.ESTATE,
                                estate=cast.estate_a, community=cast.c1, street=cast.street, name=cast.estate_a.name,
                                score=Decimal("80"), rank_district=1)
    response = client_for("street_admin").get(f"/dashboard/assessment/{cast.district.code}/",
                                              {"month": "2026-10", "subject": "estate"})
    link = response.context["rows"][0].link
    assert link == f"/dashboard/estate/{cast.estate_a.pk}/?period=2026-10"
    assert client_for("street_admin").get(link).status_code == 200


def test_the_overview_compares_the_12345_orders_around_a_change_of_manager_not_around_a_first_record(cast):
    """Estate B passes to the custodian on 1 June 2026 (its first record is from before 2025); estate A's only
    record is its first one. Over May–June: two 12345 orders of B in the 30 days before the change, one after."""
    change = datetime.date(2026, 6, 1)
    for day in (datetime.date(2026, 5, 10), datetime.date(2026, 5, 20), datetime.date(2026, 6, 5)):
        report(cast.estate_b, timezone.make_aware(datetime.datetime.combine(day, datetime.time(10))),
               channel="hotline")
    report(cast.estate_a, at(2026, 6, 8), channel="hotline")
    stewardship_change(estate=cast.estate_b, mode="custodian", provider=cast.custodian, start=change,
                       end=change + datetime.timedelta(days=150), actor=system_actor(), basis_kind="emergency",
                       basis="街道应急物业服务指定 2026-7号")
    daily.rebuild()
    user = cast.users["street_admin"]
    f = sel.overview(user, sel.area_for(user, cast.street.code), sel.parse_period("2026-05-01..2026-06-30"))
    rows = {r["name"]: r for r in f.hotline["rows"]}
    assert {k: v for k, v in rows[cast.estate_b.name]["change"].items() if k != "mode"} == {
        "on": change, "days": 30, "before": 2, "after": 1}
    assert "change" not in rows[cast.estate_a.name] and f.hotline["changed"] is True
