"""Messages of the modules that run without Django (the vote tally, the fee arithmetic), translated when shown.

Such a module marks its Chinese text with ``gettext_noop`` (so ``make messages`` puts it in the catalogue) and
raises ``MessageError(msgid, **params)``; ``str()`` of the error is the text in the active language once Django
is running (``CoreConfig.ready`` sets ``translate`` to Django's ``gettext``), the Chinese text before that.
This module imports nothing from Django.
"""

from __future__ import annotations

from collections.abc import Callable


def gettext_noop(message: str) -> str:
    """Marks ``message`` for the catalogue and returns it unchanged."""
    return message


def _identity(message: str) -> str:
    return message


translate: Callable[[str], str] = _identity


def translated(message: str, **params) -> str:
    """``message`` (a msgid with named placeholders) in the active language, filled with ``params``."""
    text = translate(message)
    return text % params if params else text


class MessageError(ValueError):
    """A ValueError whose message is a msgid with named placeholders (``%(name)s``) and their values."""

    def __init__(self, message: str, **params):
        super().__init__(message, params)
        self.message, self.params = message, params

    def __str__(self) -> str:
        return translated(self.message, **self.params)
