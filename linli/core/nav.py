"""Top-bar and home-page links contributed by each app (registered in its AppConfig.ready()).

    from linli.core.nav import NavItem, register
    register(NavItem("工单", "workorders:inbox", lambda scope, user: scope.is_staff_member, order=20))

``show(scope, user)`` decides who sees the link; ``order`` sorts the bar (registry links are 10–19).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    show: Callable
    order: int = 50
    on_home: bool = True  # also a button on the home page


_ITEMS: list[NavItem] = []


def register(item: NavItem) -> None:
    if all(existing.url_name != item.url_name for existing in _ITEMS):
        _ITEMS.append(item)
        _ITEMS.sort(key=lambda i: i.order)


def items_for(scope, user) -> list[dict]:
    out = []
    for item in _ITEMS:
        if not item.show(scope, user):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        out.append({"label": item.label, "url": url, "on_home": item.on_home})
    return out
