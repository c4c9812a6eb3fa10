"""Pages of resident orders and the parcel station: strangers get 404, anonymous visitors sign in, the right role
succeeds, others change nothing."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from linli.services import services as svc
from linli.services.models import OrderEvent, Parcel, ResidentOrder


@pytest.fixture
def scene(vworld):
    w = vworld
    provider = svc.provider_add(actor=w.community_admin, organization=w.company, estate=w.estate_a)
    w.water = svc.offering_add(actor=w.manager_a, provider=provider, name="桶装水", kind="goods",
                               price=Decimal("18.50"), bulky=True)
    w.order = svc.order_place(actor=w.resident_a, offering=w.water)
    w.parcel = svc.parcel_register(actor=w.staff_a, home=w.home_a1, recipient=w.resident, description="大米",
                                   bulky=True)
    return w


PAGES = {
    "orders": lambda w: reverse("services:order_list"),
    "parcels": lambda w: reverse("services:parcel_list"),
}


@pytest.mark.parametrize("page", PAGES)
def test_a_stranger_gets_404(scene, client_for, page):
    assert client_for("stranger").get(PAGES[page](scene)).status_code == 404


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(scene, page):
    response = Client().get(PAGES[page](scene))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize("page", PAGES)
def test_the_community_admin_opens_every_page(scene, client_for, page):
    assert client_for("community_admin").get(PAGES[page](scene)).status_code == 200


def test_the_pages_keep_their_paths_under_volunteers(scene):
    assert (reverse("services:order_list"), reverse("services:parcel_list")) == ("/volunteers/orders/",
                                                                                 "/volunteers/parcels/")


def test_a_resident_orders_from_the_page_and_the_provider_accepts(scene, client_for):
    client_for("resident_a").post(reverse("services:order_place", args=[scene.water.pk]), {"quantity": "2"})
    order = ResidentOrder.objects.latest("pk")
    assert order.amount == Decimal("37.00")
    client_for("staff_a").post(reverse("services:order_action", args=[order.pk, "accept"]))
    assert ResidentOrder.objects.get(pk=order.pk).status == "accepted"


@pytest.mark.parametrize(("name", "code"), [("auditor", 403), ("community_admin", 403), ("volunteer_a", 404)])
def test_only_the_provider_accepts_an_order(scene, client_for, name, code):
    """Roles that see the order get 403; a volunteer, who does not, gets 404."""
    response = client_for(name).post(reverse("services:order_action", args=[scene.order.pk, "accept"]))
    assert response.status_code == code
    scene.order.refresh_from_db()
    assert scene.order.status == "placed"


def test_the_resident_sees_their_pick_up_code_and_asks_for_delivery(scene, client_for):
    body = client_for("resident_a").get(reverse("services:parcel_list")).content.decode()
    assert scene.parcel.code in body
    client_for("resident_a").post(reverse("services:parcel_action", args=[scene.parcel.pk, "request"]))
    response = client_for("volunteer_a").get(reverse("services:parcel_list"))
    assert list(response.context["pool"]) == [scene.parcel]
    assert scene.parcel.code not in response.content.decode()


def test_the_station_registers_a_parcel_by_phone_number(scene, client_for):
    client_for("staff_a").post(reverse("services:parcel_new"), {"phone": "138 1234 5678", "description": "快递"})
    assert Parcel.objects.filter(description="快递", recipient=scene.resident, home=scene.home_a1).count() == 1


def test_a_stranger_cannot_touch_a_parcel(scene, client_for):
    url = reverse("services:parcel_action", args=[scene.parcel.pk, "pick_up"])
    assert client_for("stranger").post(url, {"code": scene.parcel.code}).status_code == 404
    assert client_for("other_street_admin").post(url, {"code": scene.parcel.code}).status_code == 404




POSTS = {
    "order": lambda w: reverse("services:order_place", args=[w.water.pk]),
    "order_action": lambda w: reverse("services:order_action", args=[w.order.pk, "accept"]),
    "parcel_new": lambda w: reverse("services:parcel_new"),
    "parcel_action": lambda w: reverse("services:parcel_action", args=[w.parcel.pk, "request"]),
}


@pytest.mark.parametrize("what", POSTS)
def test_a_stranger_posting_anywhere_gets_404_and_changes_nothing(scene, client_for, what):
    def counts():
        return (ResidentOrder.objects.count(), OrderEvent.objects.count(), Parcel.objects.count(),
                Parcel.objects.filter(status="waiting").count())

    before = counts()
    response = client_for("stranger").post(POSTS[what](scene), {"phone": "13812345678", "description": "x"})
    assert response.status_code == 404
    assert counts() == before
