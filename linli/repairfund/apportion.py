"""Apportionment of an amount among homes by floor area, exact to the cent (Beijing 物业管理条例 art. 86(1): the
owners concerned share the cost of common parts "按照各自专有物业建筑面积比例"; Civil Code art. 283 likewise).

The rule (largest remainder, 最大余额法):

1. Work in whole cents: ``C = amount × 100``.
2. Each home's exact share is ``C × area / total area`` (a fraction, computed exactly, whatever the decimals of
   the areas); every home first gets the whole cents of its exact share (rounded down).
3. The cents left over (fewer than the number of homes) go one each to the homes with the largest fractional
   parts; equal fractional parts are served in order of the home's id (the smaller id first).

So the shares always sum to the amount, and each share is within one cent of the exact proportional share.

``apportion_art86`` applies the rule step by step to the three cases of art. 86: commercial and non-residential
homes (一), sold public housing between its owners and the selling unit (二), and the two together (三).
"""

from __future__ import annotations

from dataclasses import dataclass
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


# -- Beijing art. 86 (一)–(三): commercial housing, sold public housing (售后公房) and the selling unit -------------

COMMERCIAL, SOLD_PUBLIC, NON_RESIDENTIAL = "commercial", "sold_public", "non_residential"
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Basis:
    """What a home brings to the apportionment: its floor area, its kind of property, and for a sold public home
    what its owner and its selling unit deposited into the fund."""

    area: Decimal
    kind: str = COMMERCIAL
    owner_deposit: Decimal = ZERO
    seller_deposit: Decimal = ZERO


@dataclass(frozen=True)
class Part:
    """A home's part of an amount: what its owner bears and what its selling unit bears (zero unless sold public)."""

    owner: Decimal
    seller: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        return self.owner + self.seller


def split(amount: Decimal, weights: dict) -> dict:
    """``apportion`` over the keys whose weight is > 0 (keys of any sortable kind; ties go to the smaller key), the
    other keys getting 0.00; refused when no weight is > 0."""
    positive = {key: Decimal(w) for key, w in weights.items() if Decimal(w) > 0}
    if not positive:
        raise ValueError("no positive weight to apportion by")
    parts = apportion(amount, positive)
    return {key: parts.get(key, ZERO) for key in weights}


def apportion_art86(amount: Decimal, homes: dict[int, Basis]) -> dict[int, Part]:
    """Split ``amount`` among ``homes`` by Beijing 物业管理条例 art. 86, each step exact to the cent by the largest
    remainder (``apportion``):

    (三) when sold public homes and commercial or non-residential homes share the common parts, the amount is first
         split by floor area between the two groups (ties: the commercial group first);
    (一) the commercial and non-residential group shares its amount by each home's floor area;
    (二) the sold public group's amount is split between the owners concerned and the selling units in proportion
         to what each side deposited (ties: the owners first); the owners' part among the owners by floor area, the
         selling units' part among the homes by what the unit deposited for each (so each unit pays in proportion
         to its deposit). A side that deposited nothing bears nothing; if neither did, the owners bear it by area
         (art. 86 last para.: without a fund, the owners share the cost).

    Equal fractions within a step go to the smaller home id. {home id: Part}."""
    if not homes:
        raise ValueError("no homes to apportion among")
    sold = {h: b for h, b in homes.items() if b.kind == SOLD_PUBLIC}
    rest = {h: b for h, b in homes.items() if b.kind != SOLD_PUBLIC}
    if sold and rest:
        groups = apportion(amount, {0: sum((b.area for b in rest.values()), ZERO),
                                    1: sum((b.area for b in sold.values()), ZERO)})
    else:
        groups = {0: amount, 1: ZERO} if rest else {0: ZERO, 1: amount}
    parts: dict[int, Part] = {}
    if rest:
        for home, owner in apportion(groups[0], {h: b.area for h, b in rest.items()}).items():
            parts[home] = Part(owner=owner)
    if sold:
        owners = sum((b.owner_deposit for b in sold.values()), ZERO)
        sellers = sum((b.seller_deposit for b in sold.values()), ZERO)
        if owners <= 0 and sellers <= 0:
            sides = {0: groups[1], 1: ZERO}
        else:
            sides = split(groups[1], {0: owners, 1: sellers})
        by_area = apportion(sides[0], {h: b.area for h, b in sold.items()})
        by_deposit = split(sides[1], {h: b.seller_deposit for h, b in sold.items()}) if sides[1] else {}
        for home in sold:
            parts[home] = Part(owner=by_area[home], seller=by_deposit.get(home, ZERO))
    return parts
