"""Reads of the registry that several pages and the API share: coverage figures."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Max, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.memo import Memo
from linli.places.models import Division, Estate, Home, Stewardship

CONTRACT_WARNING_DAYS = 90

# The homes of each estate under a division's path, counted once per minute per process (a district's million homes
# took 180 ms to count on every view of its coverage page) and at once when a home is added anywhere: the key holds
# the highest home id. A saved or deleted home clears the memo in the process that changed it; a home deleted or
# moved to another estate elsewhere shows within ``ttl`` seconds (homes are registry rows: rarely deleted, never
# deleted while anything refers to them).
homes_memo = Memo("homes per estate under a path", ttl=60, watch=["places.Home"], size=256)


def homes_per_estate(path: str) -> dict[int, int]:
    """{estate id: number of homes} for every estate whose community's path starts with ``path``."""
    top = Home.objects.aggregate(top=Max("pk"))["top"]
    return homes_memo.get((path, top), lambda: dict(
        Home.objects.filter(estate__community__path__startswith=path).order_by().values_list("estate_id")
        .annotate(n=Count("pk"))))


def with_current_mode(estates, on: datetime.date | None = None):
    """Annotate each estate with ``mode`` and ``provider_id`` of its current stewardship (None = unknown)."""
    current = Stewardship.objects.current(on).filter(estate_id=OuterRef("pk")).order_by("-start")
    return estates.annotate(
        mode=Subquery(current.values("mode")[:1]),
        provider_id=Subquery(current.values("provider_id")[:1]),
    )


@dataclass
class Coverage:
    """Coverage of one division: estates and homes by management mode."""

    division: Division
    estates_by_mode: dict[str, int] = field(default_factory=dict)
    homes_by_mode: dict[str, int] = field(default_factory=dict)
    estates_total: int = 0
    homes_total: int = 0
    unmanaged: list = field(default_factory=list)
    expiring: list = field(default_factory=list)

    @property
    def professional_estates(self) -> int:
        return sum(self.estates_by_mode.get(m, 0) for m in Stewardship.PROFESSIONAL)

    @property
    def professional_homes(self) -> int:
        return sum(self.homes_by_mode.get(m, 0) for m in Stewardship.PROFESSIONAL)

    @property
    def professional_share(self) -> Decimal | None:
        """Share of homes under professional management (market, custodian, bundled)."""
        if not self.homes_total:
            return None
        return Decimal(self.professional_homes) / Decimal(self.homes_total)

    @property
    def professional_estate_share(self) -> Decimal | None:
        if not self.estates_total:
            return None
        return Decimal(self.professional_estates) / Decimal(self.estates_total)

    def rows(self):
        """(mode, label, estates, homes) for every mode, unknown last."""
        out = [(m.value, m.label, self.estates_by_mode.get(m.value, 0), self.homes_by_mode.get(m.value, 0))
               for m in Stewardship.Mode]
        if self.estates_by_mode.get(None):
            out.append(("unknown", _("未登记"), self.estates_by_mode[None], self.homes_by_mode.get(None, 0)))
        return out


def coverage(division: Division, estates=None, on: datetime.date | None = None) -> Coverage:
    """Coverage figures for ``division`` (community, street or district), limited to ``estates`` if given."""
    return coverage_with_children(division, [], estates=estates, on=on)[0]


def coverage_with_children(division: Division, children, estates=None, on: datetime.date | None = None):
    """(coverage of ``division``, [(child, coverage of the child) …]) for ``children`` (divisions under it), in a
    fixed number of statements whatever the number of children and estates: every estate of the division is read
    once with its mode and its community's path, its homes counted once, and the figures summed here per child.
    A child's coverage has its counts and its unmanaged estates' ids (not their rows, nor the expiring contracts)."""
    on = on or timezone.localdate()
    base = estates if estates is not None else Estate.objects.all()
    base = base.filter(community__path__startswith=division.path)
    # Two grouped queries (estates with their mode, homes per estate) joined in Python: a correlated
    # subquery per home would cost a million look-ups in a big district.
    rows = list(with_current_mode(base, on).order_by().values_list("pk", "mode", "community__path"))
    homes = homes_per_estate(division.path)
    result = Coverage(division=division)
    parts = [(child, Coverage(division=child)) for child in children]
    unmanaged: dict[int, str | None] = {}  # estate id → its mode (none, or None when unregistered)
    for pk, mode, path in rows:
        n = homes.get(pk, 0)
        for cov in [result] + [cov for child, cov in parts if path.startswith(child.path)]:
            cov.estates_by_mode[mode] = cov.estates_by_mode.get(mode, 0) + 1
            cov.homes_by_mode[mode] = cov.homes_by_mode.get(mode, 0) + n
            cov.estates_total += 1
            cov.homes_total += n
            if mode in (Stewardship.Mode.NONE, None):
                cov.unmanaged.append(pk)  # a child keeps the ids: its table shows how many
        if mode in (Stewardship.Mode.NONE, None):
            unmanaged[pk] = mode
    result.unmanaged = list(Estate.objects.filter(pk__in=list(unmanaged)).select_related("community")
                            .order_by("community__path", "name"))
    for estate in result.unmanaged:
        estate.mode, estate.home_count = unmanaged[estate.pk], homes.get(estate.pk, 0)
    result.expiring = list(
        Stewardship.objects.current(on)
        .filter(estate__in=base.values("pk"), contract_end__isnull=False,
                contract_end__gte=on, contract_end__lte=on + datetime.timedelta(days=CONTRACT_WARNING_DAYS))
        .select_related("estate", "provider", "estate__community")
        .order_by("contract_end")
    )
    return result, parts
