"""Bad input to the fees API is a 400 naming the field, never a 500 (issue 12, finding 15)."""

from linli.core.testing import error_messages, post
from linli.fees.models import Relief


def test_a_collection_query_with_estate_null_is_a_400_naming_the_estate(world, client_for):
    response = client_for("street_admin").get("/api/v1/fees/collection/?estate=null")
    assert response.status_code == 400
    assert error_messages(response) == {"estate": ["小区应为编号（整数），如 ?estate=12"]}


def test_a_collection_query_for_an_estate_key_out_of_range_is_a_404(world, client_for):
    assert client_for("street_admin").get("/api/v1/fees/collection/?estate=99999999999999999999999").status_code == 404


def test_a_relief_without_its_kind_is_a_400_and_grants_nothing(world, client_for):
    body = {"home": world.home_a1.pk, "reason": "hardship", "start": "2026-01-01", "end": "2026-12-31"}
    response = post(client_for("street_admin"), "/api/v1/reliefs/", body)
    assert response.status_code == 400
    assert list(error_messages(response)) == ["kind"]
    assert Relief.objects.count() == 0


def test_the_schema_says_a_relief_needs_its_kind(world, client_for):
    schema = client_for("street_admin").get("/api/schema/?format=json").json()
    assert "kind" in schema["components"]["schemas"]["ReliefRequest"]["required"]
