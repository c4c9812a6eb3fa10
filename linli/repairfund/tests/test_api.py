"""The fund's API: strangers 404, anonymous 401, read-only roles 403 (nothing changed), the right role succeeds."""

from decimal import Decimal

import pytest
from django.test import Client

from linli.core.testing import post, results
from linli.repairfund import services
from linli.repairfund.models import Account, Application, Movement

D = Decimal
LISTS = ["/api/v1/repair-fund-accounts/", "/api/v1/repair-fund-applications/", "/api/v1/repair-fund-movements/"]


@pytest.fixture
def app(fund):
    return services.application_create(account=fund.account, title="屋面", description="屋面防水", parts="屋面",
                                       estimate=D("1000.00"), actor=fund.street_admin)


@pytest.mark.parametrize("url", LISTS)
def test_a_stranger_gets_404_and_an_anonymous_caller_401(fund, app, client_for, url):
    assert client_for("stranger").get(url).status_code == 404
    assert Client().get(url).status_code == 401
    assert results(client_for("other_street_admin").get(url)) == []


def test_readers_list_the_account_applications_and_movements(fund, app, client_for):
    client = client_for("community_admin")
    [account] = results(client.get("/api/v1/repair-fund-accounts/"))
    assert (account["estate"], account["balance"], account["top_up_due"]) == (fund.estate_a.pk, "11050.00", False)
    [application] = results(client.get("/api/v1/repair-fund-applications/"))
    assert {a["amount"] for a in application["apportionments"]} == {"565.61", "434.39"}
    assert len(results(client.get(f"/api/v1/repair-fund-movements/?account={fund.account.pk}"))) == 2


def test_a_resident_lists_only_their_homes_movements(fund, client_for):
    client = client_for("resident_a")
    assert [m["home"] for m in results(client.get("/api/v1/repair-fund-movements/"))] == [fund.home_a1.pk]
    assert results(client.get("/api/v1/repair-fund-accounts/")) == []


def test_a_read_only_role_cannot_write_and_nothing_changes(fund, app, client_for):
    client = client_for("community_admin")
    assert post(client, "/api/v1/repair-fund-movements/", {"account": fund.account.pk, "home": fund.home_a1.pk,
                                                          "amount": "10.00"}).status_code == 403
    assert post(client, f"/api/v1/repair-fund-accounts/{fund.account.pk}/public-income/",
                {"income": "100.00", "source": "广告"}).status_code == 403
    assert post(client, "/api/v1/repair-fund-applications/", {
        "account": fund.account.pk, "title": "x", "description": "x", "parts": "x", "estimate": "1.00"}
    ).status_code == 403
    assert Movement.objects.count() == 2 and Application.objects.count() == 1


def test_the_street_admin_writes_through_the_services(world, client_for):
    client = client_for("street_admin")
    response = post(client, "/api/v1/repair-fund-accounts/", {"estate": world.estate_a.pk, "holder": "city_office",
                                                              "rate": "10.00"})
    assert response.status_code == 201, response.content
    account = Account.objects.get()
    assert post(client, f"/api/v1/repair-fund-accounts/{account.pk}/first-deposits/", {}).status_code == 200
    response = post(client, "/api/v1/repair-fund-movements/", {"account": account.pk, "home": world.home_a1.pk,
                                                               "amount": "12.34"})
    assert response.status_code == 201 and response.json()["kind"] == "top_up"
    response = post(client, "/api/v1/repair-fund-applications/", {
        "account": account.pk, "title": "楼道灯", "description": "更换", "parts": "楼道照明", "estimate": "100.00",
        "emergency": "fire", "emergency_confirmation": "现场查验"})
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    response = post(client, f"/api/v1/repair-fund-applications/{pk}/approve/",
                    {"stages": [{"description": "更换", "amount": "100.00"}]})
    assert response.status_code == 200 and response.json()["status"] == "approved"
    assert post(client, f"/api/v1/repair-fund-applications/{pk}/accept/", {"number": 1, "note": "合格"}
                ).status_code == 200
    response = post(client, f"/api/v1/repair-fund-applications/{pk}/pay/", {"number": 1})
    assert response.status_code == 200 and response.json()["status"] == "done"
    assert post(client, f"/api/v1/repair-fund-applications/{pk}/pay/", {"number": 9}).status_code == 404
    assert services.verify() == []


def test_a_refusal_of_a_service_is_a_400_naming_the_field(fund, client_for):
    response = post(client_for("street_admin"), "/api/v1/repair-fund-accounts/",
                    {"estate": fund.estate_a.pk, "holder": "city_office", "rate": "10.00"})
    assert response.status_code == 400
    assert "estate" in response.json()["fields"]
