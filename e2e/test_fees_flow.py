"""Fees in a real browser: a resident scans the estate's QR code on a phone; staff record a payment."""

import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from linli.fees import services
from linli.fees.models import Payment

D = datetime.date


def _accounts(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    services.fee_plan_create(actor=world.manager_a, estate=world.estate_a, rate=Decimal("10"),
                             effective_from=D(2026, 1, 1), decision="业主大会决定 2025-3号",
                             services="保洁、垃圾清运、秩序维护", responsible="项目经理 朱航飞")
    for period in ("2026-09", "2026-10"):
        services.bill_period(period=period, estate=world.estate_a, actor=world.manager_a)
    services.payment_record(home=world.home_a1, amount=Decimal("20"), method="wechat", idempotency_key="e2e-1",
                            actor=world.staff_a, paid_on=D(2026, 10, 8))
    for category, direction, amount in (("subsidy", "income", "3000"), ("cleaning", "expense", "1800")):
        services.ledger_record(estate=world.estate_a, direction=direction, category=category, amount=Decimal(amount),
                               occurred_on=D(2026, 10, 31), description="10月", actor=world.manager_a,
                               evidence=SimpleUploadedFile("凭证.jpg", b"jpeg"))
    return services.public_link_for(world.estate_a)


def test_a_resident_opens_the_public_accounts_from_the_qr_code(world, live_server, page, shot, settings, tmp_path):
    link = _accounts(world, settings, tmp_path)
    page.goto(f"{live_server.url}/fees/public/{link.token}/?year=2026")  # the URL printed in the QR code
    expect(page.locator("h1")).to_contain_text("锦霞小区 2026 年物业服务与收支公开")
    expect(page.locator("body")).to_contain_text("10 元/户/月")
    expect(page.locator("#year-totals")).to_contain_text("政府补贴")
    expect(page.locator("#year-totals")).to_contain_text("3000.00")
    expect(page.locator("#collection-rate")).to_have_text("50.0%")
    body = page.content()
    assert "周莲秀" not in body and "13812345678" not in body
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"] + 1  # nothing sticks out sideways on a phone
    shot("fees-public-accounts")
    page.emulate_media(media="print")
    expect(page.locator(".topbar")).to_be_hidden()
    shot("fees-public-accounts-print")
    assert page.external_requests == []


def test_staff_record_a_payment_and_print_the_receipt(world, live_server, sign_in, shot, settings, tmp_path):
    _accounts(world, settings, tmp_path)
    page = sign_in("staff_a")
    page.goto(f"{live_server.url}/fees/homes/{world.home_a2.pk}/")
    expect(page.locator("#owed")).to_have_text("20.00")
    page.fill("input[name=amount]", "30")
    page.select_option("select[name=method]", "cash")
    shot("fees-record-payment")
    page.click("button:has-text('收款并开收据')")
    expect(page.locator(".messages")).to_contain_text("已收款 30.00 元")
    expect(page.locator("#receipt-no")).to_contain_text("-2026-000002")
    shot("fees-receipt")
    page.goto(f"{live_server.url}/fees/homes/{world.home_a2.pk}/")
    expect(page.locator("#owed")).to_have_text("0.00")
    expect(page.locator("#credit")).to_have_text("10.00")
    assert Payment.objects.filter(home=world.home_a2).count() == 1
    assert page.external_requests == []
