"""One error shape for the whole API (linli.core.api.exception_handler, docs/api.md "Errors").

The handler is tested on small views that raise each kind of error; test_every_write_answers_a_bad_body_in_one_shape
walks every operation of the schema that takes a body.
"""

import json
import os

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import transaction
from django.http import Http404
from django.test import Client
from django.urls import resolve
from rest_framework import exceptions, serializers
from rest_framework.permissions import AllowAny
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from linli.core.errors import Conflict
from linli.core.memo import clear_all
from linli.people.models import ApiKey, Membership, Role
from linli.workorders.services import IllegalStep

SHAPE = {"code", "message", "fields", "errors"}


def answer(exc, method="post", throttle_wait=None):
    """What the API answers when a view raises ``exc``."""

    class Raising(APIView):
        permission_classes = [AllowAny]
        authentication_classes = []

        def post(self, request):
            raise exc

        get = post

    request = getattr(APIRequestFactory(), method)("/x/", {}, format="json")
    response = Raising.as_view()(request)
    return response.status_code, response.data


class TitleSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=3)
    decisions = serializers.ListField(child=serializers.DictField(child=serializers.IntegerField()))


def test_a_serializer_error_is_keyed_by_field_with_its_code():
    s = TitleSerializer(data={"title": "too long", "decisions": [{"a": 1}, {"a": "x"}]})
    assert not s.is_valid()
    status, body = answer(exceptions.ValidationError(s.errors))
    assert (status, body["code"], body["errors"]) == (400, "invalid", [])
    assert body["fields"] == {
        "title": [{"code": "max_length", "message": "请确保这个字段不能超过 3 个字符。"}],
        "decisions.1.a": [{"code": "invalid", "message": "请填写合法的整数值。"}],
    }
    assert body["message"] == "请确保这个字段不能超过 3 个字符。"


def test_a_service_validation_error_keeps_its_field_and_its_code():
    status, body = answer(ValidationError({"deadline": ValidationError("请填写选聘期限", code="required")}))
    assert (status, body) == (400, {"code": "invalid", "message": "请填写选聘期限", "fields": {
        "deadline": [{"code": "required", "message": "请填写选聘期限"}]}, "errors": []})


def test_a_rule_of_no_one_field_is_under_errors_and_gives_its_code():
    status, body = answer(ValidationError("同一业主投了两张票", code="double_vote"))
    assert (status, body) == (400, {"code": "double_vote", "message": "同一业主投了两张票", "fields": {},
                                    "errors": [{"code": "double_vote", "message": "同一业主投了两张票"}]})


def test_a_validation_error_without_a_code_says_invalid():
    status, body = answer(ValidationError(["第一条", "第二条"]))
    assert (status, body["code"], [e["message"] for e in body["errors"]]) == (400, "invalid", ["第一条", "第二条"])


def test_a_step_the_state_refuses_is_a_409_conflict():
    assert answer(IllegalStep("工单当前状态为「已派单」，不能结案。")) == (409, {
        "code": "illegal_step", "message": "工单当前状态为「已派单」，不能结案。", "fields": {},
        "errors": [{"code": "illegal_step", "message": "工单当前状态为「已派单」，不能结案。"}]})
    assert answer(Conflict("已结束"))[1]["code"] == "conflict"


def test_a_service_permission_denied_is_a_403_with_its_message():
    status, body = answer(PermissionDenied("您无权对该工单执行此操作"))
    assert (status, body["code"], body["message"]) == (403, "permission_denied", "您无权对该工单执行此操作")


def test_a_404_names_nothing():
    status, body = answer(Http404("No WorkOrder matches the given query."))
    assert (status, body["code"], body["message"], body["fields"]) == (404, "not_found", "未找到。", {})


def test_drf_refusals_keep_their_status_and_headers(db):
    anonymous = Client().get("/api/v1/estates/")
    assert (anonymous.status_code, anonymous["WWW-Authenticate"], anonymous.json()["code"]) == (
        401, "Token", "not_authenticated")
    assert answer(exceptions.MethodNotAllowed("PUT"))[1]["code"] == "method_not_allowed"
    status, body = answer(exceptions.Throttled(detail="提交太频繁，请稍后再试"))
    assert (status, body["code"], body["message"]) == (429, "throttled", "提交太频繁，请稍后再试")


def test_a_value_error_is_a_bug_not_a_400():
    with pytest.raises(ValueError):
        answer(ValueError("账期格式应为 2026-12"))


def test_the_schema_describes_the_error_shape_once(db):
    schema = Client().get("/api/schema/?format=json").json()
    assert schema["components"]["schemas"]["Error"]["required"] == ["code", "message", "fields", "errors"]
    intake = schema["paths"]["/api/v1/workorders/"]["post"]["responses"]
    assert {code: intake[code]["content"]["application/json"]["schema"] for code in ("400", "403", "404")} == {
        code: {"$ref": "#/components/schemas/Error"} for code in ("400", "403", "404")}
    assert "409" in schema["paths"]["/api/v1/workorders/{code}/close/"]["post"]["responses"]


# -- every operation that takes a body, with a bad one ---------------------------------------------------------


@pytest.fixture(scope="module")
def demo_street(django_db_setup, django_db_blocker):
    """The demo street (rows of every kind), loaded once for this module and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic(), open(os.devnull, "w") as devnull:
        call_command("demo", stdout=devnull)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def admin_client(demo_street, db):
    """The demo street admin (九宫庙街道), who may write almost everything in the street, by API key."""
    admin = Membership.objects.get(role=Role.STREET_ADMIN, user__username="street_admin").user
    key = ApiKey.generate()
    ApiKey.objects.create(name="errors", user=admin, prefix=key[:8], key_hash=ApiKey.hash(key))
    return Client(headers={"Authorization": f"Token {key}"})


def operations_with_a_body(schema):
    for path, ops in sorted(schema["paths"].items()):
        for method, op in ops.items():
            if method in ("post", "put", "patch") and "requestBody" in op:
                yield path, method, op


def fill_path(client, path):
    """``path`` with its parameter taken from the first row of the list it belongs to; when the admin sees no row
    there, any row of the list's model (the admin may get a 404, in the same shape), else a key that is nobody's."""
    if "{" not in path:
        return path
    base, rest = path.split("{", 1)
    name, tail = rest.split("}", 1)
    response = client.get(base)
    rows = response.json() if response.status_code == 200 else None
    rows = rows.get("results", rows) if isinstance(rows, dict) else rows
    if rows and name in rows[0]:
        return f"{base}{rows[0][name]}{tail}"
    model = resolve(base).func.cls.queryset.model
    row = model.objects.order_by("pk").first()
    return f"{base}{getattr(row, name if name != 'id' else 'pk') if row else 0}{tail}"


def bad_bodies(schema, op):
    """Bodies no operation takes: a bare text where an object (or a list of them) belongs, and an object whose every
    field has the wrong type (a JSON object where text, a number, a date or a key belongs)."""
    yield json.dumps("不是对象")
    body = op["requestBody"]["content"].get("application/json", {}).get("schema", {})
    if "$ref" in body:
        fields = schema["components"]["schemas"][body["$ref"].rsplit("/", 1)[1]].get("properties", {})
        yield json.dumps({name: {"not": "a value"} for name, field in fields.items() if not field.get("readOnly")})


def test_every_write_answers_a_bad_body_in_one_shape(admin_client, settings):
    settings.LINLI_PAYMENT_SANDBOX = True  # the sandbox gateway's callback is an endpoint too
    schema = admin_client.get("/api/schema/?format=json").json()
    seen, statuses = 0, {}
    for path, method, op in operations_with_a_body(schema):
        url = fill_path(admin_client, path.replace("{name}", "sandbox"))
        for body in bad_bodies(schema, op):
            with transaction.atomic():
                response = getattr(admin_client, method)(url, body, content_type="application/json")
                transaction.set_rollback(True)
            clear_all()
            seen += 1
            if path == "/api/v1/hotline/orders/" and response.status_code == 200:
                # The 12345 push answers each order it was sent (docs/open311-and-12345.md): a bad one is rejected.
                assert response.json()["rejected"] == 1 and response.json()["created"] == 0
                continue
            assert 400 <= response.status_code < 500, (method, url, response.status_code, response.content[:300])
            data = response.json()
            assert set(data) == SHAPE, (method, url, data)
            assert isinstance(data["code"], str) and data["code"] and data["message"], (method, url, data)
            for item in data["errors"] + [e for errors in data["fields"].values() for e in errors]:
                assert set(item) == {"code", "message"}, (method, url, data)
            statuses.setdefault(response.status_code, set()).add(f"{method.upper()} {path}")
    assert seen >= 2 * 90
    # The admin may write nearly everywhere, so the answer is "your body is wrong", not "who are you" (a few
    # operations on rows of other kinds of users, and uploads that read multipart only (415), answer otherwise).
    assert len(statuses[400]) * 10 >= 9 * sum(len(v) for v in statuses.values()), statuses
