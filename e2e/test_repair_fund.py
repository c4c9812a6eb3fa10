"""The repair fund on a 360 × 740 phone (issue 20 item 3): a resident reads their home's statement and the estate's
public account without sideways scrolling; the street admin accepts a stage's works and releases its payment."""

import datetime
import re
from decimal import Decimal

from playwright.sync_api import expect

from linli.core.testing import PASSWORD
from linli.repairfund import services

PHONE = {"width": 360, "height": 740}


def _sign_in(phone, live_server, username):
    phone.goto(f"{live_server.url}/accounts/login/")
    phone.fill("#id_username", username)
    phone.fill("#id_password", PASSWORD)
    phone.click("button[type=submit]")
    phone.wait_for_load_state()


def _fund(world):
    admin = world.street_admin
    account = services.account_open(estate=world.estate_a, rate=Decimal("100"), holder="city_office", actor=admin,
                                     opened_on=datetime.date(2025, 1, 10))
    services.deposit_first(account=account, actor=admin, occurred_on=datetime.date(2025, 1, 15))
    app = services.application_create(account=account, title="消防水泵紧急更换", description="消防水泵损坏",
                                      parts="消防水泵", estimate=Decimal("1000.00"), actor=admin, emergency="fire",
                                      emergency_confirmation="业主、居委会、物业共同查验")
    services.application_approve(application=app, actor=admin, stages=[
        {"description": "更换水泵", "amount": Decimal("1000.00")}])
    return app


def test_a_resident_reads_their_statement_and_the_public_account_on_a_phone(world, live_server, phone):
    _fund(world)
    _sign_in(phone, live_server, "resident_a")
    phone.goto(f"{live_server.url}/repairfund/")
    phone.click(f"#my-shares a[href='/repairfund/home/{world.home_a1.pk}/']")
    expect(phone.locator("#balance")).to_have_text("6250.00")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    phone.click("text=小区维修资金公开账目")
    expect(phone.locator("h1")).to_contain_text("维修资金公开账目")
    expect(phone.locator("#balance")).to_have_text("11050.00")
    assert "李建国" not in phone.content()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert phone.external_requests == []


def test_the_street_admin_accepts_and_pays_a_stage_on_a_phone(world, live_server, phone):
    app = _fund(world)
    _sign_in(phone, live_server, "street_admin")
    phone.goto(f"{live_server.url}/repairfund/application/{app.pk}/")
    phone.fill("textarea[name=note]", "验收合格")
    phone.click("text=记录验收")
    expect(phone.locator("#stages")).to_contain_text("已验收，待支付")
    phone.click("text=支付该阶段")
    expect(phone.locator("#status")).to_have_text("已完成")
    expect(phone.locator("#stages")).to_contain_text(re.compile("已支付"))
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    app.refresh_from_db()
    assert app.paid == Decimal("1000.00")


def test_the_street_admin_changes_the_standard_and_reads_a_sold_public_split_on_a_phone(world, live_server, phone):
    app = _fund(world)
    from linli.repairfund.models import Share

    services.share_change(share=Share.objects.get(home=world.home_a1), kind="sold_public", seller="市第二棉纺厂",
                          seller_deposit=Decimal("6250.00"), reason="房改房", actor=world.street_admin)
    split = services.application_create(account=app.account, title="屋面", description="屋面", parts="屋面",
                                        estimate=Decimal("1000.00"), actor=world.street_admin)
    _sign_in(phone, live_server, "street_admin")
    phone.goto(f"{live_server.url}/repairfund/estate/{world.estate_a.pk}/")
    phone.click("text=变更管理方式或交存标准")
    phone.fill("input[name=rate]", "120")
    phone.fill("input[name=reason]", "市住建委调整交存标准")
    phone.click("main button:has-text('提交')")
    expect(phone.locator("#history")).to_contain_text("100.00 → 120.00")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    phone.goto(f"{live_server.url}/repairfund/application/{split.pk}/")
    expect(phone.locator("#seller-total")).to_have_text("282.80")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
