"""The pages and API actions added for art. 84 (holder and rate after opening), art. 86(2)–(3) (a home's kind and
selling unit) and interest: anonymous visitors sign in (401 on the API), strangers and other streets get 404, readers
get 403 and nothing changes, the street admin succeeds and the result shows where it should."""

from decimal import Decimal

from django.test import Client
from django.urls import reverse

from linli.core.testing import post
from linli.repairfund import services
from linli.repairfund.models import Account, FundEvent, Movement, Share

D = Decimal


def _writes(world):
    estate = world.estate_a.pk
    return [
        (reverse("repairfund:account_change", args=[estate]),
         {"holder": "city_office", "rate": "120", "bank_account": "", "reason": "调整标准"}),
        (reverse("repairfund:share_change", args=[world.home_a2.pk]),
         {"kind": "sold_public", "seller": "市第二棉纺厂", "seller_deposit": "3000.00", "reason": "房改房核实"}),
        (reverse("repairfund:interest", args=[estate]), {"amount": "10.00", "source": "2025年度结息"}),
    ]


def _state():
    return (list(Account.objects.values_list("holder", "rate")), list(Share.objects.values_list("kind", "seller")),
            Movement.objects.count(), FundEvent.objects.filter(kind__in=["changed", "share_changed"]).count())


def test_strangers_readers_and_anonymous_visitors_cannot_change_the_account_a_share_or_post_interest(fund, client_for):
    before = _state()
    for url, data in _writes(fund):
        anonymous = Client().post(url, data)
        assert anonymous.status_code == 302 and "/login" in anonymous["Location"], url
        for name in ("stranger", "other_street_admin"):
            assert client_for(name).post(url, data).status_code == 404, (name, url)
        for name in ("community_admin", "manager_a", "auditor"):
            assert client_for(name).post(url, data).status_code == 403, (name, url)
    for url, _data in _writes(fund)[:2]:
        assert client_for("community_admin").get(url).status_code == 403, url
        assert client_for("resident_a").get(url).status_code == 404, url
    assert _state() == before


def test_the_street_changes_the_rate_with_a_reason_and_the_account_page_shows_it(fund, client_for):
    client = client_for("street_admin")
    url, data = _writes(fund)[0]
    assert "第八十四条" in client.get(url).content.decode()
    assert client.post(url, {**data, "reason": ""}).status_code == 200  # the form again, nothing changed
    assert Account.objects.get().rate == D("100.00")
    response = client.post(url, data)
    assert response.status_code == 302 and Account.objects.get().rate == D("120.00")
    page = client.get(reverse("repairfund:estate", args=[fund.estate_a.pk])).content.decode()
    assert "交存标准(元/m²)：100.00 → 120.00" in page and "原因：调整标准" in page
    reader = client_for("community_admin").get(reverse("repairfund:estate", args=[fund.estate_a.pk])).content.decode()
    assert "100.00 → 120.00" in reader and reverse("repairfund:account_change", args=[fund.estate_a.pk]) not in reader


def test_the_street_makes_a_home_sold_public_housing_and_its_statement_shows_the_seller(fund, client_for):
    client = client_for("street_admin")
    url, data = _writes(fund)[1]
    assert client.post(url, data).status_code == 302
    share = Share.objects.get(home=fund.home_a2)
    assert (share.kind, share.seller, share.seller_deposit) == ("sold_public", "市第二棉纺厂", D("3000.00"))
    statement = client.get(reverse("repairfund:home", args=[fund.home_a2.pk])).content.decode()
    assert "售后公房" in statement and "市第二棉纺厂" in statement and "3000.00" in statement
    account = client.get(reverse("repairfund:estate", args=[fund.estate_a.pk])).content.decode()
    assert "房屋性质：商品住宅 → 售后公房" in account and "原因：房改房核实" in account


def test_the_street_posts_interest_and_the_statements_and_public_account_show_it(fund, client_for):
    url, data = _writes(fund)[2]
    assert client_for("street_admin").post(url, data).status_code == 302
    assert dict(Movement.objects.filter(kind="interest").values_list("home_id", "amount")) == {
        fund.home_a1.pk: D("5.66"), fund.home_a2.pk: D("4.34")}
    resident = client_for("resident_a")
    statement = resident.get(reverse("repairfund:home", args=[fund.home_a1.pk])).content.decode()
    assert '<span id="interest">5.66</span>' in statement and "利息：2025年度结息" in statement
    public = resident.get(reverse("repairfund:public", args=[fund.estate_a.pk])).content.decode()
    assert "<th>利息</th>" in public and "<td>10.00</td>" in public


def test_the_opening_page_takes_the_sold_public_homes_by_name(world, client_for):
    url = reverse("repairfund:account_open", args=[world.estate_a.pk])
    street = client_for("street_admin")
    bad = street.post(url, {"holder": "city_office", "rate": "30", "shares": "9栋999，售后公房，某厂，1.00"})
    assert bad.status_code == 200 and "本小区没有房屋" in bad.content.decode() and Account.objects.count() == 0
    response = street.post(url, {"holder": "city_office", "rate": "30",
                                 "shares": "1栋1单元101，售后公房，市第二棉纺厂，3000.00\n1栋1单元102，非住宅"})
    assert response.status_code == 302
    assert dict(Share.objects.values_list("home_id", "kind")) == {world.home_a1.pk: "sold_public",
                                                                  world.home_a2.pk: "non_residential"}
    assert Share.objects.get(home=world.home_a1).seller_deposit == D("3000.00")


def test_the_application_page_shows_the_owner_s_and_the_seller_s_part(fund, client_for):
    services.share_change(share=Share.objects.get(home=fund.home_a1), kind="sold_public", seller="市第二棉纺厂",
                          seller_deposit=D("6250.00"), reason="房改房", actor=fund.street_admin)
    app = services.application_create(account=fund.account, title="屋面", description="屋面", parts="屋面",
                                      estimate=D("1000.00"), actor=fund.street_admin)
    page = client_for("community_admin").get(reverse("repairfund:application", args=[app.pk])).content.decode()
    # 565.61 to the sold home by area (art. 86(3)), half its owner's (6 250.00 deposited), half the seller's
    assert '<strong id="seller-total">282.80</strong>' in page and "<td>282.81</td>" in page


def test_the_api_actions_refuse_strangers_anonymous_and_readers_and_serve_the_street(fund, client_for):
    base = f"/api/v1/repair-fund-accounts/{fund.account.pk}"
    calls = [(f"{base}/change/", {"rate": "120.00", "reason": "调整标准"}),
             (f"{base}/share/", {"home": fund.home_a2.pk, "kind": "sold_public", "seller": "市第二棉纺厂",
                                 "seller_deposit": "3000.00", "reason": "房改房"}),
             (f"{base}/interest/", {"amount": "10.00", "source": "结息"})]
    before = _state()
    for url, data in calls:
        assert Client().post(url, data, content_type="application/json").status_code == 401, url
        assert post(client_for("stranger"), url, data).status_code == 404, url
        assert post(client_for("other_street_admin"), url, data).status_code == 404, url
        assert post(client_for("community_admin"), url, data).status_code == 403, url
    assert _state() == before
    street = client_for("street_admin")
    response = post(street, calls[0][0], calls[0][1])
    assert response.status_code == 200 and response.json()["rate"] == "120.00"
    assert post(street, calls[1][0], calls[1][1]).status_code == 200
    assert Share.objects.get(home=fund.home_a2).kind == "sold_public"
    response = post(street, calls[2][0], calls[2][1])
    assert response.status_code == 200 and response.json()["balance"] == "11060.00"


def test_the_api_opens_an_account_with_its_sold_public_homes(world, client_for):
    response = post(client_for("street_admin"), "/api/v1/repair-fund-accounts/", {
        "estate": world.estate_a.pk, "holder": "city_office", "rate": "30.00",
        "shares": [{"home": world.home_a1.pk, "kind": "sold_public", "seller": "市第二棉纺厂",
                    "seller_deposit": "3000.00"}]})
    assert response.status_code == 201, response.content
    assert dict(Share.objects.values_list("home_id", "kind")) == {world.home_a1.pk: "sold_public",
                                                                  world.home_a2.pk: "commercial"}
