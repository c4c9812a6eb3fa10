"""A round on a weak network (docs/inspection-rounds.md, "Weak network"): a visit kept on the phone and sent late
keeps the time it was made, goes to the round it was made on, is recorded once however often it is sent, and a
problem in it is one work order, with its photo, linked to the facility."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from linli.core.tests.samples import jpeg_with_gps
from linli.facilities import rounds_services as s
from linli.facilities.models import Facility, FacilityFault, FacilityRecord, Round, Visit
from linli.workorders.models import Attachment, WorkOrder

JSON = {"HTTP_ACCEPT": "application/json"}


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


DAY = datetime.date(2026, 3, 10)


@pytest.fixture
def pump(world):
    return Facility.objects.create(estate=world.estate_a, building=world.building_a, kind=Facility.Kind.PUMP,
                                   name="二次供水水泵")


@pytest.fixture
def route(world, pump):
    r = s.route_create(estate=world.estate_a, name="设备巡检", frequency="daily", actor=world.manager_a,
                       starts_on=timezone.localdate() - datetime.timedelta(days=3))
    s.checkpoint_add(route=r, name="水泵房", facility=pump, actor=world.manager_a, checklist=["无异响", "无渗漏"])
    s.checkpoint_add(route=r, name="大门", actor=world.manager_a)
    s.checkpoint_add(route=r, name="屋面", actor=world.manager_a)
    return r


@pytest.fixture
def walked(world, route):
    """The round of 10 March 2026, started at 08:00."""
    return s.round_start(route=route, actor=world.staff_a, now=at(DAY, 8))


def cp(route, position):
    return route.checkpoints.get(position=position)


def photo(name="leak.jpg"):
    return SimpleUploadedFile(name, jpeg_with_gps(), content_type="image/jpeg")


# -- the time a visit was made ----------------------------------------------------------------------------------


def test_a_visit_sent_late_keeps_the_time_it_was_made(world, route, walked):
    visit = s.visit_record(round=walked, checkpoint=cp(route, 1), key="k1", actor=world.staff_a,
                           visited_at=at(DAY, 9, 5), now=at(DAY, 11, 40))
    assert visit.visited_at == at(DAY, 9, 5)
    assert Visit.objects.get().visited_at == at(DAY, 9, 5)
    assert FacilityRecord.objects.get().done_on == DAY


def test_a_claimed_time_in_the_future_is_the_time_the_server_received_it(world, route, walked):
    visit = s.visit_record(round=walked, checkpoint=cp(route, 1), key="k1", actor=world.staff_a,
                           visited_at=at(DAY, 23, 0), now=at(DAY, 10, 0))
    assert visit.visited_at == at(DAY, 10, 0)


def test_a_claimed_time_before_the_round_started_is_the_rounds_start(world, route, walked):
    visit = s.visit_record(round=walked, checkpoint=cp(route, 1), key="k1", actor=world.staff_a,
                           visited_at=at(DAY, 6, 0), now=at(DAY, 10, 0))
    assert visit.visited_at == at(DAY, 8, 0)


def test_without_a_claimed_time_the_visit_is_made_when_it_arrives(world, route, walked):
    visit = s.visit_record(round=walked, checkpoint=cp(route, 1), key="k1", actor=world.staff_a, now=at(DAY, 10))
    assert visit.visited_at == at(DAY, 10)


def test_a_visit_made_after_its_rounds_period_ended_does_not_count_for_it(world, route, walked):
    next_day = DAY + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as e:
        s.visit_record(round=walked, checkpoint=cp(route, 1), key="k1", actor=world.staff_a,
                       visited_at=at(next_day, 0, 20), now=at(next_day, 0, 30))
    assert "round" in e.value.message_dict
    assert not Visit.objects.exists()


def test_a_visit_made_within_the_period_and_sent_the_next_morning_counts_and_the_round_can_finish(world, route,
                                                                                                   walked):
    next_day = DAY + datetime.timedelta(days=1)
    for position, minute in ((1, 10), (2, 30), (3, 50)):
        s.visit_record(round=walked, checkpoint=cp(route, position), key=f"k{position}", actor=world.staff_a,
                       visited_at=at(DAY, 23, minute - 5) if position == 3 else at(DAY, 22, minute),
                       now=at(next_day, 7, 0))
    s.round_finish(round=walked, actor=world.staff_a, now=at(next_day, 7, 1))
    walked.refresh_from_db()
    assert (walked.status, walked.out_of_order, Visit.objects.count()) == ("done", False, 3)


# -- out of order, read from the times ---------------------------------------------------------------------------


def test_out_of_order_is_read_from_when_the_visits_were_made_not_when_they_arrived(world, route, walked):
    # Checkpoint 1 was checked at 09:00 without a connection; 2 at 09:10 online, so it arrived first.
    second = s.visit_record(round=walked, checkpoint=cp(route, 2), key="k2", actor=world.staff_a,
                            visited_at=at(DAY, 9, 10), now=at(DAY, 9, 10))
    walked.refresh_from_db()
    assert (second.out_of_order, walked.out_of_order) == (True, True)  # as far as the server knew then
    first = s.visit_record(round=walked, checkpoint=cp(route, 1), key="k1", actor=world.staff_a,
                           visited_at=at(DAY, 9, 0), now=at(DAY, 9, 30))
    walked.refresh_from_db()
    second.refresh_from_db()
    assert (first.out_of_order, second.out_of_order, walked.out_of_order) == (False, False, False)


def test_a_late_visit_made_after_a_later_checkpoint_leaves_that_one_out_of_order(world, route, walked):
    third = s.visit_record(round=walked, checkpoint=cp(route, 3), key="k3", actor=world.staff_a,
                           visited_at=at(DAY, 9, 0), now=at(DAY, 9, 0))
    s.visit_record(round=walked, checkpoint=cp(route, 1), key="k1", actor=world.staff_a,
                   visited_at=at(DAY, 9, 20), now=at(DAY, 9, 30))
    s.visit_record(round=walked, checkpoint=cp(route, 2), key="k2", actor=world.staff_a,
                   visited_at=at(DAY, 9, 25), now=at(DAY, 9, 40))
    third.refresh_from_db()
    walked.refresh_from_db()
    flags = dict(Visit.objects.values_list("checkpoint__position", "out_of_order"))
    assert flags == {1: False, 2: False, 3: True} and walked.out_of_order is True


def test_order_flags_count_a_visit_made_at_the_same_minute_as_in_order():
    t = at(DAY, 9)
    assert s.order_flags([("a", 1, t), ("b", 2, t), ("c", 3, t - datetime.timedelta(minutes=1))],
                         {1: 1, 2: 2, 3: 3}) == {"a": False, "b": False, "c": True}


# -- a problem sent late ---------------------------------------------------------------------------------------------


def test_a_problem_sent_late_is_one_work_order_with_its_photo_linked_to_the_facility(desk, route, pump, walked):
    found, sent = at(DAY, 9, 0), at(DAY, 10, 30)
    for _ in range(2):  # the phone sends it again: the first answer was lost on the way back
        s.visit_record(round=walked, checkpoint=cp(route, 1), key="phone-7", ok=False, note="水泵漏水",
                       actor=desk.staff_a, photos=[photo()], visited_at=found, now=sent)
    order = WorkOrder.objects.get()
    assert (Visit.objects.count(), Attachment.objects.filter(order=order).count()) == (1, 1)
    fault = FacilityFault.objects.get()
    assert (fault.facility, fault.order, fault.source) == (pump, order, "patrol")
    assert "发现于 2026-03-10 09:00" in order.text  # the dispatcher sees when it was found


def test_a_problem_sent_at_once_says_nothing_about_when_it_was_found(desk, route, walked):
    s.visit_record(round=walked, checkpoint=cp(route, 1), key="k", ok=False, note="漏水", actor=desk.staff_a,
                   visited_at=at(DAY, 9, 0), now=at(DAY, 9, 1))
    assert "发现于" not in WorkOrder.objects.get().text


# -- the page's answer to the phone (JSON) ----------------------------------------------------------------------


@pytest.fixture
def today_round(world, route):
    return s.round_start(route=route, actor=world.staff_a)


def post(client, checkpoint, data, **extra):
    return client.post(f"/facilities/rounds/c/{checkpoint.token}/", data, **JSON, **extra)


def test_the_phone_sends_a_problem_with_its_photo_twice_and_it_is_one_visit_one_order_one_photo(
        desk, route, pump, today_round, client_for):
    client = client_for("staff_a")
    made = timezone.now() - datetime.timedelta(minutes=1)
    if made < today_round.started_at:
        made = today_round.started_at
    answers = []
    for _ in range(2):
        response = post(client, cp(route, 1), {
            "key": "c0ffee", "round": today_round.pk, "made_at": made.isoformat(), "ticked": ["1"], "ok": "0",
            "note": "水泵密封处漏水", "photos": photo()})
        assert response.status_code == 200 and response["Content-Type"] == "application/json"
        answers.append(response.json())
    order = WorkOrder.objects.get()
    visit = Visit.objects.get()
    assert answers[0] == answers[1] == {"visit": visit.pk, "order": order.code, "checkpoint": "水泵房",
                                        "next": f"/facilities/rounds/round/{today_round.pk}/"}
    assert Attachment.objects.filter(order=order).count() == 1
    assert FacilityFault.objects.get().order == order and FacilityFault.objects.get().facility == pump
    assert (visit.visited_at, visit.ticked, visit.round) == (made, [1], today_round)


def test_a_visit_kept_past_midnight_goes_to_the_round_it_was_made_on(world, route, client_for):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    old = s.round_start(route=route, actor=world.staff_a, now=at(yesterday, 10))
    today = s.round_start(route=route, actor=world.staff_a)
    response = post(client_for("staff_a"), cp(route, 1), {
        "key": "late-1", "round": old.pk, "made_at": at(yesterday, 10, 30).isoformat(), "ok": "1"})
    assert response.status_code == 200
    visit = Visit.objects.get()
    assert (visit.round, visit.visited_at) == (old, at(yesterday, 10, 30))
    assert not today.visits.exists()


def test_a_visit_the_server_refuses_is_answered_with_the_reason_and_records_nothing(world, route, today_round,
                                                                                      client_for):
    response = post(client_for("staff_a"), cp(route, 1), {"key": "k", "round": today_round.pk, "ok": "0"})
    assert response.status_code == 400 and "请描述问题" in response.json()["error"]
    assert not Visit.objects.exists() and not WorkOrder.objects.exists()


def test_a_photo_the_upload_gate_refuses_is_refused_to_the_phone_too(world, route, today_round, client_for):
    fake = SimpleUploadedFile("x.jpg", b"not an image at all", content_type="image/jpeg")
    response = post(client_for("staff_a"), cp(route, 1), {"key": "k", "round": today_round.pk, "ok": "0",
                                                          "note": "漏水", "photos": fake})
    assert response.status_code == 400 and response.json()["error"]
    assert not Visit.objects.exists() and not WorkOrder.objects.exists()


def test_a_round_of_another_route_is_404_to_the_phone(world, route, today_round, client_for):
    other = s.route_create(estate=world.estate_a, name="另一条", frequency="daily", actor=world.manager_a)
    s.checkpoint_add(route=other, name="别处", actor=world.manager_a)
    other_round = s.round_start(route=other, actor=world.staff_a)
    response = post(client_for("staff_a"), cp(route, 1), {"key": "k", "round": other_round.pk, "ok": "1"})
    assert response.status_code == 404 and response.json()["error"]
    assert not Visit.objects.exists()


def test_an_anonymous_phone_is_sent_to_sign_in_and_nothing_is_recorded(world, route, today_round):
    response = post(Client(), cp(route, 1), {"key": "k", "round": today_round.pk, "ok": "1"})
    assert response.status_code == 302 and "/login" in response["Location"]
    assert not Visit.objects.exists()


@pytest.mark.parametrize("name", ["stranger", "resident_a", "other_street_admin"])
def test_strangers_get_404_and_nothing_is_recorded(world, route, today_round, client_for, name):
    response = post(client_for(name), cp(route, 1), {"key": "k", "round": today_round.pk, "ok": "1"})
    assert response.status_code == 404
    assert not Visit.objects.exists()


def test_the_auditor_reads_but_may_not_walk_403(world, route, today_round, client_for):
    response = post(client_for("auditor"), cp(route, 1), {"key": "k", "round": today_round.pk, "ok": "1"})
    assert response.status_code == 403 and response.json()["error"]
    assert not Visit.objects.exists()


def test_the_checkpoint_page_carries_the_round_the_time_field_and_the_phones_queue(world, route, today_round,
                                                                                    client_for):
    html = client_for("staff_a").get(f"/facilities/rounds/c/{cp(route, 1).token}/").content.decode()
    assert f'name="round" value="{today_round.pk}"' in html and 'name="made_at"' in html
    assert f'id="round-queue" class="round-queue card" data-user="{world.staff_a.pk}"' in html
    assert "手机上还有 {n} 条巡检记录等待发送" in html
    for page in ("/facilities/rounds/", f"/facilities/rounds/round/{today_round.pk}/"):
        assert 'id="round-queue"' in client_for("staff_a").get(page).content.decode(), page


def test_the_form_without_javascript_still_posts_and_redirects(world, route, today_round, client_for):
    response = client_for("staff_a").post(f"/facilities/rounds/c/{cp(route, 2).token}/", {
        "key": "plain", "round": today_round.pk, "made_at": "", "ok": "1"})
    assert response.status_code == 302 and response["Location"] == f"/facilities/rounds/round/{today_round.pk}/"
    assert Visit.objects.get().round == today_round


def test_the_api_takes_the_time_a_visit_was_made(world, route, today_round, client_for):
    made = max(timezone.now() - datetime.timedelta(minutes=2), today_round.started_at)
    response = client_for("staff_a").post(f"/api/v1/inspection-rounds/{today_round.pk}/visit/", {
        "checkpoint": cp(route, 1).pk, "key": "api-1", "visited_at": made.isoformat()}, content_type="application/json")
    assert response.status_code == 201
    assert Visit.objects.get().visited_at == made
    assert Round.objects.get(pk=today_round.pk).out_of_order is False
