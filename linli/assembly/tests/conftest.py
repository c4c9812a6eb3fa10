import pytest

from linli.core.testing import open_motion


@pytest.fixture
def motion(world):
    """A motion of estate A, open for votes (open_motion in linli/core/testing.py)."""
    return open_motion(world)
