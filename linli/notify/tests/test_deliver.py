"""deliver(): claimed atomically (two workers or a retry send once), the outcome on the row and as a DeliveryAttempt,
back-off after a temporary failure, given up after the last attempt or at once on a permanent one; the requeue."""

import datetime

import pytest
from django.utils import timezone

from linli.notify import tasks
from linli.notify.models import Delivery, DeliveryAttempt
from linli.notify.services import notify

S = Delivery.Status


@pytest.fixture
def delivery(world, sms_user, fake, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):  # written, not yet sent
        notify(users=[sms_user], title="您的工单已派单", kind="workorder")
    return Delivery.objects.get()


def attempts(delivery):
    return list(DeliveryAttempt.objects.filter(delivery=delivery).order_by("pk").values_list("kind", "code"))


def test_success_marks_it_sent(delivery, fake):
    assert tasks.send_delivery(delivery.pk) == S.SENT
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.provider_id) == (S.SENT, 1, "biz-1")
    assert delivery.sent_at is not None and delivery.claimed_until is None
    assert attempts(delivery) == [("sent", "")]


def test_two_workers_send_once(delivery, fake):
    assert tasks.deliver(delivery.pk) == S.SENT
    assert tasks.deliver(delivery.pk) == ""  # the second worker (or a retry of the task) finds it done
    assert len(fake.sent) == 1 and len(attempts(delivery)) == 1


def test_a_claimed_delivery_is_not_taken_by_another_worker_while_the_lease_holds(delivery, fake):
    now = timezone.now()
    assert tasks._claim(delivery.pk, now)  # worker 1 holds it (and is sending)
    assert tasks.send_delivery(delivery.pk, now=now) == ""  # worker 2 at the same time
    assert fake.calls == 0
    # Worker 1 died: after the lease the delivery is claimed again and sent once.
    later = now + tasks.LEASE + datetime.timedelta(seconds=1)
    assert tasks.due_deliveries(later) == [delivery.pk]
    assert tasks.send_delivery(delivery.pk, now=later) == S.SENT
    assert len(fake.sent) == 1


def test_a_temporary_failure_is_retried_with_back_off_then_given_up(delivery, fake):
    fake.reset(*["temp"] * tasks.MAX_ATTEMPTS)
    now = timezone.now()
    for n in range(1, tasks.MAX_ATTEMPTS):
        assert tasks.send_delivery(delivery.pk, now=now) == S.FAILED
        delivery.refresh_from_db()
        assert delivery.attempts == n and delivery.last_code == "isv.BUSINESS_LIMIT_CONTROL"
        assert delivery.next_try_at == now + datetime.timedelta(seconds=tasks.BACKOFF[n - 1])
        assert tasks.send_delivery(delivery.pk, now=now) == ""  # not due yet: nothing sent, nothing counted
        assert tasks.due_deliveries(now) == []
        now = delivery.next_try_at
        assert tasks.due_deliveries(now) == [delivery.pk]
    assert tasks.send_delivery(delivery.pk, now=now) == S.GIVEN_UP
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.next_try_at) == (S.GIVEN_UP, tasks.MAX_ATTEMPTS, None)
    assert [k for k, _c in attempts(delivery)] == ["failed"] * (tasks.MAX_ATTEMPTS - 1) + ["given_up"]
    assert tasks.due_deliveries(now + datetime.timedelta(days=1)) == [] and fake.sent == []


def test_the_back_off_table():
    assert [tasks.backoff(n).total_seconds() for n in range(1, 6)] == [60, 300, 1800, 7200, 21600]
    assert tasks.backoff(1, retry_after=3600).total_seconds() == 3600  # the provider asks for longer
    assert tasks.backoff(3, retry_after=10).total_seconds() == 1800


def test_retry_after_is_honoured(delivery, fake):
    fake.reset(("temp", 3600))
    now = timezone.now()
    tasks.send_delivery(delivery.pk, now=now)
    delivery.refresh_from_db()
    assert delivery.next_try_at == now + datetime.timedelta(hours=1)


def test_a_permanent_failure_is_given_up_at_once(delivery, fake):
    fake.reset("perm")
    assert tasks.send_delivery(delivery.pk) == S.GIVEN_UP
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_code) == (S.GIVEN_UP, 1, "isv.MOBILE_NUMBER_ILLEGAL")
    assert attempts(delivery) == [("given_up", "isv.MOBILE_NUMBER_ILLEGAL")]
    assert tasks.due_deliveries(timezone.now() + datetime.timedelta(days=1)) == []


def test_an_unexpected_error_counts_as_temporary(delivery, fake):
    fake.reset(TimeoutError("read timed out"))
    assert tasks.send_delivery(delivery.pk) == S.FAILED
    delivery.refresh_from_db()
    assert delivery.last_code == "error" and "TimeoutError" in delivery.last_error
    assert attempts(delivery) == [("failed", "error")]


def test_a_missing_channel_class_is_a_temporary_failure_not_a_loss(delivery, fake, settings):
    settings.LINLI_NOTIFY_CHANNELS = {"sms": "linli.notify.channels.nowhere.Sms"}
    assert tasks.send_delivery(delivery.pk) == S.FAILED
    settings.LINLI_NOTIFY_CHANNELS = {"sms": "linli.notify.tests.fakes.FakeChannel"}
    later = timezone.now() + datetime.timedelta(minutes=2)
    assert tasks.send_delivery(delivery.pk, now=later) == S.SENT


def test_the_log_channel_is_the_default_and_masks_the_number(delivery, settings, caplog):
    import logging

    settings.LINLI_NOTIFY_CHANNELS = {}
    with caplog.at_level(logging.INFO, logger="linli.notify"):
        assert tasks.send_delivery(delivery.pk) == S.SENT
    assert "13812345678" not in caplog.text and "您的工单已派单" in caplog.text


def test_requeue_finds_what_is_due_and_sends_it_once(world, sms_user, fake, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        notify(users=[sms_user], title="a")
        notify(users=[sms_user], title="b")
        notify(users=[sms_user], title="c")
    a, b, c = Delivery.objects.order_by("pk")
    now = timezone.now()
    Delivery.objects.filter(pk=a.pk).update(created_at=now - datetime.timedelta(minutes=5))  # its task was lost
    Delivery.objects.filter(pk=b.pk).update(status=S.FAILED, next_try_at=now - datetime.timedelta(seconds=1))
    assert tasks.due_deliveries(now) == [a.pk, b.pk]  # c is fresh: its own task is on the way
    assert tasks.requeue_deliveries() == 2
    assert sorted(s[1] for s in fake.sent) == ["a", "b"]
    assert tasks.requeue_deliveries() == 0
