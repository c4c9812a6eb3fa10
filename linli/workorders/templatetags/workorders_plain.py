"""``{% load workorders_plain %}``: a request's status and steps in the words a resident reads (workorders/plain.py)."""

from django import template

from linli.workorders import plain

register = template.Library()


@register.filter
def resident_status(order) -> str:
    return plain.status_label(order.status)


@register.filter
def resident_next_step(order) -> str:
    return plain.next_step(order.status)


@register.filter
def resident_event(event) -> str:
    return plain.event_label(event.kind)
