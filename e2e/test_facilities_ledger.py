"""The facility ledger on a 360 px phone (issue 20 item 1): the property staff member opens the lift from the ledger,
records its annual inspection, and the facility's due date follows; every page fits the phone's width."""

import datetime
import re

from django.utils import timezone
from playwright.sync_api import expect

from linli.core.testing import PASSWORD
from linli.facilities import services
from linli.facilities.models import Facility


def test_a_staff_member_records_the_lift_s_inspection_on_a_phone(world, live_server, phone):
    today = timezone.localdate()
    lift = services.facility_register(actor=world.street_admin, estate=world.estate_a, kind="lift",
                                      name="1栋1单元电梯", building=world.building_a, code="T-0001",
                                      inspection_due=today + datetime.timedelta(days=10))
    phone.goto(f"{live_server.url}/accounts/login/")
    phone.fill("#id_username", "staff_a")
    phone.fill("#id_password", PASSWORD)
    phone.click("button[type=submit]")
    phone.wait_for_url(re.compile(rf"^{re.escape(live_server.url)}/"))

    phone.goto(f"{live_server.url}/facilities/")
    phone.click("a:has-text('锦霞小区')")
    expect(phone.locator("h1")).to_contain_text("设施设备台账")
    expect(phone.locator("table")).to_contain_text("还有10天")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360, phone.url
    phone.click("a:has-text('1栋1单元电梯')")
    phone.click("a:has-text('添加记录')")
    phone.select_option("#id_kind", "statutory")
    phone.fill("#id_done_on", today.isoformat())
    phone.fill("#id_certificate_no", "DT-2026-0001")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360, phone.url
    phone.click("button:has-text('保存')")
    expect(phone.locator("h1")).to_have_text("1栋1单元电梯")
    expect(phone.locator("body")).to_contain_text("DT-2026-0001")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360, phone.url
    lift.refresh_from_db()
    assert lift.inspection_due == today.replace(year=today.year + 1) and lift.status == Facility.Status.IN_SERVICE
