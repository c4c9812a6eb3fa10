"""The daily reminder: inspections and maintenance contracts falling due within 30 days reach the estate's property
manager and community admin through linli.notify, once per facility, what and date."""

import datetime

import pytest

from linli.facilities import services
from linli.notify.models import Notification

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def test_an_inspection_due_in_two_weeks_is_reminded_once_to_the_manager_and_the_community_admin(world, lift, today):
    services.record_add(actor=world.staff_a, facility=lift, kind="statutory", done_on=today - 350 * DAY,
                        next_due=today + 14 * DAY)
    assert services.notify_due(today=today) == 2
    rows = Notification.objects.filter(kind="facility").order_by("user__username")
    assert [(n.user.username, n.link) for n in rows] == [("community_admin", f"/facilities/{lift.pk}/"),
                                                        ("manager_a", f"/facilities/{lift.pk}/")]
    assert rows[0].title == f"锦霞小区 1栋1单元电梯 的法定检验将于 {(today + 14 * DAY).isoformat()} 到期（还有 14 天）"
    assert services.notify_due(today=today) == 0  # running it twice sends nothing new
    assert services.notify_due(today=today + DAY) == 0
    assert Notification.objects.filter(kind="facility").count() == 2


def test_a_new_due_date_is_a_new_reminder(world, lift, today):
    services.record_add(actor=world.staff_a, facility=lift, kind="statutory", done_on=today - 350 * DAY,
                        next_due=today + 14 * DAY)
    services.notify_due(today=today)
    services.record_add(actor=world.staff_a, facility=lift, kind="statutory", done_on=today - 340 * DAY,
                        next_due=today + 20 * DAY)
    assert services.notify_due(today=today) == 2


def test_a_contract_ending_and_an_overdue_inspection_are_reminded_not_far_ones_or_retired(world, lift, today):
    services.facility_register(actor=world.street_admin, estate=world.estate_a, kind="fire", name="灭火器",
                               contract_end=today + 25 * DAY, inspection_due=today - 3 * DAY)
    gone = services.facility_register(actor=world.street_admin, estate=world.estate_a, kind="pump", name="旧泵",
                                      inspection_due=today + 5 * DAY)
    services.facility_retire(actor=world.street_admin, facility=gone, reason="拆除")
    assert services.notify_due(today=today) == 4  # two things of the extinguishers, to two people; not the lift
    titles = set(Notification.objects.filter(user=world.manager_a).values_list("title", flat=True))
    assert titles == {f"锦霞小区 灭火器 的维保合同将于 {(today + 25 * DAY).isoformat()} 到期（还有 25 天）",
                      f"锦霞小区 灭火器 的法定检验已过期 3 天（{(today - 3 * DAY).isoformat()} 到期）"}


def test_the_daily_task_runs_the_reminder(world, lift, today):
    from linli.facilities.tasks import remind_due_inspections

    services.record_add(actor=world.staff_a, facility=lift, kind="statutory", done_on=today - 350 * DAY,
                        next_due=today + 14 * DAY)
    result = remind_due_inspections.apply()
    assert result.successful(), result.traceback
    assert result.result == {"notified": 2}
