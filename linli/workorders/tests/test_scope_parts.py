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
    admin's own orders), which is what lets PostgreSQL read one range of ``workorder_street_status_idx``."""
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


def test_an_order_of_the_areas_communities_filed_under_a_street_outside_it_is_seen_once(mixed):
    """The orders of a community whose street is not one of the area's are read per gap between the area's streets
    (``_in_communities_not_streets``): below, between and above them, and with no street at all."""
    from linli.places.models import Division

    elsewhere = Division.objects.create(name="外区", code="500105", level=Division.Level.DISTRICT)
    far = Division.objects.create(name="外区街道", code="500105001", level=Division.Level.STREET, parent=elsewhere)
    assert mixed.street.pk < mixed.c2.pk < mixed.street2.pk < far.pk
    WorkOrder.objects.create(code="20260301-0010", channel=Channel.PHONE, text="外区", street=far, community=mixed.c3,
                             status=Status.CLOSED)
    # a division whose id lies between the district's two streets, standing in for a street of another district
    WorkOrder.objects.create(code="20260301-0011", channel=Channel.PHONE, text="之间", street=mixed.c2,
                             community=mixed.c3, status=Status.VISITED)
    test_the_parts_hold_each_order_the_user_sees_once(mixed)
    district = WorkOrder.objects.visible_to(mixed.users["district_admin"])
    assert {"20260301-0010", "20260301-0011"} <= set(district.values_list("code", flat=True))
    # each part outside the streets tests the communities and one range of streets (no OR for the index to give up on)
    gaps = WorkOrder.objects.visible_parts(mixed.users["district_admin"])[1:-1]
    assert len(gaps) == 4  # no street, below the first, above the last, between the two
    for part in gaps:
        where = str(part.order_by().query).split(" WHERE ")[1]
        assert '"community_id" IN' in where and " OR " not in where, where


@pytest.mark.parametrize("who", ["street_admin", "district_admin", "community_admin"])
def test_a_search_by_status_lists_what_one_statement_lists_newest_first(mixed, client_for, who):
    """A search by several statuses is read per part and per status on PostgreSQL (``selectors.by_parts``): the
    inbox and the API list the same orders in the same order as the plain query over what the user sees."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = mixed.users[who]
    for n in range(12, 40):
        WorkOrder.objects.create(code=f"20260301-{n:04d}", channel=Channel.PHONE, text=f"第{n}件",
                                 street=mixed.street if n % 3 else mixed.street2,
                                 community=mixed.c1 if n % 3 else mixed.c3,
                                 status=(Status.VISITED, Status.CLOSED, Status.DISPATCHED)[n % 3])
    WorkOrder.objects.create(code="20260301-0040", channel=Channel.PHONE, text="分配给我", street=mixed.street2,
                             community=mixed.c3, status=Status.CLOSED, assignee_user=user)  # outside the area
    client = client_for(who)
    for statuses in (["visited", "closed"], ["closed"], ["dispatched", "closed"]):
        expected = list(WorkOrder.objects.visible_to(user).filter(status__in=statuses)
                        .order_by("-received_at", "-id").values_list("code", flat=True))
        assert len(expected) > 5, (who, statuses)
        with CaptureQueriesContext(connection) as ctx:
            page = client.get(f"/workorders/?tab=all&status={','.join(statuses)}").context["page"]
        assert [o.code for o in page] == expected[:30], (who, statuses)
        if connection.vendor == "postgresql" and who != "community_admin" and len(statuses) > 1:
            union = next(q["sql"] for q in ctx.captured_queries if "UNION ALL" in q["sql"])
            assert all(f'"status" = \'{s}\'' in union for s in statuses), union
        api = client.get(f"/api/v1/workorders/?status={','.join(statuses)}&limit=5").json()
        assert [r["code"] for r in api["results"]] == expected[:5], (who, statuses)
        second = client.get(api["next"]).json()
        assert [r["code"] for r in second["results"]] == expected[5:10], (who, statuses)
