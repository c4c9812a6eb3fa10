from django import template

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
