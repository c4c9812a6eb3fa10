import pytest

from linli.core.testing import add_volunteers


@pytest.fixture
def vworld(world):
    """The cast plus two volunteers of 锦霞社区 (linli.core.testing.add_volunteers): they carry parcels up."""
    return add_volunteers(world)
