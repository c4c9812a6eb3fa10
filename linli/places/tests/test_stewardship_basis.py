"""Issue 15 item 2: a change of management rests on a basis (the consent guard), and a correction of a data-entry
mistake is its own logged action. Reproduction first: on main the direct form and the API accepted 国有托管 and a
market company with an empty basis, no vote and no contract."""

from django.urls import reverse
from django.utils import timezone

from linli.core.testing import post


def test_reproduction_the_form_refuses_a_custodian_with_no_basis(world, client_for):
    # Reproduced on the demo: a street admin registered 国有托管 with an empty basis, no vote and no contract.
    url = reverse("places:stewardship_new", args=[world.estate_a.pk])
    before = list(world.estate_a.stewardships.values_list("pk", "end"))
    response = client_for("street_admin").post(url, {
        "mode": "custodian", "provider": world.custodian.pk, "start": timezone.localdate().isoformat(), "basis": "",
    })
    assert response.status_code == 200
    assert list(world.estate_a.stewardships.values_list("pk", "end")) == before


def test_reproduction_the_api_refuses_a_market_company_with_no_basis(world, client_for):
    response = post(client_for("street_admin"), "/api/v1/stewardships/", {
        "estate": world.estate_b.pk, "mode": "market", "provider": world.company.pk,
        "start": timezone.localdate().isoformat(),
    })
    assert response.status_code == 400
    assert world.estate_b.stewardships.count() == 1
