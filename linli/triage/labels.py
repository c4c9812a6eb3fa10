"""The names users read for the taxonomy's codes: Chinese, or English when the active language is English.

Pages, forms and the Open311 service list take the work-order categories from here (through
``linli.triage.engine.taxonomy.default()``, read once per process), never from a list of their own, and never
show a code such as ``facility`` or ``governance.committee``.
"""

from __future__ import annotations

from django.utils.functional import lazy
from django.utils.translation import get_language

from linli.triage.engine import taxonomy


def _english() -> bool:
    return (get_language() or "").startswith("en")


def category_label(code: str | None) -> str:
    """The name of a category (``facility`` → 公共设施设备 / Shared facilities and equipment); an unknown code
    as it is."""
    cat = taxonomy.default().details.get(code or "")
    if cat is None:
        return code or ""
    return cat.name_en if _english() and cat.name_en else cat.name


def subcategory_label(code: str | None, name: str | None = None) -> str:
    """The name of a subcategory (``facility.lift`` → 电梯故障 / Lift out of order). ``name``: a street's own name
    for it (``StreetSubcategory.name``), shown as it is when the street changed it from the default."""
    sub = taxonomy.default().get(code or "")
    if sub is None:
        return name or code or ""
    if name and name != sub.name:
        return name
    return sub.name_en if _english() and sub.name_en else sub.name


def group_label(code: str | None) -> str:
    """The wider group of a category (Open311's ``group``): 房屋与设施 / Buildings and facilities."""
    cat = taxonomy.default().details.get(code or "")
    if cat is None:
        return ""
    return cat.group_en if _english() and cat.group_en else cat.group


category_label_lazy = lazy(category_label, str)
subcategory_label_lazy = lazy(subcategory_label, str)


def category_codes() -> list[str]:
    """The category codes, in the taxonomy's order."""
    return list(taxonomy.default().categories)


def subcategory_codes(category: str | None = None) -> list[str]:
    """The subcategory codes (of one category), in the taxonomy's order."""
    tax = taxonomy.default()
    return [s.code for s in (tax.of_category(category) if category else tax.subcategories.values())]


def category_choices() -> list[tuple[str, str]]:
    """(code, name) of every category; the names are lazy, so module-level choices follow each request's
    language."""
    return [(code, category_label_lazy(code)) for code in category_codes()]


def subcategory_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """The subcategories grouped under their category's name, for a <select> with <optgroup>s."""
    return [(category_label(code), [(s, subcategory_label(s)) for s in subcategory_codes(code)])
            for code in category_codes()]
