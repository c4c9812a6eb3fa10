"""Mainland mobile numbers as people type them: full-width digits (１３８…), +86 / 0086 / 86 in front, spaces,
dashes and brackets. ``normalize_phone`` gives the 11 digits ("" when it is not a mobile number), and
``phone_variants`` the ways the registry may have stored one number, so that a look-up uses the phone index.
"""

from __future__ import annotations

import re
import unicodedata

MOBILE = re.compile(r"^1[3-9]\d{9}$")
_SEPARATORS = re.compile(r"[\s\-()（）.·]+")


def normalize_phone(value: object) -> str:
    """The 11 digits of a mainland mobile number, or "" when ``value`` is not one.

    ``＋８６ １３８-１２３４-５６７８`` → ``13812345678``; ``0086 13812345678`` → ``13812345678``; ``023-68812345`` → "".
    """
    text = unicodedata.normalize("NFKC", str(value or "")).strip()
    text = _SEPARATORS.sub("", text)
    if text.startswith("+"):
        text = text[1:]
        if text.startswith("86"):
            text = text[2:]
    elif text.startswith("0086"):
        text = text[4:]
    elif text.startswith("86") and len(text) == 13:
        text = text[2:]
    return text if MOBILE.match(text) else ""


def phone_variants(number: str) -> list[str]:
    """The spellings of one normalised number that a registry (an import, a desk, an older version) may hold."""
    if not number:
        return []
    spaced = f"{number[:3]} {number[3:7]} {number[7:]}"
    dashed = f"{number[:3]}-{number[3:7]}-{number[7:]}"
    return [number, f"+86{number}", f"+86 {number}", f"86{number}", f"0086{number}", spaced, dashed,
            f"+86 {spaced}", f"+86-{number}"]
