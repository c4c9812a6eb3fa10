import datetime
from decimal import Decimal

import pytest

from linli.fees import services

D = datetime.date


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
