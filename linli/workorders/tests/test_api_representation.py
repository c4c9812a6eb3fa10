"""The work-order serializers write their dicts by hand (building DRF fields for every order cost more than the
rest of an intake request); here they must give exactly what the declared fields give."""

import datetime

from django.test import RequestFactory
from django.utils import timezone
from rest_framework import serializers as drf

from linli.core.text import mask_name
from linli.workorders import selectors
from linli.workorders import serializers as s
from linli.workorders import services as svc
from linli.workorders.models import WorkOrder

NOON = timezone.make_aware(datetime.datetime(2026, 11, 18, 12, 0))


def declared(serializer_class, order, context):
    """What DRF's own ModelSerializer makes of the declared fields (masking applied as the class does)."""
    serializer = serializer_class(context=context)
    data = dict(drf.ModelSerializer.to_representation(serializer, order))
    data["contact_name"], data["contact_phone"] = selectors.reporter_contact(
        context["request"].user, order, manages=serializer._manages(order))
    if "events" in data:
        event = s.EventSerializer(context=context)
        data["events"] = [dict(drf.ModelSerializer.to_representation(event, e)) for e in order.events.all()]
    return data


def orders(desk):
    place = svc.resolve_place(building=desk.building_a)
    routed = svc.workorder_create(channel="resident", text="1栋楼道灯坏了", reporter=desk.resident, place=place,
                                  contact_name="王小明", contact_phone="13912345678", now=NOON)
    svc.workorder_accept(order=routed, actor=desk.manager_a, now=NOON)
    svc.workorder_reply(order=routed, actor=desk.manager_a, text="已修好", now=NOON)
    svc.workorder_visit(order=routed, actor=desk.street_admin, solved=True, satisfaction="satisfied", now=NOON)
    waiting = svc.workorder_create(channel="phone", text="院坝积水", place=svc.resolve_place(community=desk.c1),
                                   now=NOON)
    merged = svc.workorder_create(channel="phone", text="楼道灯坏了", place=place, category="facility", now=NOON)
    svc.workorder_merge(order=merged, into=routed, actor=desk.street_admin, now=NOON)
    return list(WorkOrder.objects.filter(pk__in=[routed.pk, waiting.pk, merged.pk]).select_related(
        "street", "community", "estate", "building", "home", "assignee_org", "duplicate_of"))


def test_the_list_and_detail_dicts_are_those_of_the_declared_fields(desk):
    compared = []
    for who in ("street_admin", "manager_a", "resident_a"):
        request = RequestFactory().get("/")
        request.user = getattr(desk, who)
        context = {"request": request}
        for order in orders(desk) if who == "street_admin" else WorkOrder.objects.all():
            for serializer_class in (s.WorkOrderSerializer, s.WorkOrderDetailSerializer):
                fast = serializer_class(order, context=context).data
                assert dict(fast) == declared(serializer_class, order, context), (who, order.code,
                                                                                  serializer_class.__name__)
                assert list(fast) == list(serializer_class(context=context).fields)  # same keys, same order
                compared.append((who, order.code))
    assert len(compared) == 3 * 3 * 2  # three callers, three orders, list and detail


def test_masking_still_applies_to_those_who_do_not_manage_the_order(desk):
    routed = next(o for o in orders(desk) if o.contact_phone)
    request = RequestFactory().get("/")
    request.user = desk.manager_a  # the handler: the name, not the phone
    data = s.WorkOrderSerializer(routed, context={"request": request}).data
    assert (data["contact_phone"], data["contact_name"]) == ("139****5678", "王小明")
    request.user = desk.auditor  # neither
    data = s.WorkOrderSerializer(routed, context={"request": request}).data
    assert (data["contact_phone"], data["contact_name"]) == ("139****5678", mask_name("王小明"))


def test_the_labels_follow_the_active_language_as_get_display_does(desk):
    from django.utils import translation

    routed = next(o for o in orders(desk) if o.channel == "resident")
    request = RequestFactory().get("/")
    request.user = desk.street_admin
    for language in ("zh-hans", "en", "zh-hans"):
        with translation.override(language):
            data = s.WorkOrderDetailSerializer(routed, context={"request": request}).data
            assert (data["status_display"], data["channel_display"]) == (
                routed.get_status_display(), routed.get_channel_display())
            assert [e["type_display"] for e in data["events"]] == [e.get_kind_display() for e in routed.events.all()]
    with translation.override("en"):
        assert s.WorkOrderSerializer(routed, context={"request": request}).data["status_display"] == "Called back"


def test_the_list_api_gives_each_caller_what_the_serializer_gives_of_the_order_itself(desk, client_for):
    """``GET /api/v1/workorders/`` reads its lines as values (selectors.list_rows): each line must be what the
    declared fields give of the WorkOrder, masking included, for callers who manage, handle, reported or only
    read the orders — whole list and searched by status (read per part on PostgreSQL)."""
    made = orders(desk)
    assert any(o.contact_phone for o in made) and any(o.assignee_org_id for o in made)
    compared = 0
    for who in ("street_admin", "community_admin", "manager_a", "resident_a", "auditor"):
        request = RequestFactory().get("/")
        request.user = getattr(desk, who)
        context = {"request": request}
        client = client_for(who)
        for query in ("", "?status=closed,received,dispatched", "?limit=1&offset=1"):
            response = client.get(f"/api/v1/workorders/{query}")
            assert response.status_code == 200, (who, response.content)
            lines = response.json()["results"]
            expected = WorkOrder.objects.visible_to(request.user).select_related(
                "street", "community", "estate", "building", "home", "assignee_org").order_by("-received_at", "-id")
            if query.startswith("?status"):
                expected = expected.filter(status__in=["closed", "received", "dispatched"])
            if "offset" in query:
                expected = expected[1:2]
            assert [line["code"] for line in lines] == [o.code for o in expected], (who, query)
            for line, order in zip(lines, expected, strict=True):
                want = declared(s.WorkOrderSerializer, order, context)
                assert line == want, (who, query, order.code)
                compared += 1
    assert compared >= 12  # every caller saw some order
