"""The admin corrects what was reported, never what the services change: those changes write events."""

import pytest

from linli.workorders import services as s
from linli.workorders.models import WorkOrder

SERVICE_CHANGED = ["status", "assignee_org", "assignee_user", "accept_due", "reply_due", "source_reply_due", "overdue",
                   "satisfaction", "solved", "reached", "reply_text", "category", "tier", "level", "duplicate_of"]


@pytest.fixture
def order(desk):
    return s.workorder_create(channel="resident", text="1栋楼道灯坏了一个星期了", reporter=desk.resident,
                              place=s.resolve_place(building=desk.building_a))


def test_the_change_form_shows_deadlines_status_and_satisfaction_read_only(order, admin_client):
    response = admin_client.get(f"/admin/workorders/workorder/{order.pk}/change/")
    assert response.status_code == 200
    editable = set(response.context["adminform"].form.fields)
    assert editable & set(SERVICE_CHANGED) == set()
    assert {"text", "contact_phone", "address"} <= editable  # what was reported can still be corrected


def test_posting_a_deadline_or_a_satisfaction_changes_nothing(order, admin_client):
    before = WorkOrder.objects.values("reply_due", "satisfaction", "status").get(pk=order.pk)
    events = list(order.events.values_list("pk", flat=True))
    response = admin_client.post(f"/admin/workorders/workorder/{order.pk}/change/", {
        "channel": "resident", "kind": "help", "text": order.text, "reply_due_0": "2020-01-01", "reply_due_1": "00:00",
        "satisfaction": "satisfied", "status": "closed", "events-TOTAL_FORMS": "0", "events-INITIAL_FORMS": "0"})
    assert response.status_code == 302
    assert WorkOrder.objects.values("reply_due", "satisfaction", "status").get(pk=order.pk) == before
    assert list(order.events.values_list("pk", flat=True)) == events


def test_orders_are_neither_added_nor_deleted_in_the_admin(order, admin_client):
    assert admin_client.get("/admin/workorders/workorder/add/").status_code == 403
    assert admin_client.get(f"/admin/workorders/workorder/{order.pk}/delete/").status_code == 403
