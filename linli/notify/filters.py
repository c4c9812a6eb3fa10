"""The deliveries list's filters (page): status and channel; a bad value is ignored."""

from .forms import DeliveryFilterForm


def filter_deliveries(qs, params):
    form = DeliveryFilterForm(params)
    if form.is_valid():
        if form.cleaned_data["status"]:
            qs = qs.filter(status=form.cleaned_data["status"])
        if form.cleaned_data["channel"]:
            qs = qs.filter(channel=form.cleaned_data["channel"])
    else:
        form = DeliveryFilterForm()
    return qs, form
