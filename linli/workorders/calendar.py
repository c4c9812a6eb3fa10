"""Working days: weekends off, public holidays off, adjusted weekends (调休) on — from the Holiday table."""

import datetime
from functools import lru_cache

from django.utils import timezone

from linli.workorders.models import Holiday


def _overrides() -> dict[datetime.date, bool]:
    return dict(Holiday.objects.values_list("date", "is_workday"))


@lru_cache(maxsize=1)
def _cached(version: int) -> dict[datetime.date, bool]:
    return _overrides()


_version = 0


def forget_holidays() -> None:
    """Call after the Holiday table changed (the admin and the loader do)."""
    global _version
    _version += 1


def is_workday(day: datetime.date, overrides: dict | None = None) -> bool:
    table = _cached(_version) if overrides is None else overrides
    if day in table:
        return table[day]
    return day.weekday() < 5


def add_working_days(start: datetime.datetime, days: int, overrides: dict | None = None) -> datetime.datetime:
    """The moment ``days`` working days after ``start``: same clock time, skipping non-working days.

    A request received on a non-working day starts counting from the next working day.
    """
    local = timezone.localtime(start)
    day = local.date()
    remaining = days
    while remaining > 0:
        day += datetime.timedelta(days=1)
        if is_workday(day, overrides):
            remaining -= 1
    if days == 0:
        return start
    return local.replace(year=day.year, month=day.month, day=day.day)
