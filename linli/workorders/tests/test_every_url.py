"""Every work-order page, walked from the URL table itself: a visitor who is not signed in is sent to sign in (or
refused), a signed-in stranger (no role) is refused on GET and on POST and changes nothing, and the street admin
opens every page. A new URL that is not given its objects below fails here, so it cannot ship untested."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, reverse
from django.utils import timezone

from linli.people.models import Person
from linli.workorders import services as s
from linli.workorders.models import Attachment, RoutingRule, WorkOrder, WorkOrderEvent
from linli.workorders.urls import urlpatterns

# The resident's QR page is public by design (the token is the poster); tests/test_pages_intake.py covers it.
# The poster's go link is public too (residents/tests/test_links.py covers it).
PUBLIC = {"report", "reported", "go"}
# Pages that only take a POST (the stranger's POST is tested on every URL).
POST_ONLY = {"bulk_dispatch", "order_act", "routing_defaults"}
# (Notifications moved to linli.notify in issue 14: linli/notify/tests/test_pages.py walks them.)
OWN = set()
# Query strings the street admin's GET needs; and pages that redirect to their first view.
QUERY = {"place_options": "?part=buildings&estate={estate}"}
REDIRECTS = {"rates": "/workorders/rates/"}
# Pages for roles other than the street admin (what they answer the admin is checked in their own tests).
NOT_FOR_THE_ADMIN = {"mine", "report_mine",
                     # issue 19 (reach): a committee member's read-only view (tests/test_committee_view.py)
                     "committee_orders", "committee_order"}


def names(patterns=urlpatterns):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from names(p.url_patterns)
        elif isinstance(p, URLPattern) and p.name:
            yield p.name


@pytest.fixture
def objects(desk):
    """One object of each kind a URL names, in the desk street, made through the services."""
    noon = timezone.now() - datetime.timedelta(hours=2)
    order = s.workorder_create(channel="resident", text="楼道灯坏了", reporter=desk.resident,
                               place=s.resolve_place(building=desk.building_a), category="facility", now=noon)
    event = WorkOrderEvent.objects.filter(order=order).first()
    attachment = Attachment.objects.create(order=order, event=event, file=SimpleUploadedFile("a.jpg", b"jpegbytes"))
    return {
        "code": order.code, "token": "x", "action": "accept",
        "poster_estate": desk.estate_a.pk, "poster_building": desk.building_a.pk,
        "desk_pick": Person.objects.filter(occupancies__home__building__estate=desk.estate_a).first().pk,
        "routing_edit": RoutingRule.objects.filter(street=desk.street).first().pk,
        "order_file": attachment.pk,
        "rates_division": desk.street.code, "estate": desk.estate_a.pk,
    }


def url_of(name, objects):
    kwargs = {}
    if name in ("order", "order_act", "order_file", "committee_order"):
        kwargs["code"] = objects["code"]
    if name == "order_act":
        kwargs["action"] = objects["action"]
    if name in ("report", "reported"):
        kwargs["token"] = objects["token"]
    if name == "reported":
        kwargs["code"] = objects["code"]
    if name == "rates_division":
        kwargs["code"] = objects["rates_division"]
    if name in ("poster_estate", "poster_building", "desk_pick", "routing_edit", "order_file"):
        kwargs["pk"] = objects[name]
    return reverse(f"workorders:{name}", kwargs=kwargs)


ALL = sorted(set(names()) - PUBLIC)
# A POST-only page open to any signed-in user answers a GET with 405 before its gatekeeper runs (the answer is
# the same whether the row exists or not); the staff-only ones answer a stranger 404 first.
METHOD_FIRST = {("order_act", "get")}


def test_the_table_is_walked_whole():
    assert {"inbox", "order", "order_act", "board", "overdue", "routing", "rates"} <= set(ALL)


@pytest.mark.parametrize("name", ALL)
def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in(objects, client, name):
    for method in ("get", "post"):
        response = getattr(client, method)(url_of(name, objects))
        assert response.status_code == 302, (name, method, response.status_code)
        assert "/login/" in response["Location"], (name, method, response["Location"])


@pytest.mark.parametrize("name", sorted(set(ALL) - OWN))
def test_a_stranger_is_refused_and_changes_nothing(objects, client_for, name):
    client = client_for("stranger")
    before = (WorkOrder.objects.count(), WorkOrderEvent.objects.count(), RoutingRule.objects.count())
    for method in ("get", "post"):
        response = getattr(client, method)(url_of(name, objects), {"note": "x", "reason": "x", "to": "1"})
        expected = 405 if (name, method) in METHOD_FIRST else 404
        assert response.status_code == expected, (name, method, response.status_code)
    assert (WorkOrder.objects.count(), WorkOrderEvent.objects.count(), RoutingRule.objects.count()) == before


@pytest.mark.parametrize("name", sorted(set(ALL) - POST_ONLY - NOT_FOR_THE_ADMIN))
def test_the_street_admin_opens_every_page(objects, client_for, name):
    url = url_of(name, objects) + QUERY.get(name, "").format(**objects)
    response = client_for("street_admin").get(url)
    if name in REDIRECTS:
        assert response.status_code == 302 and response["Location"].startswith(REDIRECTS[name]), name
        response = client_for("street_admin").get(response["Location"])
    assert response.status_code == 200, (name, response.status_code)
