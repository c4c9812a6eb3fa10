import pytest

from linli.volunteers.testing import add_volunteers


@pytest.fixture
def vworld(world):
    """The cast plus two volunteers of 锦霞社区 (see linli/volunteers/testing.py): they carry parcels up."""
    return add_volunteers(world)
