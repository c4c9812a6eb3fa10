"""API building blocks shared by every app's ``api.py``."""

import copy

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import permissions, serializers

from linli.core.access import scope_for


class IsMember(permissions.BasePermission):
    """Signed in (session or API key) and serving or living somewhere; strangers get 404."""

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        if not scope_for(request.user).is_member:
            raise Http404
        return True


class RegistryWrite(IsMember):
    """Reads for members in scope; writes only for registry admins (others get 403)."""

    message = "只读角色不能修改登记信息"

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        return scope_for(request.user).is_registry_admin


class ScopedViewSetMixin:
    """Limits every queryset to ``Model.objects.visible_to(request.user)``."""

    def get_queryset(self):
        return super().get_queryset().visible_to(self.request.user)


class CachedFieldsMixin:
    """Build a serializer class's fields once per process and give each instance a copy.

    DRF builds a ModelSerializer's fields from the model on every instance; on a busy endpoint (the work-order
    intake) that costs more than the rest of the request. Only for serializers whose fields do not depend on the
    instance or the context (a field may still read the context when it runs, e.g. a scoped queryset).
    """

    def get_fields(self):
        cls = type(self)
        cached = cls.__dict__.get("_linli_fields")
        if cached is None:
            cached = super().get_fields()
            cls._linli_fields = cached
        return copy.deepcopy(cached)


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


def described_text(schema: dict, **kwargs) -> serializers.CharField:
    """A text field whose schema says more than "a string" (an enum, a pattern); the service checks the value."""
    field_class = extend_schema_field({"type": "string", **schema})(type("DescribedText", (serializers.CharField,), {}))
    return field_class(**kwargs)


def choice_text(choices, **kwargs) -> serializers.CharField:
    """A text field whose schema lists the values a service accepts (an inline enum, so that no two apps' "kind"
    enums collide in the schema); the service still checks the value and says what is wrong in its own words."""
    values = [value for value, _label in choices]
    return described_text({"enum": values + ([""] if kwargs.get("allow_blank") else [])}, **kwargs)


KEY_RANGE = range(-(2**63), 2**63)


def key_field(**kwargs) -> serializers.IntegerField:
    """A body field holding a key: a 64-bit whole number (a larger one made the database driver raise: a 500)."""
    return serializers.IntegerField(min_value=KEY_RANGE.start, max_value=KEY_RANGE.stop - 1, **kwargs)


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
