import pytest

from linli.volunteers.testing import add_volunteers


@pytest.fixture
def vworld(world):
    """The cast plus two volunteers of 锦霞社区 (see linli/volunteers/testing.py)."""
    return add_volunteers(world)
