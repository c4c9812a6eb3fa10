"""The first page a user sees after signing in, contributed by the apps above core (registered in their
AppConfig.ready()), consulted by the home page (people.views.home, a lower layer than the apps that register):

    from linli.core.landing import Landing, register
    register(Landing("dashboard:index", lambda scope, user: bool(scope.roles & {...}), order=10))

The first landing (lowest ``order``) whose ``applies(scope, user)`` is true wins; with none the home page shows.
``/?home=1`` always shows the home page itself (its link in the top bar and on the landing page).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class Landing:
    url_name: str
    applies: Callable
    order: int = 50


_LANDINGS: list[Landing] = []


def register(landing: Landing) -> None:
    if all(existing.url_name != landing.url_name for existing in _LANDINGS):
        _LANDINGS.append(landing)
        _LANDINGS.sort(key=lambda item: item.order)


def landing_for(scope, user) -> str | None:
    """The URL of the user's first page, or None for the home page."""
    for landing in _LANDINGS:
        if landing.applies(scope, user):
            try:
                return reverse(landing.url_name)
            except NoReverseMatch:
                continue
    return None
