"""The API of resident orders and parcels: strangers 404, read-only roles 403 (nothing changed), the right role
succeeds; the pick-up code is shown to the recipient and the station only."""

from decimal import Decimal

import pytest

from linli.core.testing import post, results
from linli.services import services as svc
from linli.services.models import Offering, OrderEvent, Parcel, Provider, ResidentOrder

LISTS = ["order-providers", "order-offerings", "resident-orders", "parcels"]


@pytest.fixture
def orders(vworld):
    w = vworld
    w.provider = svc.provider_add(actor=w.community_admin, organization=w.company, estate=w.estate_a)
    w.water = svc.offering_add(actor=w.manager_a, provider=w.provider, name="桶装水", kind="goods",
                               price=Decimal("18.50"))
    w.order = svc.order_place(actor=w.resident_a, offering=w.water)
    w.parcel = svc.parcel_register(actor=w.staff_a, home=w.home_a1, recipient=w.resident, description="大米")
    return w


def counts():
    return tuple(M.objects.count() for M in (Provider, Offering, ResidentOrder, OrderEvent, Parcel))


@pytest.mark.parametrize("name", LISTS)
def test_a_stranger_gets_404_on_every_list_and_changes_nothing(orders, client_for, name):
    before = counts()
    client = client_for("stranger")
    assert client.get(f"/api/v1/{name}/").status_code == 404
    assert post(client, f"/api/v1/{name}/", {}).status_code == 404
    assert counts() == before


WRITES = {
    "provider": lambda w: ("/api/v1/order-providers/", {"organization": w.company.pk, "estate": w.estate_a.pk}),
    "accept": lambda w: (f"/api/v1/resident-orders/{w.order.pk}/accept/", {}),
}
READ_ONLY = ["auditor", "grid_worker", "department_handler", "manager_a"]


@pytest.mark.parametrize("what", WRITES)
@pytest.mark.parametrize("name", READ_ONLY)
def test_a_read_only_role_gets_403_and_nothing_changes(orders, client_for, what, name):
    if what == "accept" and name == "manager_a":
        return  # the manager's company is the provider: accepting is theirs to do
    url, body = WRITES[what](orders)
    before = counts()
    response = post(client_for(name), url, body)
    assert response.status_code == 403, (response.status_code, response.content)
    assert counts() == before


def test_the_community_admin_registers_a_provider(orders, client_for):
    url, body = WRITES["provider"](orders)
    response = post(client_for("community_admin"), url, body)
    assert response.status_code == 201, response.content
    assert response.json()["organization"] == orders.company.pk


def test_the_parcel_code_is_shown_to_the_recipient_and_the_station_only(orders, client_for):
    code = orders.parcel.code
    assert results(client_for("resident_a").get("/api/v1/parcels/"))[0]["code"] == code
    assert results(client_for("staff_a").get("/api/v1/parcels/"))[0]["code"] == code
    svc.parcel_request_delivery(actor=orders.resident_a, parcel=orders.parcel)
    pool = client_for("volunteer_a").get("/api/v1/parcels/pool/").json()
    assert [(p["id"], p["code"], p["recipient_name"]) for p in pool] == [(orders.parcel.pk, "", "周**")]
    assert post(client_for("volunteer_a"), f"/api/v1/parcels/{orders.parcel.pk}/take/", {}).json()["status"] == (
        "out_for_delivery")
    response = post(client_for("volunteer_a"), f"/api/v1/parcels/{orders.parcel.pk}/deliver/", {"code": code})
    assert response.json()["status"] == "delivered"


def test_a_resident_orders_and_the_provider_completes(orders, client_for):
    response = post(client_for("resident_a"), "/api/v1/resident-orders/", {"offering": orders.water.pk, "quantity": 3})
    assert (response.status_code, response.json()["amount"]) == (201, "55.50")
    oid = response.json()["id"]
    assert post(client_for("staff_a"), f"/api/v1/resident-orders/{oid}/accept/", {}).json()["status"] == "accepted"
    assert post(client_for("resident_a"), f"/api/v1/resident-orders/{oid}/complete/", {}).status_code == 403
    assert post(client_for("staff_a"), f"/api/v1/resident-orders/{oid}/complete/", {}).json()["status"] == "completed"
