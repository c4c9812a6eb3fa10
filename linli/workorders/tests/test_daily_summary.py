"""The daily summary (daily.py) gives exactly the figures rates.compute reads from the orders and events: on the
hand-computed November, on random orders, and after new events and one run of the job."""

import datetime
import random

import pytest

from linli.people.models import User
from linli.places.models import Division
from linli.workorders import daily, rates
from linli.workorders import services as s
from linli.workorders.models import DailyFigures, Status, SummaryMark, WorkOrder
from linli.workorders.tests.test_rates import NOVEMBER, NOW, at, handler, november, report  # noqa: F401


def same(division, period, now):
    """The summary's figures and the direct ones, as the endpoint's JSON (every rate and count, exact)."""
    return (rates.rates_as_dict(daily.compute(division, period)),
            rates.rates_as_dict(rates.compute(division, period, now=now)))


def assert_same(world, period, now):
    divisions = [world.district, world.street, world.c1, world.c2, world.street2, world.c3]
    for division in divisions:
        from_summary, direct = same(division, period, now)
        assert from_summary == direct, division.name


def test_the_summary_gives_the_hand_computed_november(november):  # noqa: F811
    daily.rebuild(now=NOW)
    from_summary, direct = same(november.street, NOVEMBER, NOW)
    assert from_summary == direct
    company = next(r for r in from_summary["by_organization"] if r["id"] == november.company.pk)
    assert (company["dispatched"], company["responded"], company["pending"]) == (4, 2, 1)
    assert company["response_rate"] == "0.5000"
    assert from_summary["counts"]["received"] == 7  # o7 was received on 31 October
    assert_same(november, NOVEMBER, NOW)


def test_a_pending_dispatch_is_settled_by_the_job_once_its_deadline_passes(november):  # noqa: F811
    daily.rebuild(now=NOW)
    later = at(12, 1, 2)
    assert same(november.street, NOVEMBER, later)[0]["total"]["pending"] == 1
    daily.refresh(now=later)
    from_summary, direct = same(november.street, NOVEMBER, later)
    assert from_summary == direct
    assert from_summary["total"]["pending"] == 0


def random_orders(world, rng, first: datetime.datetime, days: int, n: int):
    """``n`` orders over ``days`` days from ``first``, each taken a random part of the way: accepted in time or
    late or never, returned, replied, called back (solved or not, reached or not), reopened, closed; some merged."""
    callback = User.objects.get(username="street_admin")
    estates = [world.estate_a, world.estate_b, world.estate_far]
    made = []
    for _ in range(n):
        when = first + datetime.timedelta(days=rng.randrange(days), hours=rng.randrange(7, 20))
        estate = rng.choice(estates)
        order = s.workorder_create(place=s.resolve_place(estate=estate), now=when, channel=rng.choice(
            ["resident", "phone", "hotline", "walk_in"]), text="楼道灯坏了", reporter=world.resident,
            category=rng.choice(["facility", "sanitation", ""]), tier=rng.choice(["easy", "easy", "hard", "major"]))
        made.append(order)
        if order.status != Status.DISPATCHED or estate == world.estate_far:
            continue
        step = rng.random()
        t = when + datetime.timedelta(hours=rng.choice([1, 3, 30]))
        if step < 0.1:
            continue  # never accepted
        if step < 0.2:
            s.workorder_return(order=order, actor=handler(order), reason="不归我们管", now=t)
            continue
        order = s.workorder_accept(order=order, actor=handler(order), now=t)
        if step < 0.3:
            continue
        t += datetime.timedelta(days=rng.randrange(0, 4), hours=2)
        order = s.workorder_reply(order=order, actor=handler(order), text="已处理", now=t)
        if step < 0.4:
            continue
        t += datetime.timedelta(days=rng.randrange(0, 3), hours=1)
        solved = rng.random() < 0.8
        order = s.workorder_visit(order=order, actor=callback, solved=solved, reached=rng.random() < 0.9,
                                  satisfaction=rng.choice(["satisfied", "basic", "unsatisfied"]), now=t)
        order.refresh_from_db()
        if order.status == Status.VISITED and rng.random() < 0.7:
            s.workorder_close(order=order, actor=callback, now=t + datetime.timedelta(hours=1))
    return made


@pytest.mark.parametrize("seed", [1, 2])
def test_the_summary_equals_the_direct_figures_on_random_orders_and_after_one_run_of_the_job(desk, seed):
    rng = random.Random(seed)
    world = desk
    random_orders(world, rng, at(10, 1, 0), 61, 40)
    t1 = at(12, 1, 12)
    daily.rebuild(now=t1)
    for period in ("2026-10", "2026-11", "2026-Q4", "2026-10-20..2026-11-05"):
        assert_same(world, rates.parse_period(period), t1)
    before = SummaryMark.objects.get(name=daily.MARK).last_event_id

    # New events: fresh orders, late steps of old ones (accepts, callbacks, a merge), then one run of the job.
    random_orders(world, rng, at(11, 20, 0), 12, 15)
    callback = User.objects.get(username="street_admin")
    ours = WorkOrder.objects.filter(estate__in=[world.estate_a, world.estate_b])
    waiting = list(ours.filter(status=Status.DISPATCHED, received_at__lt=at(11, 1, 0)).order_by("pk"))
    for order in waiting[:3]:
        s.workorder_accept(order=order, actor=handler(order), now=at(12, 2, 9))
    replied = list(ours.filter(status=Status.REPLIED).order_by("pk"))
    for order in replied[:3]:
        s.workorder_visit(order=order, actor=callback, solved=True, satisfaction="satisfied", now=at(12, 2, 10))
    pair = list(ours.filter(status=Status.DISPATCHED).order_by("pk")[:2])
    if len(pair) == 2:
        s.workorder_merge(order=pair[1], into=pair[0], actor=callback, now=at(12, 2, 11))
    t2 = at(12, 2, 12)
    result = daily.refresh(now=t2)
    assert result["last_event_id"] > before
    for period in ("2026-10", "2026-11", "2026-12-01..2026-12-02", "2026-Q4"):
        assert_same(world, rates.parse_period(period), t2)
    # And the incremental rows are the rows a rebuild writes.
    kept = sorted(DailyFigures.objects.values_list("day", "division_id", "received", "repeat", "closed", "on_time",
                                                   "by_category", "by_channel", "by_tier", "hotline_by_estate"))
    daily.rebuild(now=t2)
    assert kept == sorted(DailyFigures.objects.values_list(
        "day", "division_id", "received", "repeat", "closed", "on_time", "by_category", "by_channel", "by_tier",
        "hotline_by_estate"))


def test_repeats_on_time_and_hotline_per_estate_are_counted_per_day(desk):
    world = desk
    home = world.home_a1
    first = s.workorder_create(place=s.resolve_place(home=home), now=at(11, 2, 9), channel="hotline",
                               text="楼道灯坏了", category="facility")
    s.workorder_create(place=s.resolve_place(home=home), now=at(11, 20, 9), channel="hotline", text="灯又坏了",
                       category="facility")  # the same home and category within 30 days: a repeat
    s.workorder_create(place=s.resolve_place(home=home), now=at(11, 21, 9), channel="phone", text="垃圾没人清",
                       category="sanitation")  # another category: not a repeat
    callback = User.objects.get(username="street_admin")
    order = s.workorder_accept(order=first, actor=handler(first), now=at(11, 2, 10))
    order = s.workorder_reply(order=order, actor=handler(order), text="已换灯", now=at(11, 3, 9))
    order = s.workorder_visit(order=order, actor=callback, solved=True, satisfaction="satisfied", now=at(11, 4, 9))
    s.workorder_close(order=order, actor=callback, now=at(11, 4, 10))
    daily.rebuild(now=NOW)
    fig = daily.figures_of([world.c1.pk], NOVEMBER.first_day, NOVEMBER.last_day)
    assert (fig.received, fig.repeat, fig.closed, fig.on_time) == (3, 1, 1, 1)
    assert dict(fig.hotline_by_estate) == {str(world.estate_a.pk): 2}
    assert dict(fig.by_channel) == {"hotline": 2, "phone": 1}
    district = daily.figures_of([world.district.pk], NOVEMBER.first_day, NOVEMBER.last_day)
    assert district.received == 3
    assert daily.figures_by_day([world.street.pk], NOVEMBER.first_day, NOVEMBER.last_day) == {
        datetime.date(2026, 11, 2): 1, datetime.date(2026, 11, 20): 1, datetime.date(2026, 11, 21): 1}
    assert Division.objects.get(pk=world.c1.pk).level == "community"


def test_the_rates_page_and_endpoint_read_the_summary_with_the_same_figures(november, client_for):  # noqa: F811
    daily.rebuild(now=NOW)
    daily.refresh()  # the job, now: o8's accept deadline has passed since NOW
    direct = rates.rates_as_dict(rates.compute(november.street, NOVEMBER))
    # A summary row changed behind its back: the page and the endpoint read it (and nothing else changed it back).
    DailyFigures.objects.filter(division=november.street, day=datetime.date(2026, 11, 2)).update(received=100)
    client = client_for("street_admin")
    body = client.get(f"/api/v1/workorders-rates/?division={november.street.code}&period=2026-11").json()
    assert body["counts"]["received"] == direct["counts"]["received"] + 99
    body["counts"]["received"] = direct["counts"]["received"]
    assert body == direct
    page = client.get(f"/workorders/rates/{november.street.code}/?period=2026-11")
    assert page.status_code == 200
    assert page.context["figures"].received == direct["counts"]["received"] + 99


def test_the_periodic_job_brings_the_summary_up_to_the_last_event(desk):
    from linli.celery import app
    from linli.workorders import tasks  # noqa: F401 (registers the task)

    daily.rebuild(now=NOW)
    s.workorder_create(place=s.resolve_place(estate=desk.estate_a), now=at(11, 29, 9), channel="phone",
                       text="楼道灯坏了")
    result = app.tasks["linli.workorders.tasks.refresh_summary"].apply(kwargs={"now": NOW.isoformat()})
    assert result.successful(), result.traceback
    assert daily.figures_of([desk.street.pk], NOVEMBER.first_day, NOVEMBER.last_day).received == 1
