"""Bad input to the work-order API is a 400 naming the parameter, never a 500 (issue 12, finding 15)."""

import pytest

from linli.core.testing import error_messages


@pytest.mark.parametrize("value", ["-1.7976931348623157e%2B308", "null", "1.5"])
def test_a_list_filtered_by_an_estate_that_is_no_key_is_a_400_naming_it(world, client_for, value):
    response = client_for("street_admin").get(f"/api/v1/workorders/?estate={value}")
    assert response.status_code == 400
    assert list(error_messages(response)) == ["estate"]


def test_a_list_filtered_by_an_estate_key_out_of_range_is_a_400_naming_it(world, client_for):
    # Larger than any key the database can hold (SQLite raised OverflowError on it).
    response = client_for("street_admin").get("/api/v1/workorders/?estate=99999999999999999999999")
    assert response.status_code == 400
    assert list(error_messages(response)) == ["estate"]


def test_the_people_list_filtered_by_a_home_that_is_no_key_is_a_400_naming_it(world, client_for):
    response = client_for("street_admin").get("/api/v1/persons/?home=1e308")
    assert response.status_code == 400
    assert list(error_messages(response)) == ["home"]
