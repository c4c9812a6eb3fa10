"""``linli demo``: every app adds its part of the demo street, in INSTALLED_APPS order.

An app takes part by naming, in its AppConfig, an idempotent loader ``load(*, out)``:

    class FeesConfig(AppConfig):
        demo = "linli.fees.demo.load"

and, optionally, ``demo_history = "linli.x.demo_history.load"``, an idempotent ``load(*, out)`` that gives the
street a year of history (orders, bills and payments, votes, visits … over the last 12 months, issue 17), run after
every ``demo`` loader so that today's demo content is there first; and ``demo_done = "linli.x.demo.f"``, an
``f(*, out)`` run after everything (people prints the demo logins). The app loaders that tests call on their own
(``demo``) stay small; the history comes with ``linli demo``. The street itself (places and people) comes first because linli.people is listed before the apps
that build on it; an app whose demo needs another app's demo is listed after it. Each loader runs in its own
transaction.
"""

from collections.abc import Callable

from django.apps import apps
from django.db import transaction
from django.utils.module_loading import import_string


def _hooks(attribute: str) -> list[tuple[str, Callable]]:
    return [(config.label, import_string(getattr(config, attribute)))
            for config in apps.get_app_configs() if getattr(config, attribute, None)]


def demo_loaders() -> list[tuple[str, Callable]]:
    """(app label, loader) for every installed app that has a demo, in INSTALLED_APPS order."""
    return _hooks("demo")


def history_loaders() -> list[tuple[str, Callable]]:
    """(app label, loader) for every installed app that adds a year of history to the demo, in INSTALLED_APPS order."""
    return _hooks("demo_history")


def load_demo(out: Callable[[str], None] | None = None) -> None:
    """Run every app's demo loader, then every history loader, then every ``demo_done``; ``out`` receives the lines
    to print."""
    out = out or (lambda line: None)
    for _label, load in demo_loaders() + history_loaders():
        with transaction.atomic():
            load(out=out)
    for _label, done in _hooks("demo_done"):
        done(out=out)
