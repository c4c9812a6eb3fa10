"""Links that apps above workorders add to an order's page (registered in their ``AppConfig.ready()``).

A provider is ``provider(user, order) -> [{"label", "text", "url"}]`` and decides itself who sees its links (care
shows the link back to a care record to care staff only, issue 15 item 7); workorders never imports the apps above.
"""

from collections.abc import Callable

_PROVIDERS: dict[str, Callable] = {}


def register(key: str, provider: Callable) -> None:
    _PROVIDERS[key] = provider


def links_for(user, order) -> list[dict]:
    out = []
    for provider in _PROVIDERS.values():
        out.extend(provider(user, order))
    return out


# Links on the rates page (考评), e.g. the dashboard's 12345 assessment export: provider(user, division, period) ->
# [{"text", "url"}].
_RATES_PROVIDERS: dict[str, Callable] = {}


def register_rates(key: str, provider: Callable) -> None:
    _RATES_PROVIDERS[key] = provider


def rates_links_for(user, division, period) -> list[dict]:
    out = []
    for provider in _RATES_PROVIDERS.values():
        out.extend(provider(user, division, period))
    return out
