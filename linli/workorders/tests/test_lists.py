"""The inbox page and ``GET /api/v1/workorders/`` share one filterset (linli/workorders/filters.py) and one rule for
the reporter's contact (selectors.reporter_contact); each list, and each board, reads at most ``BUDGET`` SQL
statements, the same number with 4 orders as with 64."""

import datetime

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.translation import override

from linli.core.testing import error_messages
from linli.workorders import services as s
from linli.workorders import summary
from linli.workorders.filters import WorkOrderFilterSet
from linli.workorders.models import Status, WorkOrder

URL = "/api/v1/workorders/"
BUDGET = 10  # issue 13: inbox and list ≤ 10 statements at any size


def report(world, **kw):
    kw.setdefault("channel", "resident")
    kw.setdefault("text", "1栋楼道灯坏了一个星期了")
    kw.setdefault("place", s.resolve_place(building=world.building_a))
    kw.setdefault("reporter", world.resident)
    kw.setdefault("contact_phone", "13812345678")
    return s.workorder_create(**kw)


def page_codes(client, query):
    response = client.get(f"/workorders/?tab=all&{query}")
    assert response.status_code == 200
    return [o.code for o in response.context["page"]]


def api_codes(client, query):
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 200, response.content
    return [r["code"] for r in response.json()["results"]]


@pytest.fixture
def three(desk):
    """Three orders that the filters tell apart: a resident's urgent light (building level), a phone call about
    noise in estate B (hard, overdue), and a closed walk-in about water received on 2026-11-17 (local time)."""
    light = report(desk, category="facility", urgent=True)
    noise = s.workorder_create(channel="phone", text="楼上噪音", category="neighbor", tier="hard",
                               place=s.resolve_place(estate=desk.estate_b))
    WorkOrder.objects.filter(pk=noise.pk).update(overdue=True)
    water = s.workorder_create(channel="walk_in", text="院坝积水", category="sanitation",
                               place=s.resolve_place(estate=desk.estate_a),
                               now=timezone.make_aware(datetime.datetime(2026, 11, 17, 9, 0)))
    WorkOrder.objects.filter(pk=water.pk).update(status=Status.CLOSED)
    summary.rebuild()  # changed without the services
    return desk, light, noise, water


@pytest.mark.parametrize("query, expected", [
    ("", ["noise", "light", "water"]),
    ("status=dispatched", ["noise", "light"]),
    ("status=closed", ["water"]),
    ("status=closed,dispatched", ["noise", "light", "water"]),  # the API's comma list, on the page too
    ("channel=walk_in", ["water"]),
    ("category=neighbor", ["noise"]),
    ("tier=hard", ["noise"]),
    ("level=building", ["light"]),
    ("urgent=1", ["light"]),  # the page's select
    ("urgent=true", ["light"]),  # the API's boolean
    ("urgent=0", ["noise", "water"]),
    ("overdue=true", ["noise"]),
    ("q=噪音", ["noise"]),
    ("q=樓道燈", ["light"]),  # Traditional input is normalised
    ("since=2026-11-18", ["noise", "light"]),  # the page's date range, in the API too
    ("until=2026-11-17", ["water"]),
])
def test_the_inbox_and_the_api_filter_alike(three, client_for, query, expected):
    desk, light, noise, water = three
    names = {light.code: "light", noise.code: "noise", water.code: "water"}
    client = client_for("street_admin")
    assert [names[c] for c in page_codes(client, query)] == expected
    assert [names[c] for c in api_codes(client, query)] == expected


def test_any_part_of_a_code_finds_the_order_on_the_page_as_in_the_api(three, client_for):
    desk, light, noise, water = three
    client = client_for("street_admin")
    tail = noise.code.split("-")[1]  # the number after the date: the page used to match the start of a code only
    assert noise.code in page_codes(client, f"q={tail}") and noise.code in api_codes(client, f"q={tail}")


def test_a_bad_filter_is_a_400_naming_it_in_the_api_and_left_out_on_the_page(three, client_for):
    desk, light, noise, water = three
    client = client_for("street_admin")
    response = client.get(URL + "?status=dispatched,lost")
    assert response.status_code == 400 and list(error_messages(response)) == ["status"]
    # The page keeps the filters it can read (the channel) and leaves out the one it cannot.
    assert page_codes(client, "status=lost&channel=phone") == [noise.code]


# -- the reporter's contact ----------------------------------------------------------------------------------------


def contact_on_page(client, order):
    context = client.get(f"/workorders/{order.code}/").context
    return context["contact_name"], context["contact_phone"]


def contact_in_api(client, order):
    listed = next(r for r in client.get(URL).json()["results"] if r["code"] == order.code)
    detail = client.get(f"{URL}{order.code}/").json()
    assert (listed["contact_name"], listed["contact_phone"]) == (detail["contact_name"], detail["contact_phone"])
    return detail["contact_name"], detail["contact_phone"]


def test_page_and_api_show_the_reporter_alike(desk, client_for):
    order = report(desk, contact_name="周莲秀")
    seen = {who: contact_in_api(client_for(who), order) for who in ("community_admin", "manager_a", "auditor")}
    assert seen == {"community_admin": ("周莲秀", "13812345678"),  # manages: calls back
                    "manager_a": ("周莲秀", "138****5678"),  # handles: the name, to call on the resident
                    "auditor": ("周**", "138****5678")}
    assert {who: contact_on_page(client_for(who), order) for who in seen} == seen


def test_an_anonymous_report_shows_no_contact_but_to_the_admins_who_manage_it(desk, client_for):
    order = report(desk, contact_name="周莲秀", anonymous=True)
    assert contact_in_api(client_for("manager_a"), order) == ("", "")  # the API used to give it masked
    assert contact_on_page(client_for("manager_a"), order) == ("匿名", "")
    assert contact_in_api(client_for("community_admin"), order) == ("周莲秀", "13812345678")


# -- query budgets -----------------------------------------------------------------------------------------------


def bulk(world, n, *, start=0, **fields):
    now = timezone.now()
    estates = [world.estate_a, world.estate_b]
    # a resident's report names the building and the home: a row shows both (no statement per row to read them)
    places = [{"building": world.building_a, "home": world.home_a1},
              {"building": world.home_b1.building, "home": world.home_b1}]
    orgs = [world.company, world.committee, world.centre]
    statuses = [Status.RECEIVED, Status.DISPATCHED, Status.ACCEPTED, Status.REPLIED, Status.CLOSED]
    WorkOrder.objects.bulk_create(
        WorkOrder(code=f"20261101-{start + i:04d}", channel="phone", text=f"第{i}件", status=statuses[i % 5],
                  street=estates[i % 2].community.parent, community=estates[i % 2].community,
                  estate=estates[i % 2], assignee_org=orgs[i % 3] if i % 5 else None, overdue=i % 4 == 0,
                  needs_triage=i % 5 == 0, contact_name="王小明", contact_phone="13912345678",
                  reply_due=now - datetime.timedelta(hours=i + 1), received_at=now - datetime.timedelta(minutes=i + 1),
                  **{**places[i % 2], **fields})
        for i in range(n))
    summary.rebuild()  # written without the services


PAGES = ["/workorders/", "/workorders/?tab=all", "/workorders/?tab=all&status=dispatched&urgent=0&q=件",
         URL, URL + "?status=dispatched,accepted&limit=100", "/workorders/board/", "/workorders/overdue/"]


def statements(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx.captured_queries)


@pytest.mark.parametrize("who", ["street_admin", "community_admin", "manager_a", "auditor"])
def test_each_list_and_board_reads_a_fixed_number_of_statements_within_the_budget(desk, client_for, who):
    client = client_for(who)
    # each kind of row (waiting, dispatched to an organisation, in hand, overdue) in both estates, so that every page
    # has rows for every role already (an empty page read per part skips the statement of its rows)
    bulk(desk, 10)
    for url in PAGES:
        statements(client, url)  # warm: the per-process memos (divisions, organisations) are filled once
    few = {url: statements(client, url) for url in PAGES}
    bulk(desk, 60, start=100)
    many = {url: statements(client, url) for url in PAGES}
    assert WorkOrder.objects.visible_to(desk.users[who]).count() > 30  # the lists below really grew
    assert many == few  # no statement per order, per organisation or per estate
    assert max(many.values()) <= BUDGET, many


def test_each_inbox_row_links_to_its_order_and_shows_its_reply_due_in_local_time(three, client_for):
    desk, light, noise, water = three
    body = client_for("street_admin").get("/workorders/?tab=all").content.decode()
    for order in (light, noise, water):
        assert f'<a href="/workorders/{order.code}/">{order.code}</a>' in body
    open_due = timezone.localtime(WorkOrder.objects.get(pk=noise.pk).reply_due).strftime("%m-%d %H:%M")
    rows = body.split("<tbody>")[1].split("</tbody>")[0].split("<tr>")[1:]
    due = {code: row.rsplit('<td class="hide-sm nowrap">', 1)[1].split("</td>")[0]
           for code in (noise.code, water.code) for row in rows if code in row}
    assert due == {noise.code: open_due, water.code: "—"}  # a closed order has no time limit left


def test_an_inbox_row_shows_its_tags_place_and_organisation_and_escapes_what_people_wrote(three, client_for):
    desk, light, noise, water = three
    text = '<script>alert(1)</script> & "楼道"' + "很长" * 30
    hostile = s.workorder_create(channel="phone", text=text,
                                 category="facility", place=s.resolve_place(building=desk.building_a))
    WorkOrder.objects.filter(pk=hostile.pk).update(needs_triage=True)
    body = client_for("street_admin").get("/workorders/?tab=all").content.decode()
    rows = {code: row for row in body.split("<tbody>")[1].split("</tbody>")[0].split("<tr>")[1:]
            for code in (light.code, noise.code, hostile.code) if code in row}
    assert "<script>" not in body.split("<tbody>")[1]
    # cut at 40 characters (39 and the ellipsis, "..." in Chinese as Django's truncatechars), then escaped
    assert "<td>&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;楼道&quot;很长很长很...</td>" in rows[hostile.code]
    assert 'class="tag">待分拣</span>' in rows[hostile.code]
    assert '<span class="tag urgent">紧急</span>' in rows[light.code]
    assert '<span class="tag overdue">超期</span>' in rows[noise.code]
    assert f'value="{light.code}"' in rows[light.code]  # an admin's checkbox for bulk dispatch
    light = WorkOrder.objects.select_related("assignee_org", "estate", "building").get(pk=light.pk)
    assert f'<td class="hide-sm">{light.estate.name} {light.building.number}</td>' in rows[light.code]
    assert f'<td class="hide-sm">{light.assignee_org.name}</td>' in rows[light.code]
    assert f'<span class="tag status-dispatched">{Status.DISPATCHED.label}</span>' in rows[light.code]


def test_filtersets_share_their_form_class_but_not_their_values_or_language(db):
    """The form class is built once per process (``WorkOrderFilterSet.get_form_class``): each filterset still reads
    its own request, reports its own errors, and labels its fields in the language of the moment."""
    good = WorkOrderFilterSet(QueryDict("status=dispatched&tier=hard"), queryset=WorkOrder.objects.all())
    bad = WorkOrderFilterSet(QueryDict("status=nonsense&tier=hard"), queryset=WorkOrder.objects.all())
    assert type(good.form) is type(bad.form)
    assert good.is_valid() and good.form.cleaned_data["status"] == ["dispatched"]
    assert not bad.is_valid() and list(bad.form.errors) == ["status"]
    assert good.form.fields["status"] is not bad.form.fields["status"]  # each form copies the fields
    with override("en"):
        english = str(WorkOrderFilterSet(QueryDict(""), queryset=WorkOrder.objects.all()).form["tier"].label)
    with override("zh-hans"):
        chinese = str(WorkOrderFilterSet(QueryDict(""), queryset=WorkOrder.objects.all()).form["tier"].label)
    assert (english, chinese) == ("Tier", "难易")


def test_the_status_select_shows_several_statuses_that_the_address_asks_for(three, client_for):
    client = client_for("street_admin")
    body = client.get("/workorders/?tab=all&status=closed,dispatched").content.decode()
    select = body.split('<select name="status"')[1].split("</select>")[0]
    assert '<option value="closed,dispatched" selected>已结案、已派单</option>' in select
    assert '<option value="" selected>' not in select
    one = client.get("/workorders/?tab=all&status=closed").content.decode().split('<select name="status"')[1]
    assert '<option value="closed" selected>' in one.split("</select>")[0] and "、" not in one.split("</select>")[0]
    # a value outside the choices gets no option of its own (the list ignores it too)
    bad = client.get("/workorders/?tab=all&status=closed,nonsense").content.decode().split('<select name="status"')[1]
    assert "nonsense" not in bad.split("</select>")[0]
