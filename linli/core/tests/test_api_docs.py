"""The OpenAPI schema and the Swagger UI page: complete, valid, and served without any CDN."""

import re

from django.core.management import call_command
from django.test import Client

ASSET = re.compile(r"""<(?:script|link)\b[^>]*?\b(?:src|href)\s*=\s*["']([^"']+)["']""", re.IGNORECASE)


def test_the_docs_page_loads_only_local_assets(db):
    response = Client().get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assets = ASSET.findall(html)
    assert any("swagger-ui-bundle.js" in a for a in assets)
    assert [a for a in assets if re.match(r"(?i)^(https?:)?//", a) and not a.startswith("http://testserver/")] == []
    assert "cdn." not in html.lower()


def test_the_schema_lists_the_registry_endpoints(db):
    response = Client().get("/api/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert schema["paths"]["/api/v1/estates/"]["get"]["operationId"] == "estates_list"
    for path in ("/api/v1/estates/{id}/", "/api/v1/stewardships/", "/api/v1/persons/{id}/", "/api/v1/coverage/"):
        assert path in schema["paths"]


def test_the_schema_offers_no_delete_and_no_stewardship_edit(db):
    paths = Client().get("/api/schema/?format=json").json()["paths"]
    assert [p for p, ops in paths.items() if "delete" in ops or "put" in ops] == []
    assert sorted(paths["/api/v1/stewardships/{id}/"]) == ["get"]
    assert sorted(paths["/api/v1/stewardships/"]) == ["get", "post"]


def test_the_schema_describes_api_key_authentication(db):
    schemes = Client().get("/api/schema/?format=json").json()["components"]["securitySchemes"]
    assert schemes["apiKey"] == {
        "type": "http", "scheme": "bearer", "description": schemes["apiKey"]["description"]}
    assert "Token" in schemes["apiKey"]["description"]


def test_the_schema_generates_without_warnings(tmp_path):
    # Same as `manage.py spectacular --validate --fail-on-warn`: a client can be generated from it.
    target = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    assert "/api/v1/estates/" in target.read_text()
