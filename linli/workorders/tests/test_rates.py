"""Response, resolution and satisfaction rates, hand-computed from a small November in the cast's street."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from linli.core.testing import make_user
from linli.people.models import Role, User
from linli.workorders import rates, selectors
from linli.workorders import services as s


def at(month, day, hour, minute=0, year=2026):
    return timezone.make_aware(datetime.datetime(year, month, day, hour, minute))


NOW = at(11, 30, 23, 30)
NOVEMBER = rates.parse_period("2026-11")


def report(world, when, estate=None, **kw):
    kw.setdefault("channel", "resident")
    kw.setdefault("text", "楼道灯坏了")
    kw.setdefault("reporter", world.resident)
    return s.workorder_create(place=s.resolve_place(estate=estate or world.estate_a), now=when, **kw)


def handler(order):
    """One of the people of the organisation the order is assigned to (C2's committee gets an admin here)."""
    users = s._handlers(order)
    if users:
        return users[0]
    return User.objects.filter(username="c2_admin").first() or make_user(
        "c2_admin", Role.COMMUNITY_ADMIN, division=order.assignee_org.division)


def done(order, accepted, replied, visits):
    """Accept, reply and call back (the street's callback desk); ``visits`` = [(when, solved, satisfaction,
    reached)]: a failed one reopens, and the next visit follows a new accept and reply an hour later."""
    order = s.workorder_accept(order=order, actor=handler(order), now=accepted)
    order = s.workorder_reply(order=order, actor=handler(order), text="已处理", now=replied)
    callback = User.objects.get(username="street_admin")
    for i, (when, solved, satisfaction, reached) in enumerate(visits):
        if i:
            order = s.workorder_accept(order=order, actor=handler(order), now=when - datetime.timedelta(hours=2))
            order = s.workorder_reply(order=order, actor=handler(order), text="再次处理",
                                      now=when - datetime.timedelta(hours=1))
        order = s.workorder_visit(order=order, actor=callback, solved=solved, satisfaction=satisfaction, reached=reached,
                                  now=when)
    return order


@pytest.fixture
def november(desk):
    """Company X (estate A, community C1) and C2's committee (estate B), accept deadline 2 hours:

    o1 accepted in time, solved, 满意            o5 (B) in time, solved, 基本满意
    o2 accepted late, solved, 基本满意           o6 (B) in time, callback did not reach the resident
    o3 in time, not solved 不满意 → reopened,    o7 dispatched in October, called back in November: solved, 满意
       called back again: solved, 满意           o8 dispatched at 23:00 on the 30th, still inside its deadline
    o4 never accepted
    """
    w = desk
    done(report(w, at(11, 2, 9), category="facility"), at(11, 2, 10), at(11, 3, 9),
         [(at(11, 4, 9), True, "satisfied", True)])
    done(report(w, at(11, 3, 9), category="facility"), at(11, 3, 12), at(11, 4, 9),
         [(at(11, 5, 9), True, "basic", True)])
    done(report(w, at(11, 4, 9)), at(11, 4, 9, 30), at(11, 5, 9),
         [(at(11, 6, 9), False, "unsatisfied", True), (at(11, 10, 9), True, "satisfied", True)])
    report(w, at(11, 5, 9), tier="hard")
    done(report(w, at(11, 6, 9), estate=w.estate_b, channel="phone", tier="major"), at(11, 6, 10), at(11, 7, 9),
         [(at(11, 8, 9), True, "basic", True)])
    done(report(w, at(11, 7, 9), estate=w.estate_b), at(11, 7, 10), at(11, 8, 9),
         [(at(11, 9, 9), False, "unsatisfied", False)])
    done(report(w, at(10, 31, 23)), at(11, 1, 8), at(11, 1, 18), [(at(11, 2, 9), True, "satisfied", True)])
    report(w, at(11, 30, 23))
    return w


def row(rows, key):
    return next(r for r in rows if r.key == key).tally


def test_the_company_is_measured_on_its_own_dispatches_and_callbacks(november):
    figures = rates.compute(november.street, NOVEMBER, now=NOW)
    company = row(figures.by_org, november.company.pk)
    assert (company.dispatched, company.responded, company.pending) == (4, 2, 1)
    assert (company.visited, company.solved) == (5, 4)
    assert (company.satisfied, company.basic, company.unsatisfied) == (3, 1, 1)
    assert company.response_rate == Decimal("0.5000")
    assert company.resolution_rate == Decimal("0.8000")
    assert company.satisfaction_rate == Decimal("0.7600")  # (3 + 0.8 × 1) / 5
    assert company.score == Decimal("75.20")  # 100 × (0.10 × 0.5 + 0.45 × 0.8 + 0.45 × 0.76)


def test_a_callback_that_did_not_reach_the_resident_is_not_counted(november):
    figures = rates.compute(november.street, NOVEMBER, now=NOW)
    committee = row(figures.by_org, november.committee2.pk)
    assert (committee.dispatched, committee.responded, committee.visited, committee.solved) == (2, 2, 1, 1)
    assert committee.satisfaction_rate == Decimal("0.8000")
    assert committee.score == Decimal("91.00")


def test_the_street_total_and_the_communities(november):
    figures = rates.compute(november.street, NOVEMBER, now=NOW)
    total = figures.total
    assert (total.dispatched, total.responded, total.visited, total.solved, total.rated) == (6, 4, 6, 5, 6)
    assert total.response_rate == Decimal("0.6667")  # 4/6
    assert total.resolution_rate == Decimal("0.8333")  # 5/6
    assert total.satisfaction_rate == Decimal("0.7667")  # (3 + 0.8 × 2) / 6
    assert total.score == Decimal("78.67")  # 100 × (0.1 × 2/3 + 0.45 × 5/6 + 0.45 × 23/30), unrounded rates
    c1, c2 = row(figures.by_community, november.c1.pk), row(figures.by_community, november.c2.pk)
    assert (c1.score, c2.score) == (Decimal("75.20"), Decimal("91.00"))
    assert [r.name for r in figures.by_street] == ["九宫庙街道"]


def test_counts_by_tier_channel_and_category_are_of_orders_received_in_the_period(november):
    figures = rates.compute(november.street, NOVEMBER, now=NOW)
    assert figures.received == 7  # o7 came in on 31 October
    assert figures.by_tier == [("easy", "易事", 5), ("hard", "难事", 1), ("major", "大事", 1)]
    assert [(k, n) for k, _label, n in figures.by_channel] == [("resident", 6), ("phone", 1)]
    # "楼道灯坏了" without a category: the intake's triage files it under facility (公共设施设备).
    assert figures.by_category == [("facility", 7)]


def test_a_community_sees_only_its_own_orders(november):
    figures = rates.compute(november.c2, NOVEMBER, now=NOW)
    assert (figures.total.dispatched, figures.total.visited, figures.received) == (2, 1, 2)
    assert [r.key for r in figures.by_org] == [november.committee2.pk]


def test_a_pending_dispatch_counts_once_its_deadline_has_passed(november):
    later = rates.compute(november.street, NOVEMBER, now=at(12, 1, 2))
    company = row(later.by_org, november.company.pk)
    assert (company.dispatched, company.responded, company.pending) == (5, 2, 0)


def test_the_basic_weight_comes_from_settings(november, settings):
    settings.LINLI_SATISFACTION_BASIC_WEIGHT = "0.5"
    company = row(rates.compute(november.street, NOVEMBER, now=NOW).by_org, november.company.pk)
    assert company.satisfaction_rate == Decimal("0.7000")  # (3 + 0.5) / 5


def test_the_score_weights_come_from_settings_and_a_missing_rate_drops_out(desk, settings):
    settings.LINLI_SCORE_WEIGHTS = {"response": "1", "resolution": "1", "satisfaction": "2"}
    order = report(desk, at(11, 2, 9))
    s.workorder_accept(order=order, actor=desk.manager_a, now=at(11, 2, 12))  # late: response 0, nothing called back
    tally = rates.compute(desk.street, NOVEMBER, now=NOW).total
    assert (tally.response_rate, tally.resolution_rate, tally.satisfaction_rate) == (Decimal("0.0000"), None, None)
    assert tally.score == Decimal("0.00")
    tally = rates.Tally(dispatched=3, responded=2, visited=4, solved=3, satisfied=2, basic=1, unsatisfied=1)
    # 100 × (1 × 2/3 + 1 × 3/4 + 2 × (2 + 0.8)/4) / 4 = 100 × (0.666… + 0.75 + 1.4) / 4 = 70.4166…
    assert tally.score == Decimal("70.42")


def test_an_escalated_dispatch_is_charged_to_the_organisation_that_let_it_lapse(desk):
    order = report(desk, at(11, 2, 9))
    order = s.workorder_escalate(order=order, actor=desk.street_admin, reason="物业未签收", now=at(11, 2, 12))
    assert order.assignee_org == desk.committee
    s.workorder_accept(order=order, actor=desk.community_admin, now=at(11, 2, 13))
    figures = rates.compute(desk.street, NOVEMBER, now=NOW)
    assert (row(figures.by_org, desk.company.pk).dispatched, row(figures.by_org, desk.company.pk).responded) == (1, 0)
    assert (row(figures.by_org, desk.committee.pk).dispatched, row(figures.by_org, desk.committee.pk).responded) == (1, 1)


@pytest.mark.parametrize("text,first,last", [
    ("2026-11", "2026-11-01", "2026-11-30"),
    ("2026-Q4", "2026-10-01", "2026-12-31"),
    ("2026q1", "2026-01-01", "2026-03-31"),
    ("2026", "2026-01-01", "2026-12-31"),
    ("2026-02", "2026-02-01", "2026-02-28"),
    ("2026-11-01..2026-11-15", "2026-11-01", "2026-11-15"),
])
def test_periods_are_local_days(text, first, last):
    period = rates.parse_period(text)
    assert (period.first_day.isoformat(), period.last_day.isoformat()) == (first, last)
    assert timezone.localtime(period.start).hour == 0


@pytest.mark.parametrize("text", ["2026-13", "11/2026", "2026-11-15..2026-11-01", "last month"])
def test_a_period_that_cannot_be_read_is_refused(text):
    with pytest.raises(ValueError):
        rates.parse_period(text)


def test_the_board_selectors_count_per_organisation_and_status(november):
    from linli.workorders import selectors
    from linli.workorders.models import WorkOrder

    rows = selectors.dispatch_board(november.street_admin)["rows"]
    company = next(r for r in rows if r["assignee_org"] == november.company.pk)
    # o4 and o8 wait to be signed (dispatched); o6 was reopened to committee2; the rest were called back
    assert (company["to_sign"], company["working"], company["replied"]) == (2, 0, 0)
    assert selectors.counts_by_tier(WorkOrder.objects.filter(street=november.street)) == {
        "easy": 6, "hard": 1, "major": 1}


# -- page and endpoint ------------------------------------------------------------------------------


def test_the_rates_endpoint_gives_exact_figures_to_the_street(november, client_for, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    response = client_for("street_admin").get(f"/api/v1/workorders-rates/?division={november.street.code}&period=2026-11")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["period"] == {"key": "2026-11", "first_day": "2026-11-01", "last_day": "2026-11-30"}
    assert (body["total"]["response_rate"], body["total"]["score"]) == ("0.6667", "78.67")
    assert body["counts"]["by_tier"] == {"easy": 5, "hard": 1, "major": 1}
    assert body["formula"]["satisfaction_basic_weight"] == "0.8"


@pytest.mark.parametrize("who", ["stranger", "resident_a", "manager_a", "other_street_admin"])
def test_the_rates_endpoint_is_404_outside_the_division(november, client_for, who):
    response = client_for(who).get(f"/api/v1/workorders-rates/?division={november.street.code}")
    assert response.status_code == 404


def test_the_rates_endpoint_needs_a_division_and_a_readable_period(november, client_for):
    client = client_for("auditor")
    assert client.get("/api/v1/workorders-rates/").status_code == 400
    assert client.get(f"/api/v1/workorders-rates/?division={november.street.code}&period=xx").status_code == 400
    assert client.get(f"/api/v1/workorders-rates/?division={november.street.code}&period=2026").status_code == 200


def test_the_rates_page_shows_the_tables_to_staff_in_scope(november, client_for, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    response = client_for("street_admin").get(f"/workorders/rates/{november.street.code}/?period=2026-11")
    assert response.status_code == 200
    html = response.content.decode()
    assert "66.67%" in html and "78.67" in html and "75.20" in html and "<svg" in html
    assert "重庆锦绣物业服务有限公司" in html and "锦霞社区" in html


def test_the_rates_page_starts_at_the_users_top_division(november, client_for):
    response = client_for("street_admin").get("/workorders/rates/")
    assert response.status_code == 302 and response["Location"] == f"/workorders/rates/{november.street.code}/"


def test_the_rates_page_keeps_the_period_when_it_goes_to_the_top_division(november, client_for):
    response = client_for("street_admin").get("/workorders/rates/?period=2026-Q3")
    assert response.status_code == 302
    assert response["Location"] == f"/workorders/rates/{november.street.code}/?period=2026-Q3"
    assert client_for("street_admin").get(response["Location"]).context["period"].key == "2026-Q3"


@pytest.mark.parametrize("text", ["2026-13", "2026-02-30..2026-03-01"])
def test_a_period_that_cannot_be_read_is_explained_in_plain_words(november, client_for, text):
    """Not Python's "month must be in 1..12" (issue 18 item 6: no programmer words)."""
    html = client_for("street_admin").get(f"/workorders/rates/{november.street.code}/", {"period": text}).content.decode()
    assert f"无法识别的统计期间：{text}；可用 2026-11" in html
    assert "must be" not in html and "out of range" not in html


@pytest.mark.parametrize("who", ["stranger", "resident_a", "manager_a", "other_street_admin"])
def test_the_rates_page_is_404_outside_the_division(november, client_for, who):
    assert client_for(who).get(f"/workorders/rates/{november.street.code}/").status_code == 404


def test_an_anonymous_visitor_is_sent_to_sign_in(client, db):
    assert client.get("/workorders/rates/").status_code == 302


def test_the_rates_endpoint_asks_an_anonymous_caller_to_sign_in(client, db):
    assert client.get("/api/v1/workorders-rates/?division=500104001").status_code == 401


def test_seed_orders_adds_orders_with_their_events_on_the_registry(world):
    from django.core.management import call_command

    from linli.workorders.models import WorkOrder, WorkOrderEvent

    call_command("seed-orders", orders=60, seed=5, stdout=open("/dev/null", "w"))
    orders = WorkOrder.objects.all()
    assert orders.count() == 60
    assert all(o.code == f"{timezone.localtime(o.received_at):%Y%m%d}-{o.pk:04d}" for o in orders)
    closed = orders.filter(status="closed").first()
    assert list(closed.events.values_list("kind", flat=True)) == [
        "create", "dispatch", "accept", "start", "reply", "visit", "close"]
    assert WorkOrderEvent.objects.filter(kind="create").count() == 60
    assert sum(selectors.counts_by_tier(orders).values()) == 60
    today = timezone.localdate()
    period = rates.period_of_days(today - datetime.timedelta(days=400), today)
    figures = rates.compute(world.district, period)
    assert figures.total.visited == WorkOrderEvent.objects.filter(kind="visit").count()
    assert figures.total.dispatched + figures.total.pending == WorkOrderEvent.objects.filter(kind="dispatch").count()
    assert figures.received == 60
