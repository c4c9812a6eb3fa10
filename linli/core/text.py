"""Chinese text helpers: normalisation, pinyin initials and masking of personal data.

Kept free of Django so that importers, the seeder and (later) triage can share them.
"""

import re
import unicodedata
from functools import lru_cache

_SPACE = re.compile(r"\s+")


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def normalize(value: object) -> str:
    """Traditional → Simplified, full-width → half-width, collapsed whitespace, stripped."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    text = _SPACE.sub(" ", text).strip()
    if not text or text.isascii():
        return text
    return _t2s().convert(text)


@lru_cache(maxsize=65536)
def initials(value: str) -> str:
    """Pinyin initials of a Chinese name, lower case: 九宫庙 → "jgm". Latin letters and digits are kept."""
    from pypinyin import Style, lazy_pinyin

    out = []
    for part in lazy_pinyin(normalize(value), style=Style.FIRST_LETTER, errors="default"):
        out.append("".join(ch for ch in part.lower() if ch.isalnum()))
    return "".join(out)


def mask_phone(phone: str | None) -> str:
    """13812345678 → 138****5678; short numbers keep only their last two digits."""
    if not phone:
        return ""
    digits = str(phone)
    if len(digits) >= 7:
        return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
    return "*" * max(0, len(digits) - 2) + digits[-2:]


def mask_name(name: str | None) -> str:
    """张三丰 → 张**; a two-character name → 张*; Latin names keep their first letter."""
    if not name:
        return ""
    return name[0] + "*" * (len(name) - 1)
