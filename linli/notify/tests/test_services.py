"""notify(): one inbox row per active user, idempotent by key, a delivery per the user's channel written in the same
transaction and sent only after it commits; a rolled-back step leaves nothing and sends nothing."""

import logging

import pytest
from django.db import transaction

from linli.notify import services, tasks
from linli.notify.models import Delivery, DeliveryAttempt, Notification, WeChatBinding
from linli.notify.services import notify, set_channel


def test_one_inbox_row_per_active_user_and_inbox_only_by_default(world, fake, django_capture_on_commit_callbacks):
    world.stranger.is_active = False
    with django_capture_on_commit_callbacks(execute=True):
        rows = notify(users=[world.street_admin, world.street_admin, world.stranger, None], title="停水通知",
                      body="明天 9 点停水", link="/assembly/", kind="notice")
    assert [(n.user, n.title, n.kind, n.link) for n in rows] == [(world.street_admin, "停水通知", "notice", "/assembly/")]
    assert Notification.objects.count() == 1
    assert Delivery.objects.count() == 0 and fake.calls == 0  # no channel chosen: the inbox alone


def test_a_key_makes_the_producer_idempotent_per_user(world, fake):
    notify(users=[world.street_admin], title="a", key="bill:1")
    notify(users=[world.street_admin, world.community_admin], title="a", key="bill:1")
    notify(users=[world.street_admin], title="a", key="bill:1")
    assert sorted(Notification.objects.values_list("user__username", "key")) == [
        ("community_admin", "bill:1"), ("street_admin", "bill:1")]
    notify(users=[world.street_admin], title="without a key")
    notify(users=[world.street_admin], title="without a key")
    assert Notification.objects.filter(key="").count() == 2


@pytest.mark.parametrize("channel, address", [("sms", "13812345678"), ("email", "zhou@example.cn"),
                                              ("wechat", "oWX-openid-0001")])
def test_a_delivery_goes_to_the_chosen_channel_and_address(world, fake, channel, address,
                                                           django_capture_on_commit_callbacks):
    user = world.resident_a  # 周莲秀, phone 13812345678
    user.email = "zhou@example.cn"
    user.save()
    WeChatBinding.objects.create(user=user, openid="oWX-openid-0001")
    set_channel(user=user, channel=channel)
    with django_capture_on_commit_callbacks(execute=True):
        [note] = notify(users=[user], title="您的工单已办结", kind="workorder")
    delivery = Delivery.objects.get()
    assert (delivery.channel, delivery.address, delivery.key) == (channel, address, f"{note.pk}:{channel}")
    assert fake.sent == [(address, "您的工单已办结", f"{note.pk}:{channel}")]
    assert Delivery.objects.get().status == "sent"


def test_users_loaded_without_their_channel_still_get_their_delivery(world, fake):
    set_channel(user=world.resident_a, channel="sms")
    from linli.people.models import User

    notify(users=list(User.objects.filter(username__in=["resident_a", "street_admin"])), title="x")
    assert list(Delivery.objects.values_list("notification__user__username", "channel", "address")) == [
        ("resident_a", "sms", "13812345678")]


@pytest.mark.parametrize("channel", ["sms", "wechat", "email"])
def test_no_address_no_delivery_and_the_reason_is_given(world, fake, channel, caplog):
    user = world.street_admin  # no person (no phone), no openid, no e-mail
    set_channel(user=user, channel=channel)
    with caplog.at_level(logging.INFO, logger="linli.notify"):
        notify(users=[user], title="x")
    assert Notification.objects.count() == 1 and Delivery.objects.count() == 0
    assert services.missing_address_reason(user)  # shown on /notify/settings/ (test_pages)
    assert "has no address" in caplog.text


def test_the_delivery_is_queued_only_after_commit(world, sms_user, fake, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify(users=[sms_user], title="x")
        assert Delivery.objects.get().status == "pending" and fake.calls == 0  # written, not sent
    assert len(callbacks) == 1
    callbacks[0]()
    assert fake.calls == 1 and Delivery.objects.get().status == "sent"


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_leaves_no_delivery_and_sends_nothing(world, sms_user, fake):
    with pytest.raises(RuntimeError), transaction.atomic():
        notify(users=[sms_user], title="退单")
        assert Delivery.objects.count() == 1
        raise RuntimeError("the step fails after notifying")
    assert Notification.objects.count() == 0 and Delivery.objects.count() == 0
    assert fake.calls == 0 and fake.sent == []
    with transaction.atomic():  # the same step committed: sent once, after the commit
        notify(users=[sms_user], title="退单")
        assert fake.calls == 0
    assert [s[1] for s in fake.sent] == ["退单"]
    assert Delivery.objects.get().status == "sent" and DeliveryAttempt.objects.get().kind == "sent"


def test_a_broker_down_leaves_the_delivery_pending_for_the_requeue(world, sms_user, fake, settings, monkeypatch,
                                                                     caplog, django_capture_on_commit_callbacks):
    settings.CELERY_TASK_ALWAYS_EAGER = False

    def down(*args, **kwargs):
        raise ConnectionRefusedError("redis down")

    monkeypatch.setattr(tasks.deliver, "delay", down)
    with django_capture_on_commit_callbacks(execute=True):
        notify(users=[sms_user], title="x")  # the step itself succeeds
    delivery = Delivery.objects.get()
    assert delivery.status == "pending" and fake.calls == 0
    assert "stays pending" in caplog.text
    # The broker is back: the periodic requeue (eager here) finds the delivery once it is 30 s old and sends it.
    settings.CELERY_TASK_ALWAYS_EAGER = True
    Delivery.objects.filter(pk=delivery.pk).update(created_at=delivery.created_at - tasks.LOST_AFTER * 2)
    assert tasks.requeue_deliveries() == 1
    assert fake.calls == 1 and Delivery.objects.get().status == "sent"


def test_masked_addresses():
    assert services.masked_address("sms", "13812345678") != "13812345678"
    assert "5678" in services.masked_address("sms", "13812345678") or "138" in services.masked_address(
        "sms", "13812345678")
    assert services.masked_address("email", "zhou@example.cn") == "z***@example.cn"
    assert services.masked_address("wechat", "oWX-openid-0001") == "oWX-…"


def test_the_statements_do_not_grow_with_the_number_of_users(world, fake, django_assert_max_num_queries):
    from linli.people.models import Person, User

    users = []
    for i in range(30):
        user = User.objects.create_user(username=f"u{i}", person=Person.objects.create(name=f"p{i}",
                                                                                       phone=f"1390000{i:04d}"))
        set_channel(user=user, channel="sms")  # caches the channel on the object, not the person
        users.append(user)
    users += list(User.objects.filter(username__in=["street_admin", "community_admin"]))  # loaded plainly
    with django_assert_max_num_queries(8):  # savepoints, the routes (≤ 3), the inbox rows, the deliveries
        services.notify_many([services.Message(users=[u], title="账单", key=f"bill:{u.pk}") for u in users])
    assert Delivery.objects.count() == 30
    assert set(Delivery.objects.values_list("address", flat=True)) == {f"1390000{i:04d}" for i in range(30)}
