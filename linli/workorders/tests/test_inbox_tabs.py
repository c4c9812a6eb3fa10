"""Issue 18 item 6: the inbox tabs count what they list, for every role. The auditor's tabs read 0 while its list
showed open and overdue orders: a role that holds no orders of its own (auditor, grid worker) had only the tabs of
"my" orders. Each tab's number and its list come from one definition (``selectors.inbox_tabs``), the number read
through the work-in-hand summary and the list from the orders."""

import datetime
import random

import pytest

from linli.people.actors import system_actor
from linli.workorders import services as s
from linli.workorders import summary
from linli.workorders.models import WorkOrder
from linli.workorders.sweep import sweep
from linli.workorders.tests.test_work_in_hand import T0, anyone, create, step  # noqa: F401 (anyone: a fixture)


def tabs_of(client) -> dict:
    return {key: n for key, _label, n in client.get("/workorders/").context["tabs"]}


def rows_of(client, tab) -> list[str]:
    codes, url = [], f"/workorders/?tab={tab}"
    while url:
        response = client.get(url)
        codes += [o.code for o in response.context["page"]]
        page = response.context["page"]
        url = f"/workorders/?tab={tab}&page={page.next_page_number()}" if page.has_next() else None
    return codes


@pytest.fixture
def busy(desk, anyone):  # noqa: F811 (the fixture imported above)
    """Orders in every state of work in hand, some overdue, across both streets, by the services and the sweep."""
    rng = random.Random(18)
    now = T0
    orders = [create(desk, rng, now) for _ in range(24)]
    for order in orders:
        for _ in range(rng.randint(0, 4)):
            now += datetime.timedelta(minutes=20)
            step(desk, rng, order, now)
    # at the street's level an order not replied in time stays overdue (no level above to escalate to)
    for estate, org in ((desk.estate_a, desk.centre), (desk.estate_b, desk.company), (desk.estate_far, None)):
        late = s.workorder_create(channel="phone", text="路灯不亮", category="facility", level="street", now=now,
                                  place=s.resolve_place(estate=estate), actor=desk.users["street_admin"])
        if org is not None:
            late = s.workorder_dispatch(order=late, to=org, actor=system_actor(), now=now)
            s.workorder_accept(order=late, actor=system_actor(), now=now)
    sweep(now=now + datetime.timedelta(days=30))
    assert WorkOrder.objects.filter(overdue=True).active().exists()
    assert summary.differences() == {}
    return desk


STAFF = ["community_admin", "street_admin", "district_admin", "auditor", "grid_worker", "department_handler",
         "manager_a", "staff_a", "other_street_admin"]


@pytest.mark.parametrize("who", STAFF)
def test_each_tab_counts_the_rows_it_lists(busy, client_for, who):
    client = client_for(who)
    counted = {key: n for key, n in tabs_of(client).items() if n is not None}
    assert counted, "every role has tabs with a number"
    listed = {key: len(rows_of(client, key)) for key in counted}
    assert counted == listed


def test_the_auditor_sees_the_work_in_hand_of_its_district_in_its_tabs(busy, client_for):
    tabs = tabs_of(client_for("auditor"))
    in_hand = WorkOrder.objects.active()
    assert tabs["overdue"] == in_hand.filter(overdue=True).count() > 0
    assert tabs["in_progress"] == in_hand.filter(status__in=["accepted", "in_progress"]).count()
    assert tabs["to_sign"] == in_hand.filter(status="dispatched").count()
    assert sum(n for n in tabs.values() if n) > 0


def test_the_orders_outside_the_area_count_the_same_read_as_rows_or_counted_in_sql(busy, client_for, monkeypatch):
    """``inbox_counts`` reads the few orders in hand a user sees outside their area as rows, and counts them in SQL
    (capped) when there are more than ``REST_ROWS``: both give the tabs the same numbers."""
    from linli.people.models import User
    from linli.workorders import selectors

    # an order of the other street, reported by the street admin through the resident channel: seen outside the area
    street_admin = User.objects.get(username="street_admin")
    s.workorder_create(channel="resident", text="楼道灯坏了", category="facility", now=T0,
                       place=s.resolve_place(estate=busy.estate_far), actor=street_admin)
    with_rest = []
    for who in STAFF:
        user = User.objects.get(username=who)
        _area, rest = selectors.work_in_hand_parts(user)
        if rest is not None and rest.exists():
            with_rest.append(who)
        as_rows = tabs_of(client_for(who))
        monkeypatch.setattr(selectors, "REST_ROWS", 0)
        counted = tabs_of(client_for(who))
        monkeypatch.undo()
        assert as_rows == counted, who
    assert "street_admin" in with_rest
