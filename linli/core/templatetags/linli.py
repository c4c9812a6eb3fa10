from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

from linli.core.text import mask_name, mask_phone

register = template.Library()


@register.filter
def masked_phone(value):
    return mask_phone(value)


@register.filter
def masked_name(value):
    return mask_name(value)


@register.filter
def percent(value, digits=1):
    """0.873 → "87.3%"; None → "—"."""
    if value is None:
        return "—"
    return f"{value * 100:.{int(digits)}f}%"


@register.simple_tag(takes_context=True)
def query_with(context, **kwargs):
    """The current query string with some parameters replaced (for pagination links)."""
    params = context["request"].GET.copy()
    for key, val in kwargs.items():
        params[key] = val
    return params.urlencode()


@register.filter
def options(choices, current=""):
    """``<option>`` elements of (value, label) pairs, the one equal to ``current`` selected. Written in Python: a
    template loop per option (a street's estates, its organisations) cost more than the rest of a list page."""
    current = "" if current is None else str(current)
    return mark_safe("".join(
        f'<option value="{escape(value)}"{" selected" if str(value) == current else ""}>{escape(label)}</option>'
        for value, label in choices))
