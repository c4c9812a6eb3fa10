import pytest

from .fakes import CHANNELS, FakeChannel


@pytest.fixture
def fake(settings):
    """Every outside channel is the fake one; tasks run in-process (eager), as in the demo."""
    settings.LINLI_NOTIFY_CHANNELS = CHANNELS
    settings.CELERY_TASK_ALWAYS_EAGER = True
    FakeChannel.reset()
    yield FakeChannel
    FakeChannel.reset()


@pytest.fixture
def sms_user(world):
    """resident_a (周莲秀, phone 13812345678) who chose SMS."""
    from linli.notify.services import set_channel

    user = world.resident_a
    set_channel(user=user, channel="sms")
    return user
