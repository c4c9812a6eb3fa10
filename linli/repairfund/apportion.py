"""Apportionment of an amount among homes by floor area, exact to the cent (Beijing 物业管理条例 art. 86(1): the
owners concerned share the cost of common parts "按照各自专有物业建筑面积比例"; Civil Code art. 283 likewise).

The rule (largest remainder, 最大余额法):

1. Work in whole cents: ``C = amount × 100``.
2. Each home's exact share is ``C × area / total area`` (a fraction, computed exactly, whatever the decimals of
   the areas); every home first gets the whole cents of its exact share (rounded down).
3. The cents left over (fewer than the number of homes) go one each to the homes with the largest fractional
   parts; equal fractional parts are served in order of the home's id (the smaller id first).

So the shares always sum to the amount, and each share is within one cent of the exact proportional share.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

CENT = Decimal("0.01")


def apportion(amount: Decimal, areas: dict[int, Decimal]) -> dict[int, Decimal]:
    """Split ``amount`` (a Decimal with at most two decimals, ≥ 0) among the homes of ``areas`` ({home id: area
    > 0}) by area with the largest-remainder rule above; {home id: share}."""
    if not areas:
        raise ValueError("no homes to apportion among")
    amount = Decimal(amount)
    if amount < 0 or amount != amount.quantize(CENT):
        raise ValueError("amount must be ≥ 0 with at most two decimals")
    if any(Decimal(a) <= 0 for a in areas.values()):
        raise ValueError("every area must be > 0")
    cents = int(amount * 100)
    total = sum((Fraction(Decimal(a)) for a in areas.values()), Fraction(0))
    exact = {home: Fraction(cents) * Fraction(Decimal(area)) / total for home, area in areas.items()}
    whole = {home: share.numerator // share.denominator for home, share in exact.items()}
    left = cents - sum(whole.values())
    order = sorted(areas, key=lambda home: (-(exact[home] - whole[home]), home))
    for home in order[:left]:
        whole[home] += 1
    return {home: (Decimal(c) / 100).quantize(CENT) for home, c in whole.items()}
