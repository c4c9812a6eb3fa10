import datetime

import pytest
from django.utils import timezone

from linli.facilities import services


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def lift(world, today):
    """A lift of estate A's building 1, registered by the street admin, inspection due in 200 days."""
    return services.facility_register(actor=world.street_admin, estate=world.estate_a, kind="lift",
                                      name="1栋1单元电梯", building=world.building_a, code="T-0001",
                                      location="1栋北侧", installed_on=today - datetime.timedelta(days=800),
                                      contractor="重庆迅达电梯维保有限公司", contract_no="WB-2025-001",
                                      contract_end=today + datetime.timedelta(days=300),
                                      inspection_due=today + datetime.timedelta(days=200))
