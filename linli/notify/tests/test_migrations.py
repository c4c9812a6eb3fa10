"""The data migrations that merge the two old inboxes (workorders.Notification, care.Notification) into
notify.Notification: run on real rows, read_at and created_at kept, the link rebuilt, care's one-per-due rule kept
as the key "care:<plan>:<due>"."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from linli.core.testing import report_order
from linli.notify.models import Notification

BEFORE = [("care", "0002_care_subject_closed_at"), ("workorders", "0010_active_by_street_and_community")]


@pytest.mark.heavy
@pytest.mark.django_db(transaction=True)
def test_the_old_inboxes_move_into_the_one_inbox(vworld):
    from linli.care import services as care

    order = report_order(vworld)
    subject = care.subject_enrol(actor=vworld.community_admin, person=vworld.resident)
    plan = care.plan_create(actor=vworld.community_admin, subject=subject, frequency="weekly",
                            visitors=[vworld.volunteer_a], first_due=timezone.localdate() - datetime.timedelta(days=3))
    Notification.objects.all().delete()  # only the old rows below are to move
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    created = timezone.now() - datetime.timedelta(days=2)
    read = timezone.now() - datetime.timedelta(days=1)
    old.get_model("workorders", "Notification").objects.create(
        user_id=vworld.manager_a.pk, order_id=order.pk, title="新工单", body="楼道灯", created_at=created, read_at=read)
    old.get_model("workorders", "Notification").objects.create(user_id=vworld.manager_a.pk, title="无工单")
    due = plan.next_due
    old.get_model("care", "Notification").objects.create(
        user_id=vworld.volunteer_a.pk, plan_id=plan.pk, due=due, message="周莲秀 的探访已逾期", created_at=created)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    rows = {n.title: n for n in Notification.objects.all()}
    assert set(rows) == {"新工单", "无工单", "周莲秀 的探访已逾期"}
    wo = rows["新工单"]
    assert (wo.user_id, wo.kind, wo.body, wo.link, wo.created_at, wo.read_at) == (
        vworld.manager_a.pk, "workorder", "楼道灯", f"/workorders/{order.code}/", created, read)
    assert rows["无工单"].link == ""
    c = rows["周莲秀 的探访已逾期"]
    assert (c.user_id, c.kind, c.key, c.link, c.created_at, c.read_at) == (
        vworld.volunteer_a.pk, "care", f"care:{plan.pk}:{due.isoformat()}", f"/care/subjects/{subject.pk}/", created,
        None)
    # The one-per-due rule holds across the move: the sweep adds the admin's reminder, not a second one for her.
    care.notify_overdue()
    assert Notification.objects.filter(user=vworld.volunteer_a, kind="care").count() == 1
    assert Notification.objects.filter(user=vworld.community_admin, kind="care").count() == 1
