import datetime
from decimal import Decimal

import pytest

from linli.fees import services

D = datetime.date


@pytest.fixture(autouse=True)
def _served_since_2025(request):
    """The cast's estates are served (or left 脱管) from 400 days before today; the fee tests bill 2026 and 2027
    by dates written out, and billing follows service (先服务后收费), so their first stewardship rows start on a
    fixed day before those periods: no result depends on the day the tests run."""
    if "world" in request.fixturenames:
        from linli.places.models import Stewardship

        world = request.getfixturevalue("world")
        Stewardship.objects.filter(estate__in=[world.estate_a, world.estate_b], start__gt=D(2025, 1, 1)).update(
            start=D(2025, 1, 1))


@pytest.fixture
def plan(world):
    """10 元/户/月 for estate A from 2026-01-01, monthly, decided by the owners' assembly."""
    return services.fee_plan_create(
        actor=world.manager_a, estate=world.estate_a, rate=Decimal("10"), effective_from=D(2026, 1, 1),
        decision="业主大会决定 2025-3号", services="保洁、垃圾清运、秩序维护", responsible="项目经理 朱航飞",
    )


@pytest.fixture
def now():
    """A fixed moment: 2026-12-20 10:00 Asia/Shanghai."""
    from django.utils import timezone

    return timezone.make_aware(datetime.datetime(2026, 12, 20, 10, 0))
