"""API lists page with bounds: a huge ?limit= or ?offset= is clamped, never a 500 (issue 12, finding 15)."""

HUGE = "1004714872368102727509447016448"


def test_a_huge_limit_is_clamped_to_the_maximum(world, client_for):
    response = client_for("street_admin").get(f"/api/v1/estates/?limit={HUGE}")
    assert response.status_code == 200
    assert sorted(row["name"] for row in response.json()["results"]) == sorted(["锦霞小区", "新工宿舍"])


def test_a_huge_offset_is_an_empty_page(world, client_for):
    response = client_for("street_admin").get(f"/api/v1/estates/?offset={HUGE}&limit=5")
    assert response.status_code == 200
    assert response.json()["results"] == []
    assert response.json()["count"] == 2


def test_the_schema_states_the_bounds(world, client_for):
    schema = client_for("street_admin").get("/api/schema/?format=json").json()
    parameters = {p["name"]: p["schema"] for p in schema["paths"]["/api/v1/estates/"]["get"]["parameters"]}
    assert parameters["limit"] == {"type": "integer", "minimum": 1, "maximum": 1000}
    assert parameters["offset"] == {"type": "integer", "minimum": 0, "maximum": 2**62}
