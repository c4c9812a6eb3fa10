"""API building blocks shared by every app's ``api.py``: the one error shape (``exception_handler``, set in
settings), the base viewsets with the permission and scope wiring, fields and filters."""

import copy

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions, mixins, serializers, viewsets
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from linli.core.access import scope_for
from linli.core.errors import Conflict
from linli.core.filters import KEY_RANGE, FilterBackend, FilterSet, IdFilter, KeysFilter  # noqa: F401 (re-exported)
from linli.core.permissions import IsMember, RegistryWrite  # noqa: F401 (the apps import them from here)

# -- one error shape ------------------------------------------------------------------------------------------
#
# Every error of /api/v1/ answers
#     {"code": "invalid", "message": "…", "fields": {"title": [{"code": "required", "message": "…"}]}, "errors": []}
# ``fields``: errors of one field, keyed by the field (a nested one by its path: "decisions.0.text");
# ``errors``: the errors of no one field (a rule, a refused step, a 403, a 404 …);
# ``code`` and ``message``: the first of ``errors`` (else ``invalid`` and the first field's message).
# Codes are stable and machine-readable; messages are for people (Chinese, or English in English mode).

NON_FIELD_KEYS = {api_settings.NON_FIELD_ERRORS_KEY, "__all__"}


def _error(detail) -> dict:
    return {"code": getattr(detail, "code", None) or "invalid", "message": str(detail)}


def _collect(detail, path: str, out: dict) -> None:
    """Flatten DRF's nested error details into ``{path: [{"code", "message"}, …]}`` ("" for no field)."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            key = "" if key in NON_FIELD_KEYS else str(key)
            _collect(value, f"{path}.{key}" if path and key else path or key, out)
    elif isinstance(detail, list):
        for index, item in enumerate(detail):
            if isinstance(item, (dict, list)):
                _collect(item, f"{path}.{index}" if path else str(index), out)
            else:
                out.setdefault(path, []).append(_error(item))
    else:
        out.setdefault(path, []).append(_error(detail))


def error_body(exc: exceptions.APIException) -> dict:
    """The JSON body of an error answer (see above)."""
    fields: dict[str, list[dict]] = {}
    _collect(exc.detail, "", fields)
    errors = fields.pop("", [])
    first = errors[0] if errors else next((e[0] for e in fields.values() if e), {"code": "invalid", "message": ""})
    return {"code": first["code"] if errors else "invalid", "message": first["message"], "fields": fields,
            "errors": errors}


def exception_handler(exc, context):
    """settings.REST_FRAMEWORK["EXCEPTION_HANDLER"]: every refusal of the API in one shape, in one place.

    Django's ValidationError (from a service or a model) → 400 with its codes, ``Conflict`` → 409, PermissionDenied
    → 403 with its message, Http404 → 404; DRF's own exceptions (401, 403, 404, 405, 415, 429 …) keep their status.
    Anything else (a ValueError, a KeyError …) is a bug: no answer here, so Django logs it and answers 500.
    """
    if isinstance(exc, ValidationError):
        status = 409 if isinstance(exc, Conflict) else 400
        exc = exceptions.ValidationError(serializers.as_serializer_error(exc))
        exc.status_code = status
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()  # one answer for "not yours" and "does not exist", never a model's name
    elif isinstance(exc, exceptions.ParseError):
        # DRF's parsers put Python's own words in it ("JSON parse error - Expecting value: line 1 column 1"),
        # untranslated (issue 18 item 6): the message says what is wrong in plain words, the code stays.
        exc = exceptions.ParseError(gettext("提交的内容无法读取：请以 JSON 或表单格式提交"))
    response = drf_exception_handler(exc, context)
    if response is not None:
        response.data = error_body(exc)
    return response


ERROR_ITEM = {
    "type": "object",
    "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
    "required": ["code", "message"],
}
ERROR_SCHEMA = {
    "type": "object",
    "description": "每个错误的统一格式（docs/api.md）：code 供程序判断，message 给人看。",
    "properties": {
        "code": {"type": "string", "description": "invalid, conflict, permission_denied, not_found, throttled …"},
        "message": {"type": "string"},
        "fields": {"type": "object", "additionalProperties": {"type": "array", "items": ERROR_ITEM},
                   "description": "按字段的错误（嵌套字段用路径，如 decisions.0.text）"},
        "errors": {"type": "array", "items": ERROR_ITEM, "description": "不属于某一字段的错误"},
    },
    "required": ["code", "message", "fields", "errors"],
}


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's schema, with the error answers of every operation pointing at one ``Error`` component."""

    def error_statuses(self) -> list[str]:
        view, public = self.view, not self.view.get_authenticators()
        statuses = ["400"] if self.method in ("POST", "PUT", "PATCH") or self._is_list_view() else []
        if not public:
            statuses += ["401", "403"]
        statuses.append("404")
        if getattr(view, "may_conflict", False) and self.method == "POST":
            statuses.append("409")
        if view.get_throttles():
            statuses.append("429")
        return statuses

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        component = ResolvedComponent(name="Error", type=ResolvedComponent.SCHEMA, object="Error",
                                      schema=ERROR_SCHEMA)
        self.registry.register_on_missing(component)
        for status in self.error_statuses():
            responses.setdefault(status, {"description": "", "content": {"application/json": {
                "schema": component.ref}}})
        return responses


# -- the base viewsets ---------------------------------------------------------------------------------------


class ScopedViewSetMixin:
    """Limits every queryset to ``Model.objects.visible_to(request.user)``."""

    def get_queryset(self):
        return super().get_queryset().visible_to(self.request.user)


class ScopedReadViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """List and read what the caller may see: members only (strangers 404, anonymous callers 401), every query
    limited to ``visible_to(user)``. State changes are ``@action``s that call a service."""

    permission_classes = [IsMember]


class ScopedViewSet(mixins.CreateModelMixin, ScopedReadViewSet):
    """A ScopedReadViewSet whose POST to the list creates; nothing is replaced or deleted (PUT, DELETE: 405).

    ``may_conflict = True`` on a viewset whose steps can be refused by the object's state (``Conflict``, 409) puts
    409 among its documented answers."""

    may_conflict = False
    http_method_names = ["get", "post", "head", "options"]
    write_denied_message = "只读角色或范围外不能修改"

    def require_write(self, *, estate=None, division=None, message: str | None = None) -> None:
        """The write check: the caller administers ``estate`` (or ``division``), else 403 and nothing changes."""
        scope = scope_for(self.request.user)
        allowed = scope.can_write_estate(estate) if estate is not None else scope.can_write_division(division)
        if not allowed:
            raise exceptions.PermissionDenied(message or self.write_denied_message)


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
        return {name: _fresh_copy(field) for name, field in cached.items()}


def _fresh_copy(field):
    """A copy of an unbound field for one serializer instance. A plain field is copied shallowly (its arguments,
    choices and queryset are only read; binding sets attributes of the copy, and its validator list is its own);
    a field holding a bound child (a nested serializer, a list or a many-related field) deeply, as DRF does."""
    if isinstance(field, serializers.BaseSerializer) or hasattr(field, "child") or hasattr(field, "child_relation"):
        return copy.deepcopy(field)
    fresh = copy.copy(field)
    if "_validators" in field.__dict__:
        fresh._validators = list(field._validators)
    return fresh


def described_text(schema: dict, **kwargs) -> serializers.CharField:
    """A text field whose schema says more than "a string" (an enum, a pattern); the service checks the value."""
    field_class = extend_schema_field({"type": "string", **schema})(type("DescribedText", (serializers.CharField,), {}))
    return field_class(**kwargs)


def choice_text(choices, **kwargs) -> serializers.CharField:
    """A text field whose schema lists the values a service accepts (an inline enum, so that no two apps' "kind"
    enums collide in the schema); the service still checks the value and says what is wrong in its own words."""
    values = [value for value, _label in choices]
    return described_text({"enum": values + ([""] if kwargs.get("allow_blank") else [])}, **kwargs)


def key_field(**kwargs) -> serializers.IntegerField:
    """A body field holding a key: a 64-bit whole number (a larger one made the database driver raise: a 500)."""
    return serializers.IntegerField(min_value=KEY_RANGE.start, max_value=KEY_RANGE.stop - 1, **kwargs)
