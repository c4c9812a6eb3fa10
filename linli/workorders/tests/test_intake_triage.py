"""The intake calls the triage: what nobody classified is classified, what the engine is unsure of waits for a
person, urgent signals make an order urgent, and likely repeats are proposed. Also the source's own deadline
(12345's 办理时限) and the per-process memos the intake reads."""

import datetime

import pytest
from django.utils import timezone

from linli.core.testing import post
from linli.people.models import ApiKey
from linli.workorders import routing
from linli.workorders import services as s
from linli.workorders.models import RoutingRule, Status, TimeLimit, WorkOrder

NOON = timezone.make_aware(datetime.datetime(2026, 11, 18, 12, 0))  # a Wednesday


def report(world, text, **kw):
    kw.setdefault("place", s.resolve_place(building=world.building_a))
    kw.setdefault("now", NOON)
    return s.workorder_create(channel="resident", text=text, reporter=world.resident, **kw)


def test_a_confident_proposal_classifies_routes_and_dispatches(desk):
    order = report(desk, "1栋楼道灯坏了一个星期了")
    assert (order.category, order.subcategory, order.tier, order.level) == (
        "facility", "facility.lighting", "easy", "building")
    assert (order.status, order.assignee_org, order.needs_triage) == (Status.DISPATCHED, desk.company, False)
    stored = WorkOrder.objects.get(pk=order.pk).triage
    assert stored["source"] == "engine" and stored["uncertain"] is False and "楼道灯" in stored["keywords"]


def test_the_engine_level_never_goes_below_what_the_place_allows(desk):
    # 楼道灯 is a building matter, but a report about a whole community cannot be settled in one building.
    order = report(desk, "楼道灯坏了", place=s.resolve_place(community=desk.c1))
    assert (order.category, order.level, order.assignee_org) == ("facility", "community", desk.committee)


def test_the_engine_level_sends_a_department_matter_to_the_street(desk):
    order = report(desk, "我想咨询一下社保卡补办和户口迁移需要什么材料", place=s.resolve_place(estate=desk.estate_a))
    assert (order.category, order.level, order.assignee_org) == ("other", "department", desk.centre)


def test_an_uncertain_proposal_waits_in_the_triage_queue(desk, client_for):
    order = report(desk, "院坝积水")
    fresh = WorkOrder.objects.get(pk=order.pk)
    assert (fresh.status, fresh.needs_triage, fresh.category, fresh.assignee_org) == (Status.RECEIVED, True, "", None)
    assert fresh.triage["uncertain"] is True and fresh.triage["category"]  # the guess is kept for the person
    assert [e.kind for e in fresh.events.all()] == ["create"]
    page = client_for("street_admin").get("/workorders/", {"tab": "to_triage"})
    assert order.code in [o.code for o in page.context["page"]]


def test_what_the_caller_chose_wins_over_the_engine(desk):
    order = report(desk, "1栋楼道灯坏了一个星期了", category="service")
    assert (order.category, order.subcategory, order.tier, order.level) == ("service", "", "easy", "building")
    assert order.triage["category"] == "facility"  # the engine's view is kept beside it


def test_a_category_that_agrees_gets_the_engine_subcategory_and_tier_but_keeps_the_place_level(desk):
    order = report(desk, "电梯坏了，老人下不了楼", category="facility")
    assert (order.subcategory, order.tier, order.level) == ("facility.lift", "hard", "building")


def test_an_urgent_signal_makes_the_order_urgent_with_urgent_deadlines(desk):
    order = report(desk, "3单元楼道里一股很重的煤气味，怕是燃气泄漏", category="utilities")
    assert order.urgent is True and order.triage["urgent"] is True
    assert order.accept_due == NOON + datetime.timedelta(hours=1)
    assert order.reply_due == NOON + datetime.timedelta(hours=24)


def test_without_the_engine_nothing_is_guessed(desk):
    order = report(desk, "院坝积水", classify=False)
    assert (order.category, order.triage, order.status, order.assignee_org) == (
        "", {}, Status.DISPATCHED, desk.company)


def test_a_broken_model_never_stops_the_intake(desk, monkeypatch):
    from linli.triage import services as triage_services

    def broken(*args, **kwargs):
        raise OSError("model file missing")

    monkeypatch.setattr(triage_services, "classify", broken)
    order = report(desk, "1栋楼道灯坏了一个星期了")
    assert (order.pk is not None, order.category, order.needs_triage, order.status) == (
        True, "", True, Status.RECEIVED)


def test_a_similar_open_order_of_the_same_estate_is_proposed_as_a_repeat(desk):
    first = report(desk, "1栋楼道灯坏了，晚上看不见")
    other_estate = report(desk, "1栋楼道灯坏了，晚上看不见", place=s.resolve_place(estate=desk.estate_b))
    second = report(desk, "1栋的楼道灯坏了，晚上什么也看不见", now=NOON + datetime.timedelta(hours=2))
    proposals = WorkOrder.objects.get(pk=second.pk).triage["repeats"]
    assert [p["code"] for p in proposals] == [first.code]
    assert other_estate.code not in [p["code"] for p in proposals] and proposals[0]["score"] >= 0.4


def test_a_closed_or_old_order_is_not_proposed(desk):
    old = report(desk, "1栋楼道灯坏了，晚上看不见", now=NOON - datetime.timedelta(days=10))
    assert "repeats" not in report(desk, "1栋楼道灯坏了，晚上看不见").triage
    assert old.pk


def test_the_same_phone_calling_again_is_a_repeated_caller(desk):
    first = report(desk, "门口垃圾没人清运", contact_phone="13900001111", category="sanitation")
    second = report(desk, "楼道灯不亮", contact_phone="13900001111", place=s.resolve_place(estate=desk.estate_b),
                    now=NOON + datetime.timedelta(hours=1))
    assert second.triage["repeated_caller"] == [first.code]


def test_the_order_page_shows_the_proposal_and_the_repeats(desk, client_for):
    first = report(desk, "1栋楼道灯坏了，晚上看不见")
    second = report(desk, "1栋的楼道灯坏了，晚上什么也看不见", now=NOON + datetime.timedelta(hours=2))
    body = client_for("street_admin").get(f"/workorders/{second.code}/").content.decode()
    assert "智能分拣" in body and "楼道灯" in body and first.code in body
    resident = client_for("resident_a").get(f"/workorders/{second.code}/").content.decode()
    assert "智能分拣" not in resident


# -- the source's deadline ------------------------------------------------------------------------------------


def test_a_source_deadline_binds_the_reply_until_the_order_is_reopened(desk):
    due = NOON + datetime.timedelta(days=10)
    order = report(desk, "1栋楼道灯坏了一个星期了", reply_due=due)
    assert (order.status, order.reply_due, order.source_reply_due) == (Status.DISPATCHED, due, due)
    assert "来源办理时限" in order.events.get(kind="create").note
    returned = s.workorder_return(order=order, actor=desk.manager_a, reason="不归我们管", now=NOON)
    again = s.workorder_dispatch(order=returned, to=desk.committee, actor=desk.street_admin, now=NOON)
    assert again.reply_due == due  # a new dispatch keeps the hotline's deadline
    s.workorder_accept(order=again, actor=desk.community_admin, now=NOON)
    s.workorder_reply(order=again, actor=desk.community_admin, text="已修好", now=NOON)
    reopened = s.workorder_reopen(order=again, actor=desk.street_admin, reason="没修好", now=NOON)
    assert reopened.reply_due != due  # a reopened order gets fresh deadlines of its own


def test_a_source_deadline_runs_while_the_order_waits_for_a_person(desk):
    due = NOON + datetime.timedelta(days=3)
    order = report(desk, "院坝积水", reply_due=due)
    assert (order.status, order.reply_due) == (Status.RECEIVED, due)


# -- memos ----------------------------------------------------------------------------------------------------


# The routing table, the time limits and a street's taxonomy are kept in Django's cache (linli/core/memo.py) and
# cleared by whatever writes them, not by signals: each edit below goes through its writer.


def _admin_save(obj):
    from django.contrib import admin
    from django.test import RequestFactory

    from linli.people.models import User

    request = RequestFactory().post("/admin/")
    request.user = User.objects.create_superuser("root", "root@example.org", "x")
    admin.site._registry[type(obj)].save_model(request, obj, form=None, change=obj.pk is not None)


def test_a_routing_rule_saved_on_the_routing_page_takes_effect_at_once(desk, client_for):
    assert report(desk, "1栋楼道灯坏了一个星期了").assignee_org == desk.company
    response = client_for("street_admin").post(f"/workorders/routing/new/?street={desk.street.code}", {
        "priority": 1, "category": "facility", "level": "", "mode": "", "target": "community", "note": ""})
    assert response.status_code == 302
    assert report(desk, "1栋楼道灯坏了一个星期了").assignee_org == desk.committee


def test_a_routing_rule_saved_in_the_admin_takes_effect_at_once(desk):
    assert report(desk, "1栋楼道灯坏了一个星期了").assignee_org == desk.company
    _admin_save(RoutingRule(street=desk.street, priority=1, category="facility", target=RoutingRule.Target.COMMUNITY))
    assert report(desk, "1栋楼道灯坏了一个星期了").assignee_org == desk.committee


def test_a_time_limit_saved_in_the_admin_takes_effect_at_once(desk):
    before = report(desk, "1栋楼道灯坏了一个星期了")
    _admin_save(TimeLimit(street=desk.street, category="facility", urgent=False, accept_hours=5,
                          reply_working_days=1))
    after = report(desk, "1栋楼道灯坏了一个星期了")
    assert before.accept_due == NOON + datetime.timedelta(hours=2)
    assert after.accept_due == NOON + datetime.timedelta(hours=5)


def test_a_changed_street_subcategory_takes_effect_at_once(desk):
    from linli.triage import services as triage

    assert report(desk, "3栋电梯坏了，困人了").level != "street"
    lift = triage.taxonomy_seed(street=desk.street)
    lift = next(item for item in lift if item.code == "facility.lift")
    triage.subcategory_update(item=lift, actor=desk.street_admin, name="电梯", tier="hard", level="street",
                              limit_hours=5)
    assert report(desk, "3栋电梯坏了，困人了").level == "street"


def test_the_cached_table_is_read_from_the_cache_by_a_process_that_has_none(desk):
    assert report(desk, "1栋楼道灯坏了一个星期了").assignee_org == desk.company
    routing.rules_memo._values.clear()  # this process forgets; the shared cache still has the table
    RoutingRule.objects.filter(street=desk.street).delete()  # behind the memo's back: no writer clears it
    assert report(desk, "1栋楼道灯坏了一个星期了").assignee_org == desk.company
    routing.rules_memo.clear()  # what a writer does
    assert report(desk, "1栋楼道灯坏了一个星期了").assignee_org == desk.company  # the default table, unsaved
    assert [r.pk for r in routing.street_rules(desk.street.pk)] == [None] * len(routing.DEFAULT_RULES)


def test_a_bulk_created_default_table_clears_the_memo(world):
    from linli.people.models import Organization

    Organization.objects.create(name="九宫庙街道物业服务中心", kind="property_centre", division=world.street)
    assert [r.pk for r in routing.street_rules(world.street.pk)] == [None] * len(routing.DEFAULT_RULES)
    routing.ensure_default_rules(world.street)
    rules = routing.street_rules(world.street.pk)
    assert len(rules) == len(routing.DEFAULT_RULES) and all(r.pk for r in rules)


# -- the API ----------------------------------------------------------------------------------------------------


def test_the_api_answers_a_new_order_with_its_timeline(desk, client_for):
    response = post(client_for("street_admin"), "/api/v1/workorders/",
                    {"text": "1栋楼道灯坏了一个星期了", "building": desk.building_a.pk})
    assert response.status_code == 201, response.content
    data = response.json()
    assert [e["type"] for e in data["events"]] == ["create", "dispatch"]
    assert (data["category"], data["assignee_org_name"], data["status"]) == ("facility", desk.company.name,
                                                                              "dispatched")
    assert data["events"][0]["actor"] == "street_admin" and data["events"][1]["actor"] == "系统"


@pytest.mark.parametrize("minutes, written", [(0.5, False), (2, True)])
def test_an_api_key_records_its_use_at_most_once_a_minute(desk, minutes, written):
    from django.test import Client

    key = ApiKey.generate()
    used = timezone.now() - datetime.timedelta(minutes=minutes)
    row = ApiKey.objects.create(name="t", user=desk.street_admin, prefix=key[:10], key_hash=ApiKey.hash(key),
                                last_used_at=used)
    assert Client().get("/api/v1/workorders/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
    row.refresh_from_db()
    assert (row.last_used_at != used) is written
