"""What the public accounts (收支公开) publish of the fee plans' free text, and the limit on the anonymous payment
callback (issue 12)."""

from decimal import Decimal

from django.test import Client

from linli.core.testing import post
from linli.fees import services
from linli.fees.models import Payment

D = __import__("datetime").date


def test_public_accounts_mask_phones_and_id_numbers_typed_into_a_plan(world, client_for):
    services.fee_plan_create(actor=world.manager_a, estate=world.estate_a, rate=Decimal("10"),
                             effective_from=D(2026, 1, 1), decision="业主大会决定 2025-3号",
                             services="保洁；报修请找联系人：朱航飞 13912345678",
                             responsible="项目经理 朱航飞，身份证110101199003071234")
    link = services.public_link_for(world.estate_a)
    page = Client().get(f"/fees/public/{link.token}/?year=2026").content.decode()
    plan = Client().get(f"/api/v1/fees/public/{link.token}/?year=2026").json()["plans"][0]
    assert (plan["services"], plan["responsible"], plan["decision"]) == (
        "保洁；报修请找联系人：朱** 139****5678", "项目经理 朱航飞，身份证1****************4", "业主大会决定 2025-3号")
    assert "13912345678" not in page and "110101199003071234" not in page and "139****5678" in page
    staff = client_for("manager_a").get(f"/api/v1/fee-plans/{plan_id(world)}/").json()
    assert staff["services"] == "保洁；报修请找联系人：朱航飞 13912345678"


def plan_id(world):
    from linli.fees.models import FeePlan

    return FeePlan.objects.get(estate=world.estate_a).pk


def test_the_payment_callback_counts_every_attempt_per_address(world, settings):
    settings.LINLI_RATELIMIT_CALLBACK = "2/h"
    body = {"reference": "nope", "amount": "20.00", "signature": "x"}
    codes = [post(Client(), "/api/v1/fees/gateway/sandbox/callback/", body).status_code for _ in range(3)]
    assert 429 not in codes[:2] and codes[2] == 429
    refused = post(Client(), "/api/v1/fees/gateway/sandbox/callback/", body)
    assert (refused.status_code, "提交太频繁" in refused.json()["message"]) == (429, True)
    assert post(Client(REMOTE_ADDR="10.0.0.7"), "/api/v1/fees/gateway/sandbox/callback/", body).status_code != 429
    assert Payment.objects.count() == 0
