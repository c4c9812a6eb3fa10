import pytest
from django.utils import translation

from linli.core.testing import open_motion


@pytest.fixture(autouse=True)
def _chinese():
    """Messages are compared in Chinese: a request of an earlier test on this worker (Accept-Language: en) leaves
    English active in the thread, since LocaleMiddleware does not switch back."""
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def motion(world):
    """A motion of estate A, open for votes (open_motion in linli/core/testing.py)."""
    return open_motion(world)
