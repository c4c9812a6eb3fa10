"""The fund's demo on the demo street: an account per old estate, a past use, a vote of the homes concerned
running now, an emergency use that called for a top-up; the ledgers verify."""

import pytest
from django.db import transaction

from linli.people.demo import load as people_demo
from linli.places.models import Estate
from linli.repairfund import demo, services
from linli.repairfund.models import Account, Application, Movement, SellerCharge, Share, TopUpCall


@pytest.fixture(scope="module")
def street(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        said = []
        people_demo(out=said.append)
        demo.load(out=said.append)
        demo.load(out=said.append)  # twice: nothing more
        yield said
        transaction.set_rollback(True)


@pytest.mark.heavy
@pytest.mark.timeout(600)
def test_the_demo_has_an_account_per_old_estate_and_the_three_applications(street, db):
    old = Estate.objects.filter(kind="old", community__parent__code="500104001", homes__isnull=False).distinct()
    assert Account.objects.count() == old.count() > 0
    assert street[-1].startswith(f"专项维修资金：{old.count()} 个老旧小区开户，使用申请 3 项")
    statuses = sorted(Application.objects.values_list("status", flat=True))
    assert statuses == ["done", "done", "voting"]
    voting = Application.objects.get(status="voting")
    assert voting.motion.status == "open"
    assert set(voting.motion.concerned_homes.values_list("pk", flat=True)) == set(
        voting.homes.values_list("pk", flat=True))
    assert voting.motion.electors.count() <= voting.homes.count()
    assert TopUpCall.objects.filter(account__estate__name="锦霞二村", closed_at__isnull=True).count() == 1
    assert street[-1].endswith("锦霞小区 3 户售后公房、2025年度利息已入账")
    assert Share.objects.filter(kind="sold_public", seller_deposit=demo.SELLER_DEPOSIT).count() == 3
    pipes = Application.objects.get(title="更换2栋老化供水管")
    assert pipes.seller_paid == sum(a.seller_amount for a in pipes.apportionments.all()) > 0
    assert pipes.paid == pipes.estimate and SellerCharge.objects.filter(application=pipes).exists()
    assert Movement.objects.filter(kind="interest", account__estate__name="锦霞小区").count() > 0
    assert services.verify() == []
