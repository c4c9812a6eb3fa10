"""The fund's pages: anonymous visitors sign in, strangers and other streets get 404, readers read, only the street
runs it, residents see their home's statement and the public account."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from linli.repairfund import services
from linli.repairfund.models import Account, Application, Movement

from .conftest import voted

D = Decimal


@pytest.fixture
def app(fund):
    return services.application_create(account=fund.account, title="更换供水管", description="更换1栋供水管",
                                       parts="1栋供水管", estimate=D("1000.00"), actor=fund.street_admin)


def urls(world, app):
    estate = world.estate_a.pk
    return [reverse("repairfund:index"), reverse("repairfund:estate", args=[estate]),
            reverse("repairfund:public", args=[estate]), reverse("repairfund:verify", args=[estate]),
            reverse("repairfund:home", args=[world.home_a1.pk]),
            reverse("repairfund:application", args=[app.pk]),
            reverse("repairfund:application_new", args=[estate])]


def test_an_anonymous_visitor_is_sent_to_sign_in(fund, app):
    for url in urls(fund, app):
        response = Client().get(url)
        assert response.status_code == 302 and "/login" in response["Location"], url


def test_a_stranger_and_another_street_get_404(fund, app, client_for):
    for name in ("stranger", "other_street_admin"):
        client = client_for(name)
        for url in urls(fund, app)[1:]:
            assert client.get(url).status_code == 404, (name, url)
    assert client_for("stranger").get(reverse("repairfund:index")).status_code == 404
    page = client_for("other_street_admin").get(reverse("repairfund:index")).content.decode()
    assert "锦霞小区" not in page


def test_the_street_admin_reads_the_account_with_its_balance_and_the_applications(fund, app, client_for):
    page = client_for("street_admin").get(reverse("repairfund:estate", args=[fund.estate_a.pk])).content.decode()
    assert '<span id="balance">11050.00</span>' in page
    assert "更换供水管" in page and "提出使用申请" in page and "公共收益补充维修资金" in page


def test_the_community_admin_and_the_company_read_but_do_not_run(fund, app, client_for):
    for name in ("community_admin", "manager_a"):
        client = client_for(name)
        page = client.get(reverse("repairfund:estate", args=[fund.estate_a.pk])).content.decode()
        assert '<span id="balance">11050.00</span>' in page and "提出使用申请" not in page
        response = client.post(reverse("repairfund:public_income", args=[fund.estate_a.pk]),
                               {"income": "100.00", "source": "广告"})
        assert response.status_code == 403
        assert client.get(reverse("repairfund:application_new", args=[fund.estate_a.pk])).status_code == 403
    assert Movement.objects.count() == 2


def test_a_resident_sees_their_homes_statement_and_the_public_account_not_the_neighbours(fund, app, client_for):
    client = client_for("resident_a")
    page = client.get(reverse("repairfund:home", args=[fund.home_a1.pk])).content.decode()
    assert '<span id="balance">6250.00</span>' in page and "首期交存" in page
    assert client.get(reverse("repairfund:home", args=[fund.home_a2.pk])).status_code == 404
    response = client.get(reverse("repairfund:estate", args=[fund.estate_a.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("repairfund:public",
                                                                            args=[fund.estate_a.pk])
    public = client.get(reverse("repairfund:public", args=[fund.estate_a.pk])).content.decode()
    assert '<span id="balance">11050.00</span>' in public
    assert "周莲秀" not in public and "李建国" not in public and "102" not in public
    assert client.get(reverse("repairfund:application", args=[app.pk])).status_code == 404
    index = client.get(reverse("repairfund:index")).content.decode()
    assert reverse("repairfund:home", args=[fund.home_a1.pk]) in index


def test_the_estate_page_links_to_the_fund(fund, client_for):
    page = client_for("community_admin").get(reverse("places:estate_detail", args=[fund.estate_a.pk]))
    assert reverse("repairfund:estate", args=[fund.estate_a.pk]) in page.content.decode()


def test_the_street_opens_an_account_from_its_page(world, client_for):
    url = reverse("repairfund:account_open", args=[world.estate_b.pk])
    assert client_for("community_admin").get(url).status_code == 404  # another community's estate
    response = client_for("street_admin").post(url, {"holder": "city_office", "rate": "40", "bank_account": ""})
    assert response.status_code == 302
    assert Account.objects.get().first_amount == D("1600.00")


def test_an_application_goes_from_its_page_through_approval_and_stages(fund, app, client_for):
    client = client_for("street_admin")
    url = reverse("repairfund:application", args=[app.pk])
    page = client.get(url).content.decode()
    assert "565.61" in page and "434.39" in page  # the apportionment by area
    voted(fund, app, {fund.home_a1: "for", fund.home_a2: "for"})
    client.post(reverse("repairfund:approve", args=[app.pk]), {"stages": "材料进场，400.00\n竣工验收，600.00"})
    assert list(app.stages.values_list("amount", flat=True)) == [D("400.00"), D("600.00")]
    client.post(reverse("repairfund:stage_pay", args=[app.pk, 1]))
    assert app.movements.count() == 0  # not accepted yet
    client.post(reverse("repairfund:stage_accept", args=[app.pk, 1]), {"note": "合格"})
    client.post(reverse("repairfund:stage_pay", args=[app.pk, 1]))
    client.post(reverse("repairfund:stage_accept", args=[app.pk, 2]), {"note": "合格"})
    client.post(reverse("repairfund:stage_pay", args=[app.pk, 2]))
    app.refresh_from_db()
    assert app.status == Application.Status.DONE and app.paid == D("1000.00")
    assert "已支付" in client.get(url).content.decode()


def test_a_committee_member_drafts_an_application_from_the_page(cworld, client_for):
    services.account_open(estate=cworld.estate_a, rate=D("10"), holder="owners", actor=cworld.street_admin)
    response = client_for("committee_member").post(
        reverse("repairfund:application_new", args=[cworld.estate_a.pk]),
        {"title": "楼道灯", "description": "更换楼道灯", "parts": "楼道照明", "estimate": "300.00", "emergency": ""})
    assert response.status_code == 302
    assert Application.objects.get().created_by == cworld.committee_member


def test_the_verify_page_says_the_ledger_is_intact_or_tampered(fund, client_for):
    client = client_for("auditor")
    url = reverse("repairfund:verify", args=[fund.estate_a.pk])
    assert "台账完整：2 条流水" in client.get(url).content.decode()
    Movement.objects.filter(seq=1).retention_redact(description="改过")
    assert "内容与其哈希不符" in client.get(url).content.decode()


def test_a_quote_is_uploaded_and_downloaded_by_readers_only(fund, app, client_for, media):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client_for("street_admin").post(reverse("repairfund:quote_add", args=[app.pk]), {
        "supplier": "甲公司", "amount": "900.00", "document": SimpleUploadedFile("q.pdf", b"%PDF-1.4\n%%EOF\n")})
    quote = app.quotes.get()
    url = reverse("repairfund:quote_file", args=[quote.pk])
    assert client_for("community_admin").get(url).status_code == 200
    assert client_for("resident_a").get(url).status_code == 404


def test_the_account_s_deposit_forms_refuse_strangers_and_readers_and_record_for_the_street(fund, client_for):
    estate = fund.estate_a.pk
    posts = [(reverse("repairfund:public_income", args=[estate]), {"income": "1000.00", "source": "广告收益"}),
             (reverse("repairfund:top_up", args=[estate]), {"home": fund.home_a1.pk, "amount": "50.00"}),
             (reverse("repairfund:deposit_first", args=[estate]), {})]
    before = Movement.objects.count()
    for url, data in posts:
        anonymous = Client().post(url, data)
        assert anonymous.status_code == 302 and "/login" in anonymous["Location"], url
        for name in ("stranger", "other_street_admin"):
            assert client_for(name).post(url, data).status_code == 404, (name, url)
        assert client_for("community_admin").post(url, data).status_code == 403, url
        assert client_for("street_admin").get(url).status_code == 405, url
    assert Movement.objects.count() == before
    street = client_for("street_admin")
    bad = street.post(posts[1][0], {"home": fund.home_a1.pk, "amount": "不是金额"})
    assert bad.status_code == 302 and Movement.objects.count() == before
    done = street.post(posts[1][0], posts[1][1])
    assert done.status_code == 302 and done["Location"] == reverse("repairfund:estate", args=[estate])
    top_up = Movement.objects.get(kind="top_up")
    assert (top_up.home, top_up.amount) == (fund.home_a1, D("50.00"))
