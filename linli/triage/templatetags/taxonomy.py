"""Template filters that show a work-order category or subcategory by its name, never its code:
``{% load taxonomy %}{{ order.category|category_label }}``, ``{{ code|subcategory_label:street_name }}``."""

from django import template

from linli.triage import labels

register = template.Library()


@register.filter
def category_label(code):
    return labels.category_label(code)


@register.filter
def subcategory_label(code, name=None):
    return labels.subcategory_label(code, name)
