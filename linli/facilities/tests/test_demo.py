"""The demo's ledger, loaded on the cast (whose street is the demo's 九宫庙街道 with its 锦霞小区): facilities with
their history, a lift due in two weeks, a fault linked to the demo's order about the stairwell light; twice is once."""

import datetime

import pytest

from linli.core.testing import report_order
from linli.facilities import demo, selectors
from linli.facilities.models import Facility, FacilityFault

pytestmark = pytest.mark.django_db


def test_the_demo_ledger_is_loaded_once_with_a_lift_due_in_two_weeks_and_a_linked_fault(world, today):
    order = report_order(world, text="锦霞小区1栋楼道灯坏了一个星期，晚上上下楼看不见台阶。")
    lines = []
    demo.load(out=lines.append)
    facilities = Facility.objects.filter(estate=world.estate_a)
    assert facilities.count() == 8 and not Facility.objects.exclude(estate=world.estate_a).exists()
    lift = facilities.get(name=demo.SHOWCASE[1])
    assert lift.inspection_due == today + datetime.timedelta(days=14) and lift.records.count() >= 12
    assert lift in selectors.due_soon(Facility.objects.all(), today)
    assert list(FacilityFault.objects.values_list("facility__name", "order")) == [("1栋楼道声控灯", order.pk)]
    demo.load(out=lines.append)
    assert Facility.objects.count() == 8 and lines[-1] == "设施设备演示数据已存在，未做修改。"
