"""Issue 15 item 2: a change of management rests on a basis (the consent guard), and a correction of a data-entry
mistake is its own logged action. Reproduction first: on main the direct form and the API accepted 国有托管 and a
market company with an empty basis, no vote and no contract."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from linli.core.actors import system_actor
from linli.core.testing import error_messages, post, results
from linli.places.models import Estate, Stewardship, StewardshipEvent
from linli.places.selectors import coverage
from linli.places.services import (
    emergency_latest_end,
    stewardship_change,
    stewardship_correct,
    stewardship_register_existing,
)


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


# -- the rule: which basis each mode may rest on (Stewardship.BASIS_FOR_MODE) -------------------------------------

TODAY = timezone.localdate


def fields_of(exc: ValidationError) -> list[str]:
    return sorted(exc.message_dict)


def change(world, **kwargs):
    """A change of estate_b (脱管 today) by its street admin, from today."""
    args = dict(estate=world.estate_b, start=TODAY(), actor=world.street_admin)
    args.update(kwargs)
    return stewardship_change(**args)


@pytest.mark.parametrize("mode", ["market", "custodian", "self", "bundled", "none"])
def test_an_empty_basis_kind_is_refused_for_every_mode(world, mode):
    extra = {"market": {"provider": world.company}, "custodian": {"provider": world.custodian},
             "bundled": {"lead_estate": world.estate_a}}.get(mode, {})
    with pytest.raises(ValidationError) as exc:
        change(world, mode=mode, **extra)
    assert fields_of(exc.value) == ["basis_kind"]
    assert world.estate_b.stewardships.count() == 1


@pytest.mark.parametrize("mode, kind", [
    ("market", "street"), ("custodian", "street"), ("self", "street"), ("self", "emergency"),
    ("market", "fallback"), ("none", "decision"), ("bundled", "emergency"), ("market", "correction"),
])
def test_a_basis_kind_that_does_not_fit_the_mode_is_refused(world, mode, kind):
    extra = {"market": {"provider": world.company}, "custodian": {"provider": world.custodian},
             "bundled": {"lead_estate": world.estate_a}}.get(mode, {})
    with pytest.raises(ValidationError) as exc:
        change(world, mode=mode, basis_kind=kind, basis_ref="motion:1", basis="x", **extra)
    assert fields_of(exc.value) == ["basis_kind"]
    assert world.estate_b.stewardships.count() == 1


@pytest.mark.parametrize("kind, ref", [
    ("decision", ""), ("decision", "selection:3"), ("decision", "motion:"), ("decision", "motion:abc"),
    ("selection", "motion:3"), ("fallback", ""), ("fallback", "selection:-1"),
])
def test_a_governance_basis_needs_a_well_formed_reference(world, kind, ref):
    with pytest.raises(ValidationError) as exc:
        change(world, mode="custodian", provider=world.custodian, basis_kind=kind, basis_ref=ref)
    assert fields_of(exc.value) == ["basis_ref"]


@pytest.mark.parametrize("mode, kind, ref", [
    ("market", "decision", "motion:7"), ("self", "selection", "selection:3"), ("custodian", "fallback", "selection:3"),
])
def test_the_governance_services_record_a_change_with_their_reference(world, mode, kind, ref):
    provider = {"market": world.company, "custodian": world.custodian}.get(mode)
    row = change(world, mode=mode, provider=provider, basis_kind=kind, basis_ref=ref)
    assert (row.basis_kind, row.basis_ref, world.estate_b.current_stewardship()) == (kind, ref, row)


def test_a_direct_basis_carries_no_reference(world):
    with pytest.raises(ValidationError) as exc:
        change(world, mode="none", basis_kind="street", basis_ref="motion:1")
    assert fields_of(exc.value) == ["basis_ref"]


def test_an_emergency_appointment_needs_its_document_and_an_end(world):
    with pytest.raises(ValidationError) as exc:
        change(world, mode="custodian", provider=world.custodian, basis_kind="emergency",
               end=TODAY() + datetime.timedelta(days=30))
    assert fields_of(exc.value) == ["basis"]
    with pytest.raises(ValidationError) as exc:
        change(world, mode="custodian", provider=world.custodian, basis_kind="emergency", basis="应急指定 1号")
    assert fields_of(exc.value) == ["end"]
    assert world.estate_b.stewardships.count() == 1


def test_an_emergency_appointment_lasts_six_months_at_most(world):
    start = datetime.date(2027, 8, 31)
    assert emergency_latest_end(start) == datetime.date(2028, 2, 28)  # 31 Aug + 6 months, clamped, less a day
    with pytest.raises(ValidationError) as exc:
        change(world, mode="market", provider=world.company, basis_kind="emergency", basis="应急指定 1号",
               start=start, end=datetime.date(2028, 2, 29))
    assert fields_of(exc.value) == ["end"]
    assert "第七十七条" in exc.value.message_dict["end"][0] and "2028-02-28" in exc.value.message_dict["end"][0]
    row = change(world, mode="market", provider=world.company, basis_kind="emergency", basis="应急指定 1号",
                 start=start, end=datetime.date(2028, 2, 28))
    assert (row.start, row.end) == (start, datetime.date(2028, 2, 28))


def test_only_an_emergency_row_is_given_an_end_in_advance(world):
    with pytest.raises(ValidationError) as exc:
        change(world, mode="none", basis_kind="street", end=TODAY() + datetime.timedelta(days=10))
    assert fields_of(exc.value) == ["end"]


def test_the_next_change_ends_an_emergency_service_the_day_before(world):
    emergency = change(world, mode="custodian", provider=world.custodian, basis_kind="emergency",
                       basis="应急指定 1号", end=TODAY() + datetime.timedelta(days=150))
    later = change(world, mode="market", provider=world.company, basis_kind="decision", basis_ref="motion:9",
                   start=TODAY() + datetime.timedelta(days=40))
    emergency.refresh_from_db()
    assert emergency.end == later.start - datetime.timedelta(days=1)
    assert world.estate_b.current_stewardship(TODAY() + datetime.timedelta(days=100)) == later


def test_existing_is_only_the_first_record_of_an_estate(world):
    with pytest.raises(ValidationError) as exc:
        change(world, mode="market", provider=world.company, basis_kind="existing", basis="合同 2020-1")
    assert fields_of(exc.value) == ["basis_kind"]
    fresh = Estate.objects.create(name="新登记小区", community=world.c1, kind="old")
    with pytest.raises(ValidationError) as exc:
        stewardship_change(estate=fresh, mode="market", provider=world.company, start=TODAY(),
                           actor=world.street_admin, basis_kind="existing")
    assert fields_of(exc.value) == ["basis"]
    row = stewardship_change(estate=fresh, mode="market", provider=world.company, start=TODAY(),
                             actor=world.street_admin, basis_kind="existing", basis="物业服务合同 2020-1")
    assert fresh.current_stewardship() == row


def test_a_history_before_linli_is_recorded_only_for_an_estate_without_rows(world):
    with pytest.raises(ValidationError):
        stewardship_register_existing(estate=world.estate_b, actor=system_actor(), history=[
            dict(mode="none", start=datetime.date(2015, 1, 1), basis="摸底登记")])
    fresh = Estate.objects.create(name="老院子", community=world.c1, kind="old")
    rows = stewardship_register_existing(estate=fresh, actor=system_actor(), history=[
        dict(mode="none", start=datetime.date(2015, 1, 1), basis="摸底登记"),
        dict(mode="custodian", provider=world.custodian, start=datetime.date(2021, 5, 1), basis="托管框架协议")])
    assert [(r.mode, r.basis_kind, r.end) for r in rows] == [
        ("none", "existing", datetime.date(2021, 4, 30)), ("custodian", "existing", None)]


def test_the_permission_is_checked_before_the_basis(world):
    with pytest.raises(PermissionDenied):
        change(world, mode="market", provider=world.company, actor=world.auditor)


# -- correction of a data-entry mistake: a new row, the old one marked, an event -------------------------------------


def test_a_correction_is_a_new_row_and_an_event_and_the_history_is_kept(world):
    old = world.estate_a.current_stewardship()  # EXISTING, market, contract ends in 30 days
    new = stewardship_correct(stewardship=old, actor=world.street_admin, reason="合同到期日录入错误",
                              contract_end=TODAY() + datetime.timedelta(days=395), contract_no="JX-2025-01A")
    old.refresh_from_db()
    assert (old.corrected_by, old.contract_no, old.contract_end) == (new, "", TODAY() + datetime.timedelta(days=30))
    assert (new.mode, new.provider, new.start, new.basis, new.basis_kind, new.basis_ref) == (
        old.mode, old.provider, old.start, old.basis, "correction", f"stewardship:{old.pk}")
    assert new.contract_end == TODAY() + datetime.timedelta(days=395) and new.created_by == world.street_admin
    assert list(world.estate_a.stewardships.order_by("pk")) == [old, new]
    event = StewardshipEvent.objects.get(stewardship=old)
    assert (event.kind, event.actor, event.data["reason"], event.data["changed"]) == (
        "corrected", world.street_admin, "合同到期日录入错误", ["contract_end", "contract_no"])
    assert event.data["before"]["contract_end"] == (TODAY() + datetime.timedelta(days=30)).isoformat()
    assert event.data["after"]["contract_end"] == (TODAY() + datetime.timedelta(days=395)).isoformat()
    assert (event.data["corrected"], event.data["correction"]) == (old.pk, new.pk)


def test_current_and_coverage_ignore_a_corrected_row(world):
    old = world.estate_a.current_stewardship()
    new = stewardship_correct(stewardship=old, actor=world.street_admin, reason="合同编号录错", contract_no="JX-9")
    assert list(Stewardship.objects.current().filter(estate=world.estate_a)) == [new]
    assert world.estate_a.current_stewardship() == new
    figures = coverage(world.street)
    assert figures.estates_by_mode == {"market": 1, "none": 1}


def test_a_correction_cannot_change_the_mode_or_the_basis(world):
    old = world.estate_a.current_stewardship()
    for field, value in [("mode", "custodian"), ("basis_kind", "decision"), ("basis", "x"), ("lead_estate", None)]:
        with pytest.raises(ValidationError) as exc:
            stewardship_correct(stewardship=old, actor=world.street_admin, reason="x", **{field: value})
        assert fields_of(exc.value) == [field]
    old.refresh_from_db()
    assert old.corrected_by is None and not StewardshipEvent.objects.exists()


def test_a_correction_needs_a_reason_and_a_change(world):
    old = world.estate_a.current_stewardship()
    with pytest.raises(ValidationError) as exc:
        stewardship_correct(stewardship=old, actor=world.street_admin, reason=" ", contract_no="JX-9")
    assert fields_of(exc.value) == ["reason"]
    with pytest.raises(ValidationError):
        stewardship_correct(stewardship=old, actor=world.street_admin, reason="x", contract_no=old.contract_no)
    assert world.estate_a.stewardships.count() == 1


def test_a_provider_chosen_by_the_owners_cannot_be_corrected(world):
    row = change(world, mode="market", provider=world.company, basis_kind="decision", basis_ref="motion:7")
    with pytest.raises(ValidationError) as exc:
        stewardship_correct(stewardship=row, actor=world.street_admin, reason="录错公司", provider=world.custodian)
    assert fields_of(exc.value) == ["provider"]
    # Nor through a chain of corrections: the correction of a correction still rests on the owners' decision.
    second = stewardship_correct(stewardship=row, actor=world.street_admin, reason="合同编号", contract_no="A-1")
    with pytest.raises(ValidationError) as exc:
        stewardship_correct(stewardship=second, actor=world.street_admin, reason="录错公司",
                            provider=world.custodian)
    assert fields_of(exc.value) == ["provider"]


def test_a_provider_of_an_existing_arrangement_can_be_corrected(world):
    old = world.estate_far.current_stewardship()
    other = type(world.custodian).objects.create(name="区属国有物业公司", kind="property_company", ownership="state",
                                                 division=world.district)
    new = stewardship_correct(stewardship=old, actor=system_actor(), reason="托管单位录错", provider=other)
    assert (new.provider, world.estate_far.current_stewardship()) == (other, new)


def test_a_corrected_row_cannot_be_corrected_again(world):
    old = world.estate_a.current_stewardship()
    stewardship_correct(stewardship=old, actor=world.street_admin, reason="x", contract_no="JX-9")
    with pytest.raises(ValidationError):
        stewardship_correct(stewardship=old, actor=world.street_admin, reason="y", contract_no="JX-10")


def test_a_correction_keeps_an_emergency_within_six_months(world):
    row = change(world, mode="custodian", provider=world.custodian, basis_kind="emergency", basis="应急指定 1号",
                 end=TODAY() + datetime.timedelta(days=90))
    with pytest.raises(ValidationError) as exc:
        stewardship_correct(stewardship=row, actor=world.street_admin, reason="延期",
                            end=TODAY() + datetime.timedelta(days=200))
    assert fields_of(exc.value) == ["end"] and "第七十七条" in exc.value.message_dict["end"][0]


def test_corrected_dates_may_not_overlap_another_row(world):
    row = change(world, mode="bundled", lead_estate=world.estate_a, basis_kind="street")
    with pytest.raises(ValidationError) as exc:
        stewardship_correct(stewardship=row, actor=world.street_admin, reason="起始日期录错",
                            start=TODAY() - datetime.timedelta(days=10))
    assert fields_of(exc.value) == ["start"]


def test_a_correction_by_a_read_only_role_is_refused(world):
    old = world.estate_a.current_stewardship()
    for actor in (None, world.auditor, world.manager_a, world.other_street_admin):
        with pytest.raises(PermissionDenied):
            stewardship_correct(stewardship=old, actor=actor, reason="x", contract_no="JX-9")
    assert world.estate_a.stewardships.count() == 1 and not StewardshipEvent.objects.exists()


# -- pages ----------------------------------------------------------------------------------------------------------


def test_the_form_offers_only_the_direct_kinds_and_links_to_the_selection_case(world, client_for):
    response = client_for("street_admin").get(reverse("places:stewardship_new", args=[world.estate_b.pk]))
    assert [v for v, _label in response.context["form"].fields["basis_kind"].choices] == [
        "", "emergency", "existing", "street"]
    assert f'{reverse("assembly:case_new")}?estate={world.estate_b.pk}' in response.content.decode()


def test_the_form_refuses_an_owners_decision_typed_in(world, client_for):
    url = reverse("places:stewardship_new", args=[world.estate_b.pk])
    response = client_for("street_admin").post(url, {
        "mode": "market", "provider": world.company.pk, "start": TODAY().isoformat(), "basis_kind": "decision"})
    assert response.status_code == 200 and "basis_kind" in response.context["form"].errors
    assert world.estate_b.stewardships.count() == 1


def test_the_history_shows_the_basis_kind_and_reference_and_the_correction(world, client_for):
    row = change(world, mode="market", provider=world.company, basis_kind="decision", basis_ref="motion:7",
                 basis="业主共同决定：选聘锦绣")
    stewardship_correct(stewardship=row, actor=world.street_admin, reason="合同编号", contract_no="A-1")
    body = client_for("street_admin").get(reverse("places:estate_detail", args=[world.estate_b.pk])).content.decode()
    assert "业主共同决定" in body and "motion:7" in body and f"stewardship:{row.pk}" in body
    assert "更正登记错误" in body and "已更正" in body


def _correct_url(world):
    return reverse("places:stewardship_correct", args=[world.estate_a.current_stewardship().pk])


def _correction(world, **overrides):
    row = world.estate_a.current_stewardship()
    data = {"reason": "合同到期日录入错误", "provider": row.provider_id, "start": row.start.isoformat(),
            "contract_no": row.contract_no, "contract_start": row.contract_start.isoformat(),
            "contract_end": (TODAY() + datetime.timedelta(days=395)).isoformat(), "note": ""}
    data.update(overrides)
    return data


def test_an_anonymous_visitor_is_sent_to_sign_in_from_the_correction_page(world):
    response = Client().get(_correct_url(world))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_a_stranger_gets_404_on_the_correction_page(world, client_for):
    url = _correct_url(world)
    assert client_for("stranger").get(url).status_code == 404
    assert client_for("stranger").post(url, _correction(world)).status_code == 404
    assert client_for("other_street_admin").post(url, _correction(world)).status_code == 404


@pytest.mark.parametrize("name", ["auditor", "manager_a", "grid_worker", "department_handler"])
def test_a_read_only_role_cannot_correct(world, client_for, name):
    url = _correct_url(world)
    assert client_for(name).post(url, _correction(world)).status_code == 403
    assert world.estate_a.stewardships.count() == 1 and not StewardshipEvent.objects.exists()


def test_a_street_admin_corrects_a_contract_date_on_the_page(world, client_for):
    old = world.estate_a.current_stewardship()
    response = client_for("street_admin").post(_correct_url(world), _correction(world))
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    new = world.estate_a.current_stewardship()
    assert new.pk != old.pk and new.contract_end == TODAY() + datetime.timedelta(days=395)
    old.refresh_from_db()
    assert old.corrected_by == new
    assert StewardshipEvent.objects.get().data["changed"] == ["contract_end"]


def test_the_correction_page_shows_the_service_refusal(world, client_for):
    response = client_for("street_admin").post(_correct_url(world), _correction(world, reason=""))
    assert response.status_code == 200 and "reason" in response.context["form"].errors
    assert world.estate_a.stewardships.count() == 1


# -- API ------------------------------------------------------------------------------------------------------------


def test_the_api_refuses_an_owners_decision_posted_directly(world, client_for):
    response = post(client_for("street_admin"), "/api/v1/stewardships/", {
        "estate": world.estate_b.pk, "mode": "market", "provider": world.company.pk,
        "start": TODAY().isoformat(), "basis_kind": "decision", "basis_ref": "motion:1"})
    assert response.status_code == 400 and list(error_messages(response)) == ["basis_kind"]
    assert world.estate_b.stewardships.count() == 1


def test_the_api_shows_the_basis_kind_and_reference(world, client_for):
    change(world, mode="market", provider=world.company, basis_kind="selection", basis_ref="selection:4")
    rows = results(client_for("street_admin").get(f"/api/v1/stewardships/?estate={world.estate_b.pk}"))
    assert [(r["mode"], r["basis_kind"], r["basis_ref"], r["corrected_by"]) for r in rows] == [
        ("market", "selection", "selection:4", None), ("none", "street", "", None)]


def _api_correct(world):
    return f"/api/v1/stewardships/{world.estate_a.current_stewardship().pk}/correct/"


def test_the_api_correction_is_refused_to_anonymous_strangers_and_read_only_roles(world, client_for):
    url, body = _api_correct(world), {"reason": "录错", "contract_no": "JX-9"}
    assert post(Client(), url, body).status_code == 401
    assert post(client_for("stranger"), url, body).status_code == 404
    assert post(client_for("other_street_admin"), url, body).status_code == 404
    for role in ("auditor", "manager_a", "grid_worker", "resident_a"):
        assert post(client_for(role), url, body).status_code == 403, role
    assert world.estate_a.stewardships.count() == 1 and not StewardshipEvent.objects.exists()


def test_the_api_corrects_a_row_and_names_a_field_it_may_not_change(world, client_for):
    client = client_for("street_admin")
    response = post(client, _api_correct(world), {"reason": "录错", "mode": "custodian"})
    assert response.status_code == 400 and list(error_messages(response)) == ["mode"]
    old = world.estate_a.current_stewardship()
    response = post(client, _api_correct(world), {"reason": "合同编号录错", "contract_no": "JX-9"})
    assert response.status_code == 201, response.content
    assert (response.json()["contract_no"], response.json()["basis_kind"], response.json()["basis_ref"]) == (
        "JX-9", "correction", f"stewardship:{old.pk}")
    old.refresh_from_db()
    assert old.corrected_by_id == response.json()["id"]
