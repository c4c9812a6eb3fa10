"""The inbox and the order list stay cheap however many orders a street has: the tabs count work in hand only, up
to a cap; the lists page without COUNT(*) (a "next page" link instead); a street's orders are found by division id,
with the same answer as the path rule."""

import datetime

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from linli.core.paging import Pager, capped_counts
from linli.workorders import summary, views
from linli.workorders.models import Status, WorkOrder
from linli.workorders.selectors import q_predicate

URL = "/api/v1/workorders/"


def code(i, day=1):
    return f"202601{day:02d}-{i:04d}"


def bulk(world, n, *, status=Status.DISPATCHED, estate=None, day=1, **fields):
    """``n`` orders of one estate (codes ``code(0, day)`` … ``code(n - 1, day)``), the first one the newest."""
    estate = estate or world.estate_a
    now = timezone.now()
    orders = WorkOrder.objects.bulk_create(
        WorkOrder(code=code(i, day), channel="phone", text=f"第{i}件", status=status,
                  street=estate.community.parent, community=estate.community, estate=estate,
                  received_at=now - datetime.timedelta(minutes=i + 1), **fields)
        for i in range(n))
    summary.rebuild()  # written without the services: the work-in-hand summary is recounted
    return orders


def tab_counts(response):
    return {key: n for key, _label, n in response.context["tabs"]}


def full_counts(queries):
    """COUNT statements without a LIMIT: the ones that would read everything the user sees."""
    return [q["sql"] for q in queries if "COUNT(" in q["sql"].upper() and "LIMIT" not in q["sql"].upper()]


# -- the tabs -----------------------------------------------------------------------------------------------


def test_closed_orders_count_in_no_tab_but_are_listed_under_all(desk, client_for):
    bulk(desk, 3, status=Status.CLOSED, overdue=True, needs_triage=True)
    client = client_for("street_admin")
    assert tab_counts(client.get("/workorders/")) == {
        "to_sign": 0, "in_progress": 0, "overdue": 0, "to_visit": 0, "to_triage": 0, "all": None}
    assert [o.code for o in client.get("/workorders/?tab=all").context["page"]] == [code(0), code(1), code(2)]


def test_a_tab_shows_the_cap_with_a_plus_above_it(desk, client_for, monkeypatch):
    monkeypatch.setattr(views.worklists, "TAB_COUNT_CAP", 2)
    bulk(desk, 3, status=Status.REPLIED, day=2)
    bulk(desk, 2, status=Status.RECEIVED, needs_triage=True, day=3)
    response = client_for("street_admin").get("/workorders/")
    body = response.content.decode()
    assert (tab_counts(response)["to_visit"], tab_counts(response)["to_triage"]) == (3, 2)
    assert '待回访<span class="count">2+</span>' in body
    assert '待分拣<span class="count">2</span>' in body
    assert 'data-tab="all">全部</a>' in body  # no number on "all"


def test_each_role_counts_what_is_assigned_to_it(desk, client_for):
    bulk(desk, 2, assignee_org=desk.committee, day=4)
    bulk(desk, 1, assignee_org=desk.centre, day=5)
    bulk(desk, 1, status=Status.ACCEPTED, assignee_org=desk.company, day=6)
    assert (tab_counts(client_for("community_admin").get("/workorders/"))["to_sign"]) == 2
    assert (tab_counts(client_for("street_admin").get("/workorders/"))["to_sign"]) == 1
    assert tab_counts(client_for("manager_a").get("/workorders/")) == {
        "to_sign": 0, "in_progress": 1, "overdue": 0, "all": None}
    assert tab_counts(client_for("other_street_admin").get("/workorders/"))["to_sign"] == 0


def test_the_dispatch_board_counts_exactly_above_the_tab_cap(desk, client_for, monkeypatch):
    monkeypatch.setattr(views.worklists, "TAB_COUNT_CAP", 2)
    bulk(desk, 3, assignee_org=desk.company)
    response = client_for("street_admin").get("/workorders/board/")
    assert response.context["counts"] == {"received": 0, "needs_triage": 0, "dispatched": 3, "overdue": 0}
    assert [(r["assignee_org__name"], r["to_sign"]) for r in response.context["rows"]] == [("重庆锦绣物业服务有限公司", 3)]


def test_the_rows_alone_skip_the_tab_counts(desk, client_for):
    bulk(desk, 1)
    with CaptureQueriesContext(connection) as queries:
        client_for("street_admin").get("/workorders/?tab=all", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="rows")
    assert [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()] == []


# -- pages without a count -------------------------------------------------------------------------------------


def test_the_inbox_pages_with_a_next_link_and_no_count(desk, client_for):
    bulk(desk, views.PAGE_SIZE + 5)
    client = client_for("street_admin")
    with CaptureQueriesContext(connection) as queries:
        first = client.get("/workorders/?tab=all")
    assert full_counts(queries) == []
    page = first.context["page"]
    body = first.content.decode()
    assert ([o.code for o in page][:2], len(page), page.has_next(), page.paginator.count) == (
        [code(0), code(1)], views.PAGE_SIZE, True, None)
    assert "第 1–30 件" in body and 'href="?tab=all&amp;page=2" rel="next"' in body and "第 1 页" in body

    second = client.get("/workorders/?tab=all&page=2")
    page = second.context["page"]
    body = second.content.decode()
    assert ([o.code for o in page], page.has_next(), page.paginator.count) == (
        [code(i) for i in range(30, 35)], False, 35)
    assert "共 35 件" in body and 'rel="next"' not in body and 'rel="prev"' in body and "第 2 / 2 页" in body

    beyond = client.get("/workorders/?tab=all&page=9")
    assert (len(beyond.context["page"]), beyond.context["page"].has_previous()) == (0, True)
    assert "没有工单" in beyond.content.decode() and "件</p>" not in beyond.content.decode()


def test_the_overdue_board_pages_without_a_count(desk, client_for):
    bulk(desk, 2, overdue=True, reply_due=timezone.now() - datetime.timedelta(hours=3), assignee_org=desk.company)
    with CaptureQueriesContext(connection) as queries:
        response = client_for("street_admin").get("/workorders/overdue/")
    assert full_counts([q for q in queries if "GROUP BY" not in q["sql"]]) == []
    assert ([o.code for o in response.context["page"]], response.context["page"].paginator.count) == (
        [code(0), code(1)], 2)


def test_a_pager_reads_any_page_number_as_a_page():
    pager = Pager(list(range(7)), 3)
    assert [list(pager.get_page(n)) for n in ("x", None, "-2", "0")] == [[0, 1, 2]] * 4
    last = pager.get_page("3")
    assert (list(last), last.has_next(), last.start_index(), last.end_index(), pager.count, pager.num_pages) == (
        [6], False, 7, 7, 7, 3)


def test_capped_counts_counts_each_queryset_up_to_the_cap(desk):
    bulk(desk, 4)
    counts = capped_counts({"all": WorkOrder.objects.all(), "one": WorkOrder.objects.filter(code=code(1)),
                            "none": WorkOrder.objects.none()}, 2)
    assert counts == {"all": 3, "one": 1, "none": 0}


# -- the API list ------------------------------------------------------------------------------------------------


def test_the_api_list_follows_next_links_without_a_count(desk, client_for):
    bulk(desk, 5)
    client = client_for("street_admin")
    with CaptureQueriesContext(connection) as queries:
        body = client.get(URL + "?limit=2").json()
    assert full_counts(queries) == []
    assert (sorted(body), body["previous"]) == (["next", "previous", "results"], None)
    codes = [r["code"] for r in body["results"]]
    while body["next"]:
        body = client.get(body["next"]).json()
        assert body["previous"]
        codes += [r["code"] for r in body["results"]]
    assert codes == [code(i) for i in range(5)]


def test_the_api_list_keeps_the_filters_in_the_next_link(desk, client_for):
    bulk(desk, 3)
    bulk(desk, 2, status=Status.REPLIED, day=2)
    body = client_for("street_admin").get(URL + "?status=replied&limit=1").json()
    assert [r["code"] for r in body["results"]] == [code(0, 2)]
    assert "status=replied" in body["next"] and "offset=1" in body["next"]
    assert [r["code"] for r in client_for("street_admin").get(body["next"]).json()["results"]] == [code(1, 2)]


# -- scope by id ---------------------------------------------------------------------------------------------------


def test_the_path_rule_holds_for_an_order_whose_street_and_community_disagree(desk, client_for):
    """Seen by whoever serves its community or its street, as with the path rule (no LIKE, no join)."""
    odd = WorkOrder.objects.create(code="20260109-0001", channel="phone", text="错挂街道", street=desk.street2,
                                   community=desk.c1, estate=desk.estate_a)
    summary.rebuild()
    seen = {who: odd.code in {r["code"] for r in client_for(who).get(URL).json()["results"]}
            for who in ("street_admin", "other_street_admin", "community_admin", "district_admin", "manager_a")}
    assert seen == {"street_admin": True, "other_street_admin": True, "community_admin": True,
                    "district_admin": True, "manager_a": True}
    sql = str(WorkOrder.objects.visible_to(desk.users["street_admin"]).query)
    assert "places_division" not in sql and "LIKE" not in sql.upper()


# -- what a page reads does not grow with its rows ------------------------------------------------------------


def queries_of(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


def test_the_list_and_the_inbox_read_a_fixed_number_of_statements_whatever_the_rows(desk, client_for):
    client = client_for("street_admin")
    bulk(desk, 2, day=4)
    for url in (URL, "/workorders/?tab=all"):
        queries_of(client, url)  # warm: the per-process memos (divisions, organisations) are filled once
    few = {url: queries_of(client, url)[0] for url in (URL, "/workorders/?tab=all")}
    bulk(desk, 25, day=5, estate=desk.estate_b)
    many = {url: queries_of(client, url) for url in (URL, "/workorders/?tab=all")}
    assert len(many[URL][1].json()["results"]) == 27
    assert len(many["/workorders/?tab=all"][1].context["page"]) == 27
    assert {url: n for url, (n, _r) in many.items()} == few  # no statement per order (deferred columns, places)


def test_the_list_answers_the_place_names_and_masks_for_staff_who_do_not_manage(desk, client_for):
    bulk(desk, 1, day=6, contact_phone="13912345678", contact_name="王小明")
    row = client_for("street_admin").get(URL).json()["results"][0]
    assert (row["estate_name"], row["street_name"], row["community_name"]) == (
        desk.estate_a.name, desk.estate_a.community.parent.name, desk.estate_a.community.name)
    assert row["contact_phone"] == "13912345678"  # the street admin manages it
    row = client_for("manager_a").get(URL).json()["results"]
    assert len(row) == 1 and all(r["contact_phone"] in ("", "139****5678") for r in row)


def test_a_new_community_is_seen_at_once_by_the_process_that_made_it(desk, client_for):
    from linli.places.models import Division, Estate

    client = client_for("street_admin")
    assert client.get(URL).json()["results"] == []  # the memo of the street's divisions is filled
    community = Division.objects.create(name="新建社区", code="500104001099", level="community", parent=desk.street)
    estate = Estate.objects.create(name="新建小区", community=community)
    bulk(desk, 1, day=7, estate=estate)
    WorkOrder.objects.filter(estate=estate).update(street=None)  # found through its community alone
    summary.rebuild()
    assert [r["code"] for r in client.get(URL).json()["results"]] == [code(0, 7)]


def test_a_tab_predicate_answers_as_the_database_does_for_and_or_not_and_in(desk):
    """The tab counts test the summary rows in Python (``q_predicate``): the same Q must pick the same orders as
    the database filter, for AND, OR, negation, ``__in`` and a lookup given as ``column`` or ``column__exact``."""
    bulk(desk, 2, status=Status.DISPATCHED)
    bulk(desk, 2, status=Status.ACCEPTED, overdue=True, day=2)
    bulk(desk, 1, status=Status.RECEIVED, needs_triage=True, day=3)
    columns = ("status", "overdue", "needs_triage")
    rows = {pk: dict(zip(columns, values, strict=True))
            for pk, *values in WorkOrder.objects.values_list("pk", *columns)}
    for q in (Q(status=Status.DISPATCHED), Q(status__in=(Status.ACCEPTED, Status.IN_PROGRESS)),
              Q(overdue=True) | Q(needs_triage__exact=True), ~Q(status=Status.DISPATCHED),
              Q(status__in=(Status.DISPATCHED, Status.ACCEPTED)) & ~Q(overdue=True)):
        test = q_predicate(q)
        expected = set(WorkOrder.objects.filter(q).values_list("pk", flat=True))
        assert expected and expected != set(rows), q  # each case tells some orders apart
        assert {pk for pk, row in rows.items() if test(row)} == expected, q


def test_a_tab_predicate_refuses_a_lookup_it_cannot_answer():
    with pytest.raises(ValueError, match="received_at__gte"):
        q_predicate(Q(status="dispatched") & Q(received_at__gte="2026-01-01"))
