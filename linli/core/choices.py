"""Choice labels looked up in a dict: ``get_FOO_display()`` rebuilds the field's choice list, hashes every lazy label
and translates it on each call, which on a page of 50 orders cost a third of the request."""

from django.utils.translation import get_language

_TABLES: dict = {}


def labels(choices) -> dict:
    """{value: label} of a ``TextChoices`` class (or a list of pairs) in the active language, built once per language."""
    key = (id(choices), get_language())
    table = _TABLES.get(key)
    if table is None:
        pairs = choices.choices if hasattr(choices, "choices") else choices
        table = _TABLES[key] = {value: str(label) for value, label in pairs}
    return table


def label(choices, value) -> str:
    """The label of ``value`` as ``get_FOO_display()`` gives it (the value itself when it is not a choice)."""
    return labels(choices).get(value, value)
