"""Joint meetings moved from the work-order app to this one without losing a row: a database at the work-order
app's last migrations before the move (workorders 0007), with a joint meeting in it, migrates forward and the
meeting, its invite, its linked order and its task are all there, under this app, with their keys."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from linli.meetings.models import JointMeeting, JointMeetingInvite, JointMeetingOrder, JointMeetingTask
from linli.workorders import services as s

BEFORE = [("workorders", "0007_fewer_single_column_indexes"), ("meetings", None)]


def migrate(targets=None):
    """Migrate the test database to ``targets`` (the latest of every app if None); return the state's apps."""
    executor = MigrationExecutor(connection)
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state([t for t in targets if t[1] is not None]).apps


@pytest.mark.heavy
@pytest.mark.django_db(transaction=True)
def test_a_database_from_before_the_move_keeps_its_meetings(desk):
    order = s.workorder_create(channel="resident", text="小区围墙倒塌，占用人行道", reporter=desk.resident,
                               place=s.resolve_place(estate=desk.estate_a))
    task_order = s.workorder_create(channel="joint_meeting", text="清运围墙倒塌的建筑垃圾", actor=desk.street_admin,
                                    place=s.resolve_place(street=desk.street), auto_route=False)
    at = timezone.now() + datetime.timedelta(days=1)
    try:
        old = migrate(BEFORE)
        with connection.cursor() as cursor:
            assert "workorders_jointmeeting" in connection.introspection.table_names(cursor)
        meeting = old.get_model("workorders", "JointMeeting").objects.create(
            street_id=desk.street.pk, title="围墙倒塌处置", scheduled_at=at, convened_by_id=desk.street_admin.pk,
            minutes="城管清运", status="held")
        invite = old.get_model("workorders", "JointMeetingInvite").objects.create(
            meeting=meeting, department_id=desk.department.pk, invited_by_id=desk.street_admin.pk,
            reported_at=at, reported_by_id=desk.department_handler.pk, attendees="王科长")
        link = old.get_model("workorders", "JointMeetingOrder").objects.create(
            meeting=meeting, order_id=order.pk, added_by_id=desk.street_admin.pk)
        task = old.get_model("workorders", "JointMeetingTask").objects.create(
            meeting=meeting, order_id=task_order.pk, department_id=desk.department.pk, deadline=at.date(),
            created_by_id=desk.street_admin.pk)
    finally:
        migrate()

    with connection.cursor() as cursor:
        tables = set(connection.introspection.table_names(cursor))
    assert {"meetings_jointmeeting", "meetings_jointmeetingtask"} <= tables
    assert not {t for t in tables if t.startswith("workorders_jointmeeting")}
    moved = JointMeeting.objects.get(pk=meeting.pk)
    assert (moved.title, moved.street_id, moved.status, moved.minutes) == ("围墙倒塌处置", desk.street.pk, "held",
                                                                           "城管清运")
    assert JointMeetingInvite.objects.get(pk=invite.pk).attendees == "王科长"
    assert JointMeetingOrder.objects.get(pk=link.pk).order_id == order.pk
    assert JointMeetingTask.objects.get(pk=task.pk).order_id == task_order.pk
    assert list(order.meeting_links.values_list("meeting_id", flat=True)) == [meeting.pk]
    # New rows get keys after the moved ones (the key sequence came along with the table).
    newer = JointMeeting.objects.create(street=desk.street, title="第二次", scheduled_at=at, convened_by=desk.street_admin)
    assert newer.pk > meeting.pk
