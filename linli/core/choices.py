"""Choice labels looked up in a dict: ``get_FOO_display()`` rebuilds the field's choice list, hashes every lazy label
and translates it on each call, which on a page of 50 orders cost a third of the request."""

from django.db.models import Choices
from django.utils.translation import get_language, override

_TABLES: dict = {}


def labels(choices: type[Choices]) -> dict:
    """{value: label} of a ``TextChoices`` class in the active language, built once per class and language."""
    key = (choices, get_language())
    table = _TABLES.get(key)
    if table is None:
        table = _TABLES[key] = {value: str(label) for value, label in choices.choices}
    return table


def label(choices: type[Choices], value) -> str:
    """The label of ``value`` as ``get_FOO_display()`` gives it (the value itself when it is not a choice)."""
    return labels(choices).get(value, value)


def values_by_chinese_label(choices: type[Choices], key=str) -> dict:
    """{Chinese label: value}, for reading sheets whose cells hold the Chinese labels. Built under zh-hans whatever
    the language of the request or command that first imports the module (a map frozen in English would refuse
    every Chinese sheet for the life of the process)."""
    with override("zh-hans"):
        return {key(str(label)): value for value, label in choices.choices}
