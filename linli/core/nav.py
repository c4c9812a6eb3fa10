"""Top-bar and home-page links contributed by each app (registered in its AppConfig.ready()).

    from linli.core.nav import NavItem, register
    register(NavItem("工单", "workorders:inbox", lambda scope, user: scope.is_staff_member, order=20))

``show(scope, user)`` decides who sees the link; ``order`` sorts the bar (registry links are 10–19).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse


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


# The links' addresses, reversed once per URL configuration and script prefix (every signed-in page draws the bar).
_URLS: dict[tuple, str | None] = {}


def _url(name: str) -> str | None:
    key = (settings.ROOT_URLCONF, get_urlconf(), get_script_prefix(), name)
    if key not in _URLS:
        try:
            _URLS[key] = reverse(name)
        except NoReverseMatch:
            _URLS[key] = None
    return _URLS[key]


def items_for(scope, user) -> list[dict]:
    out = []
    for item in _ITEMS:
        if not item.show(scope, user):
            continue
        url = _url(item.url_name)
        if url is not None:
            out.append({"label": item.label, "url": url, "on_home": item.on_home})
    return out
