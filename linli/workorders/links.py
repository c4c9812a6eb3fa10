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
