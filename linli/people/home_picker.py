"""Finding a home at the desk by typing (issue 18): "锦霞 1-302", "jx 1栋 302", "302". The results are always a subset
of the homes the user may pick (``permissions.desk_homes``): nothing here widens what staff see."""

from __future__ import annotations

import re

from django.db.models import Q

from linli.core.text import normalize

LIMIT = 20
_BUILDINGS = ("", "栋", "幢", "号楼", "号")
# "1-302", "1栋302", "1栋1单元302", "1-1-302": a building, maybe an entrance, and a room.
_BUILDING_ROOM = re.compile(r"^(\d+)(?:栋|幢|号楼|[-－/])(?:(\d+)(?:单元|[-－/]))?(\d+)$")
_BUILDING = re.compile(r"^(\d+)(?:栋|幢|号楼)$")


def _buildings(number: str) -> list[str]:
    return [number + s for s in _BUILDINGS]


def word_q(word: str) -> Q:
    if m := _BUILDING_ROOM.match(word):
        building, entrance, room = m.groups()
        q = Q(building__number__in=_buildings(building), number=room)
        return q & Q(entrance=entrance) if entrance else q
    if m := _BUILDING.match(word):
        return Q(building__number__in=_buildings(m.group(1)))
    if word.isdigit():
        return Q(number=word) | Q(building__number__in=_buildings(word))
    q = Q(estate__name__icontains=word)
    if word.isascii() and word.isalnum():
        q |= Q(estate__initials__startswith=word.lower())
    return q


def search_homes(queryset, query: str, *, limit: int = LIMIT) -> list:
    words = normalize(query).split()
    if not words:
        return []
    q = Q()
    for word in words:
        q &= word_q(word)
    return list(queryset.filter(q).select_related("building", "estate")
                .order_by("estate__name", "building__number", "entrance", "number", "pk")[:limit])
