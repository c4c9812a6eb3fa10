"""Sections that apps above volunteers add to a volunteer's own page (``volunteers:me``).

An app registers ``loader(user, person)`` under a context key in its ``AppConfig.ready()`` (care adds the
visits due); volunteers never imports them.
"""

from collections.abc import Callable

_SECTIONS: dict[str, Callable] = {}


def register(key: str, loader: Callable) -> None:
    _SECTIONS[key] = loader


def sections() -> list[tuple[str, Callable]]:
    return list(_SECTIONS.items())
