"""The fee part of `linli demo`: it loads, and a demo estate shows when billing started and why (issue 15 item 5)."""

import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client

from linli.fees import services
from linli.fees.models import Bill
from linli.places.models import Estate


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        out = io.StringIO()
        call_command("demo", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


def test_an_estate_taken_over_by_the_custodian_is_billed_from_the_takeover(demo, db):
    assert "先服务后收费：九宫庙后街院落 自国有托管接管之日起计费" in demo
    estate = Estate.objects.get(name="九宫庙后街院落")
    start = estate.current_stewardship().start
    first = Bill.objects.filter(estate=estate).order_by("period_start").first()
    assert first.period_start == start.replace(day=1)
    assert first.days == (first.period_end - start).days + 1  # the month of the takeover, by day
    page = Client().get(f"/fees/public/{services.public_link_for(estate).token}/").content.decode()
    assert f"开始收费：<strong>{start:%Y-%m-%d}</strong>（物业服务自 {start:%Y-%m-%d} 开始，此前不收费）" in page


def test_the_showcase_estate_shows_its_grace_period(demo, db):
    estate = Estate.objects.get(name="锦霞小区")
    data = Client().get(f"/api/v1/fees/public/{services.public_link_for(estate).token}/").json()
    assert [p["billing_start"] for p in data["plans"]] == ["先服务后收费：服务满 3 个月后开始收费"]
    assert data["plans"][0]["billing_starts_on"] == "2022-08-01"
    assert float(data["prepaid"]["amount"]) > 0 and data["prepaid"]["households"] > 0  # some paid years ahead
