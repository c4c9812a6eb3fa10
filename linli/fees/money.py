"""The arithmetic of fees, exact to the fen (0.01 元), with no Django inside.

Rules (docs/fees.md has them with examples):

* A monthly charge is the plan's rate for the home (per home, per m² × exclusive area, or the amount
  of the home's area band). It is kept exact (``Decimal``), never rounded on its own.
* A period (month, quarter, year) is billed month by month. A month in which the home is billable on
  every day costs the monthly charge; a partly billable month costs charge × billable days / days in that
  month (moving in or out, grace period, plan starting or ending mid-month). The shares are added as exact
  fractions and the sum is rounded **once** to the fen, half up (``ROUND_HALF_UP``: 0.005 → 0.01).
* Relief is computed the same way over the days it covers and rounded once; it never exceeds the bill.
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from linli.core.deferred import MessageError, gettext_noop

FEN = Decimal("0.01")
ZERO = Decimal("0.00")

Interval = tuple[datetime.date, datetime.date]  # inclusive at both ends


def to_fen(value: Fraction | Decimal | int) -> Decimal:
    """Round an exact amount to the fen, half up (0.005 → 0.01, −0.005 → −0.01)."""
    if isinstance(value, Fraction):
        sign = -1 if value < 0 else 1
        cents = abs(value) * 100
        whole = cents.numerator // cents.denominator
        if (cents - whole) * 2 >= 1:
            whole += 1
        return (Decimal(sign * whole) / 100).quantize(FEN)
    return Decimal(value).quantize(FEN, rounding=ROUND_HALF_UP)


def parse_money(text) -> Decimal:
    """A positive amount with at most two decimals ("12", "12.5", "12.50"); ValueError otherwise."""
    value = Decimal(str(text).strip().replace(",", "").replace("，", ""))
    if not value.is_finite() or value <= 0 or value != value.quantize(FEN):
        raise ValueError(text)
    return value.quantize(FEN)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later (clamped to the end of a shorter month)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def month_end(day: datetime.date) -> datetime.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


@dataclass(frozen=True)
class Period:
    """A billing period: ``2026-12`` (month), ``2026-Q4`` (quarter) or ``2026`` (year)."""

    code: str
    frequency: str  # monthly, quarterly, yearly
    start: datetime.date
    end: datetime.date

    def months(self) -> list[Interval]:
        out, day = [], self.start
        while day <= self.end:
            out.append((day, month_end(day)))
            day = add_months(day, 1)
        return out

    @property
    def due_on(self) -> datetime.date:
        return self.end

    def previous(self) -> Period:
        return period_containing(self.start - datetime.timedelta(days=1), self.frequency)


PERIOD = re.compile(r"^(\d{4})(?:-(\d{2})|-Q([1-4]))?$")


def parse_period(code: str) -> Period:
    match = PERIOD.match(str(code).strip().upper())
    if not match:
        raise MessageError(gettext_noop("账期格式应为 2026-12、2026-Q4 或 2026：%(code)s"), code=code)
    year = int(match.group(1))
    if match.group(2):
        month = int(match.group(2))
        if not 1 <= month <= 12:
            raise MessageError(gettext_noop("月份应为 01–12：%(code)s"), code=code)
        start = datetime.date(year, month, 1)
        return Period(f"{year:04d}-{month:02d}", "monthly", start, month_end(start))
    if match.group(3):
        quarter = int(match.group(3))
        start = datetime.date(year, 3 * quarter - 2, 1)
        return Period(f"{year:04d}-Q{quarter}", "quarterly", start, month_end(add_months(start, 2)))
    return Period(f"{year:04d}", "yearly", datetime.date(year, 1, 1), datetime.date(year, 12, 31))


def period_containing(day: datetime.date, frequency: str) -> Period:
    if frequency == "monthly":
        return parse_period(f"{day.year}-{day.month:02d}")
    if frequency == "quarterly":
        return parse_period(f"{day.year}-Q{(day.month - 1) // 3 + 1}")
    return parse_period(str(day.year))


def monthly_charge(*, basis: str, rate: Decimal, type_rates: list, area: Decimal) -> Decimal:
    """The exact monthly charge of one home (not rounded)."""
    if basis == "per_home":
        return Decimal(rate)
    if basis == "per_area":
        return Decimal(rate) * Decimal(area)
    for band in type_rates:
        if band.get("up_to") in (None, "") or Decimal(area) <= Decimal(str(band["up_to"])):
            return Decimal(str(band["amount"]))
    return ZERO


def clip(intervals: list[Interval], lo: datetime.date, hi: datetime.date) -> list[Interval]:
    """The parts of ``intervals`` inside [lo, hi], merged and sorted."""
    parts = sorted((max(a, lo), min(b, hi)) for a, b in intervals if max(a, lo) <= min(b, hi))
    merged: list[Interval] = []
    for a, b in parts:
        if merged and a <= merged[-1][1] + datetime.timedelta(days=1):
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


def intersect(a: list[Interval], b: list[Interval]) -> list[Interval]:
    """The days in both ``a`` and ``b``, merged and sorted."""
    parts = [part for lo, hi in b for part in clip(a, lo, hi)]
    return clip(parts, datetime.date.min, datetime.date.max)


def days_in(intervals: list[Interval]) -> int:
    return sum((b - a).days + 1 for a, b in intervals)


def prorated(monthly: Decimal, period: Period, billable: list[Interval]) -> tuple[Fraction, int]:
    """(exact amount, billable days) of ``monthly`` over the billable days of ``period``, month by month."""
    total, days = Fraction(0), 0
    for lo, hi in period.months():
        covered = days_in(clip(billable, lo, hi))
        if covered:
            total += Fraction(monthly) * covered / ((hi - lo).days + 1)
            days += covered
    return total, days


def relief_share(
    *, kind: str, value: Decimal, monthly: Decimal, period: Period, billable: list[Interval], relief: Interval
) -> Fraction:
    """The exact relief for one relief over the billable days it covers."""
    covered = clip(billable, *relief)
    if kind == "exempt":
        return prorated(monthly, period, covered)[0]
    if kind == "percent":
        return prorated(monthly, period, covered)[0] * Fraction(value) / 100
    return prorated(min(Decimal(value), monthly), period, covered)[0]  # a fixed amount per month
