"""POST /api/v1/triage/classify/ for members."""

import pytest

from linli.core.testing import post

URL = "/api/v1/triage/classify/"


def test_an_anonymous_client_is_refused(client, world):
    assert post(client, URL, {"text": "电梯坏了"}).status_code == 401


def test_a_stranger_gets_not_found(client_for):
    assert post(client_for("stranger"), URL, {"text": "电梯坏了"}).status_code == 404


@pytest.mark.parametrize("name", ["resident_a", "staff_a", "street_admin", "auditor"])
def test_members_classify_a_complaint(client_for, name):
    response = post(client_for(name), URL, {"text": "楼道里有很大的煤气味，怕是漏气了"})
    assert response.status_code == 200
    data = response.json()
    assert (data["category"], data["subcategory"], data["urgent"]) == ("utilities", "utilities.gas", True)
    assert data["explanation"]["limit_hours"] == 1
    assert set(data) == {"category", "subcategory", "confidence", "tier", "level", "urgent", "keywords",
                         "uncertain", "explanation"}


def test_an_estate_the_member_cannot_see_is_refused_like_one_that_does_not_exist(world, client_for):
    client = client_for("resident_a")
    far = post(client, URL, {"text": "电梯坏了", "estate": world.estate_far.pk})
    missing = post(client, URL, {"text": "电梯坏了", "estate": 999999})
    assert far.status_code == missing.status_code == 400
    assert far.json() == missing.json()


def test_the_estates_street_settings_apply(world, client_for):
    from linli.triage import services
    from linli.triage.models import StreetSubcategory

    services.taxonomy_seed(street=world.street)
    StreetSubcategory.objects.filter(street=world.street, code="facility.lift").update(level="community")
    response = post(client_for("resident_a"), URL, {"text": "1栋电梯又坏了，停了两天", "estate": world.estate_a.pk})
    assert response.json()["level"] == "community"


def test_an_empty_text_is_a_validation_error(client_for):
    assert post(client_for("street_admin"), URL, {"text": ""}).status_code == 400
