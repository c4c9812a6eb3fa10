"""Filter building blocks of the API and the pages (django-filter): key filters that refuse what the database
driver would raise on, and the API's default filter backend (settings: DEFAULT_FILTER_BACKENDS).

Kept apart from linli.core.api, which imports DRF's views: DRF loads the backend named in its settings while its
views are being defined."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

KEY_RANGE = range(-(2**63), 2**63)


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(filters.NumberFilter):
    """``?estate=12``: a key, so a whole number. NumberFilter takes decimals, and ``?estate=1e308`` reached the
    database (a 500 on SQLite); here "null", "1.5" or "1e308" are a 400 naming the parameter."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        # Beyond a 64-bit key the database driver raises instead of finding nothing.
        kwargs.setdefault("min_value", -(2**63))
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


class KeysField(forms.ModelMultipleChoiceField):
    """``?teams=1&teams=2``: keys beyond 64 bits are refused here; the database driver raised on them (a 500)."""

    def _check_values(self, value):
        for key in value:
            try:
                number = int(str(key))
            except ValueError:
                continue  # not a number at all: the parent field says so
            if number not in KEY_RANGE:
                raise ValidationError(_("编号超出范围"), code="invalid_pk_value")
        return super()._check_values(value)


class KeysFilter(filters.ModelMultipleChoiceFilter):
    field_class = KeysField


class FilterSet(filters.FilterSet):
    """The base of the filtersets the API builds from ``filterset_fields``: many-valued references use KeysFilter."""

    FILTER_DEFAULTS = {
        field: {**spec, "filter_class": KeysFilter} if spec["filter_class"] is filters.ModelMultipleChoiceFilter
        else spec
        for field, spec in filters.FilterSet.FILTER_DEFAULTS.items()
    }


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend, building ``filterset_fields`` on linli.core.api.FilterSet (settings: the API's
    default filter backend)."""

    filterset_base = FilterSet
