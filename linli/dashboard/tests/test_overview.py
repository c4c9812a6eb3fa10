"""The overview: figures equal hand counts on the cast, each role reaches its own area and no other, the first page
after sign-in, the endpoint, and a number of statements that does not grow with the data."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from linli.dashboard import selectors as sel
from linli.workorders import daily
from linli.workorders import services as s
from linli.workorders.models import SummaryMark

NOVEMBER = "2026-11"


def at(year, month, day, hour=9):
    return timezone.make_aware(datetime.datetime(year, month, day, hour))


def report(world, when, estate, **kw):
    kw.setdefault("channel", "resident")
    kw.setdefault("text", "楼道灯坏了")
    return s.workorder_create(place=s.resolve_place(estate=estate), now=when, **kw)


@pytest.fixture
def cast(desk):
    """November 2026 in the street: three orders in estate A (one 难事, one by phone), one 12345 order in estate B;
    one in the other street; one in estate A in November 2025 (the same period last year)."""
    w = desk
    report(w, at(2026, 11, 2), w.estate_a, category="facility")
    report(w, at(2026, 11, 3), w.estate_a, category="facility", tier="hard")
    report(w, at(2026, 11, 20), w.estate_a, category="sanitation", channel="phone")
    report(w, at(2026, 11, 21), w.estate_b, category="facility", channel="hotline")
    report(w, at(2026, 11, 4), w.estate_far, category="facility")
    report(w, at(2025, 11, 10), w.estate_a, category="facility")
    daily.rebuild()
    return w


def figures(world, user, code, period=NOVEMBER):
    return sel.overview(world.users[user], sel.area_for(world.users[user], code), sel.parse_period(period))


def test_the_street_figures_are_the_hand_counts(cast):
    f = figures(cast, "street_admin", cast.street.code)
    o = f.orders
    assert (o["received"], o["received_last_year"], o["change"]) == (4, 1, 300)
    assert {c["key"]: c["count"] for c in o["by_channel"]} == {"resident": 2, "phone": 1, "hotline": 1}
    assert {t["key"]: t["count"] for t in o["by_tier"]} == {"easy": 3, "hard": 1, "major": 0}
    assert [(c["key"], c["count"]) for c in o["by_category"]] == [("facility", 3), ("sanitation", 1)]
    trend = {t["label"]: (t["count"], t["last_year"]) for t in o["trend"]}
    assert len(trend) == 30 and trend["11-02"] == (1, 0) and trend["11-10"] == (0, 1) and trend["11-21"] == (1, 0)
    assert f.backlog["total"] == 5  # work in hand now, whenever received (the 2025 order too)
    # 12345 per 100 homes: one order in estate B, which has one home.
    assert [(r["name"], r["count"], r["homes"], str(r["per_100"])) for r in f.hotline["rows"]] == [
        (cast.estate_b.name, 1, 1, "100.00")]
    assert (f.coverage["homes"], f.coverage["estates"]) == (3, 2)
    assert [c["name"] for c in f.children] == [cast.c1.name, cast.c2.name]
    assert [c["received"] for c in f.children] == [3, 1]


def test_the_district_adds_its_streets_and_a_community_sees_its_own(cast):
    assert figures(cast, "district_admin", cast.district.code).orders["received"] == 5
    assert figures(cast, "district_admin", None).orders["received"] == 5  # the top area
    assert figures(cast, "community_admin", cast.c1.code).orders["received"] == 3
    assert figures(cast, "street_admin", cast.street.code, "2026-W45").orders["received"] == 2  # 2–8 November
    assert figures(cast, "street_admin", cast.street.code, "2026-11-20").orders["received"] == 1


def test_each_figure_links_to_the_list_behind_it_filtered(cast, client_for):
    f = figures(cast, "street_admin", cast.street.code)
    assert f.orders["url"] == (f"/workorders/?tab=all&division={cast.street.code}&since=2026-11-01"
                               f"&until=2026-11-30")
    phone = next(c for c in f.orders["by_channel"] if c["key"] == "phone")
    listed = client_for("street_admin").get(phone["url"])
    assert listed.status_code == 200
    assert [o.channel for o in listed.context["page"].object_list] == ["phone"]


@pytest.mark.parametrize("user, code, status", [
    ("street_admin", "street", 200), ("street_admin", "c1", 200), ("street_admin", "street2", 404),
    ("street_admin", "district", 404), ("other_street_admin", "street", 404), ("district_admin", "street2", 200),
    ("auditor", "district", 200), ("community_admin", "c1", 200), ("community_admin", "c2", 404),
    ("grid_worker", "c1", 200), ("resident_a", "c1", 404), ("stranger", "street", 404), ("manager_a", "c1", 404),
])
def test_each_role_reaches_its_own_area_and_no_other(cast, client_for, user, code, status):
    division = getattr(cast, code)
    client = client_for(user)
    assert client.get(f"/dashboard/{division.code}/?period={NOVEMBER}").status_code == status
    assert client.get(f"/dashboard/{division.code}/wall/").status_code == status
    assert client.get(f"/api/v1/dashboard/?division={division.code}").status_code == status


def test_an_anonymous_visitor_is_sent_to_sign_in(cast, client):
    for url in ("/dashboard/", f"/dashboard/{cast.street.code}/", f"/dashboard/{cast.street.code}/wall/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert client.get("/api/v1/dashboard/").status_code in (401, 403)


def test_street_district_admins_and_auditors_land_on_the_dashboard_others_get_a_link(cast, client_for):
    for user in ("street_admin", "district_admin", "auditor"):
        assert client_for(user).get("/")["Location"] == "/dashboard/", user
    home = client_for("community_admin").get("/")
    assert home.status_code == 200 and 'href="/dashboard/"' in home.content.decode()
    assert client_for("resident_a").get("/")["Location"] == "/residents/"  # the resident home (linli.residents)


def test_the_page_shows_the_figures_as_tables_and_the_wall_refreshes_itself(cast, client_for):
    client = client_for("street_admin")
    body = client.get(f"/dashboard/?period={NOVEMBER}").content.decode()
    assert "九宫庙街道总览" in body
    assert 'data-chart="line"' in body and '<th scope="col">去年同期</th>' in body
    wall = client.get(f"/dashboard/{cast.street.code}/wall/?period={NOVEMBER}").content.decode()
    assert 'data-wall data-refresh="300"' in wall


def test_a_bad_period_is_named_and_the_month_shown(cast, client_for):
    response = client_for("street_admin").get("/dashboard/?period=2026-13")
    assert response.status_code == 200 and "2026-13" in response.context["error"]
    api = client_for("street_admin").get("/api/v1/dashboard/?period=soon")
    assert api.status_code == 400 and "period" in api.json()["fields"]


def test_the_endpoint_gives_the_page_s_figures(cast, client_for):
    body = client_for("street_admin").get(f"/api/v1/dashboard/?division={cast.street.code}&period={NOVEMBER}").json()
    assert body["area"] == {"code": cast.street.code, "name": "九宫庙街道", "level": "street"}
    assert body["orders"]["received"] == 4 and body["orders"]["change"] == "300.0"
    assert body["hotline"]["rows"][0]["per_100"] == "100.00"


def test_the_page_reads_the_same_number_of_statements_whatever_the_data(cast, client_for, settings):
    settings.LINLI_DASHBOARD_MEMO_SECONDS = 0  # every view computes its figures
    client = client_for("street_admin")
    url = f"/dashboard/{cast.street.code}/?period={NOVEMBER}"
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    for day in range(1, 29):
        report(cast, at(2026, 11, day), cast.estate_a if day % 2 else cast.estate_b, category=f"c{day % 7}",
               channel="hotline" if day % 3 else "phone")
    daily.rebuild()
    client.get(url)
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(large) == len(small)
    assert len(small) <= 45


def test_the_figures_are_kept_while_at_most_a_minute_behind_the_summary(cast, client_for):
    client = client_for("street_admin")
    url = f"/dashboard/{cast.street.code}/?period={NOVEMBER}"
    assert client.get(url).context["figures"].orders["received"] == 4
    with CaptureQueriesContext(connection) as again:
        assert client.get(url).context["figures"].orders["received"] == 4
    report(cast, at(2026, 11, 25), cast.estate_a, category="facility")
    assert client.get(url).context["figures"].orders["received"] == 4  # the job has not run yet
    daily.refresh()
    page = client.get(url)
    # The summary moved a moment ago: the stored figures are served, and say how old they are.
    assert page.context["figures"].orders["received"] == 4
    assert page.context["as_of"] < daily.as_of()
    # A minute later they are too far behind: the view computes them again.
    SummaryMark.objects.update(refreshed_at=F("refreshed_at") + datetime.timedelta(seconds=61))
    page = client.get(url)
    assert page.context["figures"].orders["received"] == 5 and page.context["as_of"] == daily.as_of()
    assert len(again) < 15


def test_the_work_order_list_and_api_filter_by_division(cast, client_for):
    client = client_for("district_admin")
    codes = lambda url: sorted(o["code"] for o in client.get(url).json()["results"])  # noqa: E731
    everything = codes("/api/v1/workorders/")
    in_c1 = codes(f"/api/v1/workorders/?division={cast.c1.code}")
    in_street2 = codes(f"/api/v1/workorders/?division={cast.street2.code}")
    assert (len(everything), len(in_c1), len(in_street2)) == (6, 4, 1)  # C1: three this November, one last year
    assert codes("/api/v1/workorders/?division=999") == []


def test_the_rebuild_command_takes_a_range_and_names_a_bad_date(cast):
    from django.core.management import CommandError, call_command

    from linli.workorders.models import DailyFigures

    call_command("dashboard", "rebuild", "--from", "2026-11-01", "--until", "2026-11-30")
    assert DailyFigures.objects.filter(day__year=2025).count() > 0  # the days outside the range stay
    with pytest.raises(CommandError, match="--until"):
        call_command("dashboard", "rebuild", "--until", "30/11/2026")


def test_the_dashboard_links_the_reports_people_take_to_meetings_and_each_link_downloads(cast, client_for):
    street = client_for("street_admin").get(f"/dashboard/{cast.street.code}/?period={NOVEMBER}")
    links = {d["text"]: d["url"] for d in street.context["downloads"]}
    code = cast.street.code
    assert links["2026-11 月报（Excel）"] == f"/dashboard/{code}/reports/month/2026-11.xlsx"
    assert links["2026-11 月报（PDF）"] == f"/dashboard/{code}/reports/month/2026-11.pdf"
    assert "上周联席会议周报（PDF）" in links and links["全部月报与周报"] == f"/dashboard/{code}/reports/"
    xlsx = client_for("street_admin").get(links["2026-11 月报（Excel）"])
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    week = client_for("street_admin").get(links["上周联席会议周报（Excel）"])
    assert week.status_code == 200
    # A community admin gets the month's report of the community, not the street's weekly briefing.
    community = client_for("community_admin").get(f"/dashboard/{cast.c1.code}/?period={NOVEMBER}")
    texts = [d["text"] for d in community.context["downloads"]]
    assert "2026-11 月报（PDF）" in texts and not any("周报（" in t for t in texts)
    assert client_for("community_admin").get(f"/dashboard/{code}/reports/month/2026-11.xlsx").status_code == 404


def test_the_estates_are_drawn_by_their_coordinates_and_the_area_figure_is_per_100_homes_of_the_area(cast, client_for):
    from linli.places.models import Estate

    Estate.objects.filter(pk=cast.estate_b.pk).update(longitude="106.48", latitude="29.48")
    Estate.objects.filter(pk=cast.estate_a.pk).update(longitude="106.49", latitude="29.47")
    f = figures(cast, "street_admin", cast.street.code)
    points = {p["name"]: (str(p["longitude"]), str(p["latitude"]), str(p["per_100"])) for p in f.hotline["points"]}
    # Estate B's one 12345 order over its one home; estate A had none; the far street's estate is not this area.
    assert points == {cast.estate_b.name: ("106.480000", "29.480000", "100.00"),
                      cast.estate_a.name: ("106.490000", "29.470000", "0")}
    assert str(f.hotline["per_100"]) == str((Decimal(1) * 100 / f.coverage["homes"]).quantize(Decimal("0.01")))
    body = client_for("street_admin").get(f"/dashboard/{cast.street.code}/?period={NOVEMBER}").content.decode()
    assert 'data-chart="map"' in body and "106.48" in body


@pytest.mark.parametrize("user, code", [
    ("street_admin", "street"), ("district_admin", "district"), ("auditor", "district"), ("community_admin", "c1"),
    ("grid_worker", "c1"),
])
def test_every_link_on_a_dashboard_opens_for_the_one_who_sees_it(cast, client_for, user, code):
    """No figure links to a page its viewer may not open (the fee figures and overdue care visits answered 404 for
    the auditor and the grid worker): a link is shown only where the page behind it opens."""
    import re

    client = client_for(user)
    body = client.get(f"/dashboard/{getattr(cast, code).code}/?period={NOVEMBER}").content.decode()
    hrefs = sorted({h.replace("&amp;", "&") for h in re.findall(r'href="(/(?:fees|care|workorders|places|assembly|'
                                                                r'volunteers|dashboard)/[^"]*)"', body)})
    assert hrefs, "the dashboard links to its lists"
    refused = [h for h in hrefs if client.get(h).status_code not in (200, 302)]
    assert refused == []
