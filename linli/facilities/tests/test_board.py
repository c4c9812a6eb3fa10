"""The estate's public board lists its public facilities in service with their last statutory inspection, and nothing
else of the ledger (no contract number, no certificate, no hidden or retired facility, no other estate's)."""

import datetime

import pytest
from django.test import Client

from linli.facilities import services
from linli.residents import board

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def test_the_board_shows_public_facilities_only_with_their_last_inspection(world, lift, today):
    services.record_add(actor=world.staff_a, facility=lift, kind="statutory", done_on=today - 40 * DAY,
                        certificate_no="DT-SECRET-9", next_due=today + 320 * DAY)
    services.facility_register(actor=world.street_admin, estate=world.estate_a, kind="camera", name="监控主机",
                               location="门卫室", is_public=False)
    gone = services.facility_register(actor=world.street_admin, estate=world.estate_a, kind="gate", name="旧道闸")
    services.facility_retire(actor=world.street_admin, facility=gone, reason="拆除")
    services.facility_register(actor=world.street_admin, estate=world.estate_b, kind="pump", name="新工水泵")

    rows = board.board(world.estate_a)["facilities"]
    assert rows == [{"kind": "电梯", "name": "1栋1单元电梯", "location": "1栋北侧", "building": "1栋",
                     "last_inspection": today - 40 * DAY, "last_maintenance": None,
                     "contractor": "重庆迅达电梯维保有限公司"}]

    page = Client().get(f"/residents/board/{board.token_for(world.estate_a)}/").content.decode()
    assert "1栋1单元电梯" in page and (today - 40 * DAY).isoformat() in page
    for hidden in ("WB-2025-001", "DT-SECRET-9", "监控主机", "旧道闸", "新工水泵", "T-0001"):
        assert hidden not in page, hidden


def test_a_phone_typed_into_a_public_facility_is_masked_on_the_board(world):
    services.facility_register(actor=world.street_admin, estate=world.estate_a, kind="charging", name="充电棚",
                               location="3栋旁，管理员 13812345678")
    page = Client().get(f"/residents/board/{board.token_for(world.estate_a)}/").content.decode()
    assert "充电棚" in page and "13812345678" not in page
