"""The work-in-hand summary (``WorkInHand``) equals a GROUP BY of the orders after any sequence of the steps that
change an order (intake, dispatch, accept, start, return, reply, callback with and without reopening, close,
reopen, extensions, supervision, escalation, merge of duplicates, cancel, reclassify, the deadline sweep, the
admin's place correction), and the boards and tabs that read it show what the orders say."""

import datetime
import random

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db.models import Count, Q

from linli.core.errors import Conflict
from linli.people.actors import system_actor
from linli.workorders import selectors, summary
from linli.workorders import services as s
from linli.workorders.models import Status, WorkInHand, WorkOrder
from linli.workorders.services import dispatch, steps
from linli.workorders.sweep import sweep

T0 = datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.UTC)  # a Monday


@pytest.fixture
def anyone(monkeypatch):
    """Who may take a step is tested elsewhere (test_permissions): here every step is allowed to the actor."""
    for module in (steps, dispatch):
        for name in ("can_handle", "can_manage", "can_rate"):
            if hasattr(module, name):
                monkeypatch.setattr(module, name, lambda user, order: True)


def create(world, rng, now):
    estate = rng.choice([world.estate_a, world.estate_b, world.estate_far])
    return s.workorder_create(channel=rng.choice(["phone", "walk_in", "grid"]), text="楼道灯不亮",
                              category=rng.choice(["facility", "", "sanitation"]), place=s.resolve_place(estate=estate),
                              now=now, actor=world.users["street_admin"])


STEP = {"extend": "request_extension", "decide": "decide_extension"}
FORWARD = {"received": "dispatch", "dispatched": "accept", "accepted": "start", "in_progress": "reply",
           "replied": "visit", "visited": "close", "closed": "reopen"}


def step(world, rng, order, now):
    """One step chosen at random among those that may apply; a refused step (wrong status) changes nothing."""
    actor = system_actor()
    orgs = [world.company, world.committee, world.committee2, world.centre]
    order = WorkOrder.objects.get(pk=order.pk)
    names = ["dispatch", "accept", "start", "return", "reply", "visit", "close", "reopen", "extend", "decide",
             "supervise", "escalate", "merge", "cancel", "reclassify"]
    allowed = [n for n in names if order.status in s.TRANSITIONS[STEP.get(n, n)][0]]
    # mostly the next step of the order's life or another step its status allows (so that the walk gets far:
    # callbacks, reopening), sometimes any step
    roll = rng.random()
    name = (FORWARD[order.status] if roll < 0.5 and order.status in FORWARD
            else rng.choice(allowed if allowed and roll < 0.9 else names))
    calls = {
        "dispatch": lambda: s.workorder_dispatch(order=order, to=rng.choice(orgs), actor=actor, now=now,
                                                 person=rng.choice([None, world.users["street_admin"]])),
        "accept": lambda: s.workorder_accept(order=order, actor=actor, now=now),
        "start": lambda: s.workorder_start(order=order, actor=actor, now=now),
        "return": lambda: s.workorder_return(order=order, actor=actor, reason="不归我们管", now=now),
        "reply": lambda: s.workorder_reply(order=order, actor=actor, text="已修好", now=now),
        "visit": lambda: s.workorder_visit(order=order, actor=actor, solved=rng.random() < 0.6,
                                           satisfaction=rng.choice(["satisfied", "unsatisfied"]), now=now),
        "close": lambda: s.workorder_close(order=order, actor=actor, now=now),
        "reopen": lambda: s.workorder_reopen(order=order, actor=actor, reason="没修好", now=now),
        "extend": lambda: s.workorder_request_extension(order=order, actor=actor, days=3, reason="等配件", now=now),
        "decide": lambda: s.workorder_decide_extension(order=order, actor=actor, approve=rng.random() < 0.5,
                                                       now=now),
        "supervise": lambda: s.workorder_supervise(order=order, actor=actor, note="抓紧", now=now),
        "escalate": lambda: s.workorder_escalate(order=order, actor=actor, reason="办不了", now=now),
        "merge": lambda: s.workorder_merge(order=order, into=rng.choice(list(WorkOrder.objects.exclude(pk=order.pk))
                                                                         or [order]), actor=actor, now=now),
        "cancel": lambda: s.workorder_cancel(order=order, actor=actor, reason="重复", now=now),
        "reclassify": lambda: s.workorder_reclassify(order=order, actor=actor, category="facility", now=now),
    }
    try:
        calls[name]()
    except (ValidationError, Conflict):
        pass


def group_by_orders(by, where=None):
    """The same figures straight from the orders, as ``work_in_hand`` gives them."""
    rows = WorkOrder.objects.active().filter(where or Q()).values_list(*by).annotate(n=Count("pk")).order_by()
    return {tuple(r[:-1]): r[-1] for r in rows}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_summary_equals_a_group_by_of_the_orders_after_random_steps(desk, anyone, seed):
    rng = random.Random(seed)
    now = T0
    orders = []
    for _ in range(60):
        now += datetime.timedelta(hours=rng.choice([0.1, 1, 3, 30]))
        roll = rng.random()
        if roll < 0.25 or not orders:
            orders.append(create(desk, rng, now))
        elif roll < 0.33:
            sweep(now=now)  # reminders, overdue flags, escalations of what was not accepted or replied in time
        else:
            order = rng.choice(orders)
            for _ in range(rng.randint(1, 5)):  # a few steps in a row, so that orders get to callbacks and reopening
                step(desk, rng, order, now)
                now += datetime.timedelta(minutes=10)
                assert summary.differences() == {}
    # the walk went through the states it is meant to test
    assert WorkOrder.objects.active().exists()
    assert WorkOrder.objects.filter(status__in=[Status.CLOSED, Status.MERGED, Status.CANCELLED]).exists()
    assert WorkOrder.objects.filter(reopen_count__gt=0).exists()


def test_the_sweep_moves_an_overdue_order_to_the_overdue_row(desk, anyone):
    """At the street's level an order not replied in time stays overdue (no level above to escalate to)."""
    order = s.workorder_create(channel="phone", text="路灯不亮", category="facility", level="street", now=T0,
                               place=s.resolve_place(estate=desk.estate_a), actor=desk.users["street_admin"])
    order = s.workorder_dispatch(order=order, to=desk.centre, actor=system_actor(), now=T0)
    s.workorder_accept(order=order, actor=system_actor(), now=T0)
    assert sweep(now=T0 + datetime.timedelta(days=30)).overdue == [order.code]
    assert WorkOrder.objects.get(pk=order.pk).overdue
    assert summary.stored_counts() == {
        (desk.street.pk, desk.c1.pk, desk.centre.pk, 0, Status.ACCEPTED, True, False): 1}
    assert summary.differences() == {}


def test_a_corrected_street_in_the_admin_moves_the_order(desk, client_for, anyone):
    from django.contrib.auth import get_user_model

    order = create(desk, random.Random(0), T0)
    get_user_model().objects.create_superuser("root", "root@example.com", "pw-root-123456")
    from django.http import HttpRequest
    from django.test import Client

    admin = Client()
    assert admin.login(username="root", password="pw-root-123456", request=HttpRequest())
    order = WorkOrder.objects.get(pk=order.pk)
    form = {f: getattr(order, f) or "" for f in ("channel", "external_id", "kind", "title", "text", "contact_name",
                                                     "contact_phone", "address", "subcategory")}
    form.update(street=desk.street2.pk, community=desk.c3.pk, estate=desk.estate_far.pk, reporter="",
                building="", home="", latitude="", longitude="", category=order.category,
                **{"events-TOTAL_FORMS": "0", "events-INITIAL_FORMS": "0"})
    before = dict(summary.stored_counts())
    response = admin.post(f"/admin/workorders/workorder/{order.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert WorkOrder.objects.get(pk=order.pk).street_id == desk.street2.pk
    assert summary.stored_counts() != before
    assert summary.differences() == {}


def test_rebuild_recounts_what_was_written_around_the_services(desk, anyone):
    order = create(desk, random.Random(0), T0)
    WorkOrder.objects.filter(pk=order.pk).update(status=Status.CLOSED)
    assert summary.differences() != {}
    with pytest.raises(SystemExit):
        call_command("rebuild-work-in-hand", "--check", stdout=open("/dev/null", "w"))
    call_command("rebuild-work-in-hand", stdout=open("/dev/null", "w"))
    assert summary.differences() == {}
    assert WorkInHand.objects.filter(n__gt=0).count() == 0


# -- the reads ----------------------------------------------------------------------------------------------------


def test_work_in_hand_gives_what_a_group_by_of_the_visible_orders_gives(desk, anyone):
    rng = random.Random(5)
    orders = [create(desk, rng, T0) for _ in range(12)]
    for order in orders:
        step(desk, rng, order, T0 + datetime.timedelta(hours=2))
    odd = WorkOrder.objects.create(code="20260109-0001", channel="phone", text="错挂街道", street=desk.street2,
                                   community=desk.c1, estate=desk.estate_a, assignee_org=desk.company)
    mine = WorkOrder.objects.create(code="20260109-0002", channel="phone", text="派给我的", street=desk.street2,
                                    community=desk.c3, assignee_user=desk.users["street_admin"], overdue=True)
    summary.rebuild()
    by = ("assignee_org_id", "status", "overdue", "needs_triage")
    for name, user in desk.users.items():
        expected = {k: n for k, n in group_by_orders(by, Q(pk__in=WorkOrder.objects.visible_to(user))).items()}
        assert (name, selectors.work_in_hand(user, by=by)) == (name, expected)
    # both in the street admin's figures: outside the street, seen all the same
    street_admin = desk.users["street_admin"]
    assert selectors.work_in_hand(street_admin, by=("assignee_user_id", "street_id")) == group_by_orders(
        ("assignee_user_id", "street_id"), Q(pk__in=WorkOrder.objects.visible_to(street_admin)))
    assert mine.pk in set(WorkOrder.objects.visible_to(street_admin).values_list("pk", flat=True))
    assert odd.pk in set(WorkOrder.objects.visible_to(desk.users["street_admin"]).values_list("pk", flat=True))
    assert selectors.work_in_hand(desk.users["street_admin"], by=("overdue",), where=Q(overdue=True)) == \
        group_by_orders(("overdue",), Q(overdue=True) & Q(pk__in=WorkOrder.objects.visible_to(
            desk.users["street_admin"])))
    # a division: everything under it
    assert selectors.work_in_hand(desk.street, by=("community_id",)) == group_by_orders(
        ("community_id",), Q(street=desk.street) | Q(community__in=[desk.c1, desk.c2]))
    assert selectors.work_in_hand(desk.district, by=("status",)) == group_by_orders(("status",))
