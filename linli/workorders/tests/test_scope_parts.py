"""What a user sees, in disjoint parts (``WorkOrder.objects.visible_parts``): the boards and the inbox tabs count
each part apart and add the counts (each part is then one index range at city scale), so the parts must hold
exactly the orders ``visible_to`` holds, each order once — also an order whose street and community disagree, one
with no street, and one assigned to the user outside their area."""

import pytest

from linli.workorders import summary
from linli.workorders.models import Channel, Status, WorkOrder


@pytest.fixture
def mixed(desk):
    """Orders in hand of both streets, the odd ones, and orders of the cast's own."""
    users = desk.users

    def order(n, **fields):
        return WorkOrder.objects.create(code=f"20260301-{n:04d}", channel=fields.pop("channel", Channel.PHONE),
                                        text=f"第{n}件", status=fields.pop("status", Status.DISPATCHED), **fields)

    order(1, street=desk.street, community=desk.c1, estate=desk.estate_a, assignee_org=desk.committee)
    order(2, street=desk.street, community=desk.c2, estate=desk.estate_b, overdue=True)
    order(3, street=desk.street2, community=desk.c3, assignee_org=desk.company)
    order(4, street=desk.street2, community=desk.c1, estate=desk.estate_a)  # street and community disagree
    order(5, community=desk.c1)  # no street
    order(6, street=desk.street2, community=desk.c3, assignee_user=users["street_admin"], overdue=True)
    order(7, street=desk.street, community=desk.c1, assignee_user=users["street_admin"])
    order(8, street=desk.street2, community=desk.c3, channel=Channel.RESIDENT, created_by=users["community_admin"],
          status=Status.RECEIVED, needs_triage=True)
    order(9, street=desk.street, community=desk.c2, status=Status.CLOSED)
    summary.rebuild()  # written without the services
    return desk


def test_the_parts_hold_each_order_the_user_sees_once(mixed):
    for name, user in mixed.users.items():
        visible = set(WorkOrder.objects.visible_to(user).values_list("code", flat=True))
        parts = [list(part.values_list("code", flat=True)) for part in WorkOrder.objects.visible_parts(user)]
        flat = [c for part in parts for c in part]
        assert (name, sorted(flat)) == (name, sorted(visible))  # each order once: no code twice in ``flat``


def test_a_street_admins_area_is_one_test_of_the_street(mixed):
    """The part that holds nearly all of a street's orders reads by street alone (no OR with the communities or the
    admin's own orders), which is what lets PostgreSQL read one range of ``workorder_street_active_idx``."""
    first = WorkOrder.objects.visible_parts(mixed.users["street_admin"])[0]
    where = str(first.order_by().query).split(" WHERE ")[1]
    assert where == f'"workorders_workorder"."street_id" IN ({mixed.street.pk})'
    assert sorted(first.values_list("code", flat=True)) == [
        "20260301-0001", "20260301-0002", "20260301-0007", "20260301-0009"]


def test_the_dispatch_board_counts_an_order_in_the_area_and_assigned_to_the_admin_once(mixed, client_for):
    counts = client_for("street_admin").get("/workorders/board/").context["counts"]
    # in hand and seen: 1, 2, 4 (community c1), 5 (no street, community c1), 6 (assigned), 7 (in the street and
    # assigned: once)
    assert counts == {"received": 0, "needs_triage": 0, "dispatched": 6, "overdue": 2}


def test_the_inbox_tabs_count_the_admins_own_orders_once(mixed, client_for):
    tabs = {key: n for key, _label, n in client_for("street_admin").get("/workorders/").context["tabs"]}
    assert (tabs["to_sign"], tabs["overdue"]) == (2, 2)  # 6 and 7 are the admin's own; 2 and 6 are overdue


def test_the_overdue_board_counts_per_organisation_across_the_parts(mixed, client_for):
    per_org = client_for("street_admin").get("/workorders/overdue/").context["per_org"]
    assert per_org == [{"assignee_org__name": None, "n": 2}]
