"""The ledger's rules (services.py) and who may use them (permissions.py), each with its refusals."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from linli.core.testing import report_order
from linli.facilities import services
from linli.facilities.models import Facility, FacilityEvent, FacilityFault, FacilityRecord

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def test_the_area_admins_and_the_estate_s_current_provider_register_facilities(world):
    for i, name in enumerate(("community_admin", "street_admin", "manager_a", "staff_a")):
        facility = services.facility_register(actor=world.users[name], estate=world.estate_a, kind="pump",
                                              name=f"水泵{i}")
        assert facility.created_by == world.users[name]
        assert list(facility.events.values_list("kind", "actor")) == [("registered", world.users[name].pk)]


def test_readers_strangers_and_other_areas_may_not_register_and_nothing_is_written(cworld):
    for name in ("district_admin", "auditor", "grid_worker", "department_handler", "committee_chair", "resident_a",
                 "other_street_admin", "stranger"):
        with pytest.raises(PermissionDenied):
            services.facility_register(actor=cworld.users[name], estate=cworld.estate_a, kind="pump", name="水泵")
    with pytest.raises(PermissionDenied):
        services.facility_register(actor=None, estate=cworld.estate_a, kind="pump", name="水泵")
    assert not Facility.objects.exists()


def test_a_company_manages_only_the_estates_it_manages_now(world):
    with pytest.raises(PermissionDenied):  # estate B is unmanaged, Far is the custodian's
        services.facility_register(actor=world.manager_a, estate=world.estate_b, kind="pump", name="水泵")


def test_register_refuses_a_bad_kind_no_name_a_foreign_building_and_bad_dates(world, today):
    cases = [({"kind": "rocket"}, "kind"), ({"name": "  "}, "name"),
             ({"building": world.home_b1.building}, "building"),
             ({"installed_on": today + DAY}, "installed_on"),
             ({"installed_on": today - 10 * DAY, "warranty_until": today - 20 * DAY}, "warranty_until")]
    for extra, field in cases:
        kwargs = {"actor": world.street_admin, "estate": world.estate_a, "kind": "pump", "name": "水泵", **extra}
        with pytest.raises(ValidationError) as err:
            services.facility_register(**kwargs)
        assert field in err.value.message_dict, (extra, err.value.message_dict)
    assert not Facility.objects.exists()


def test_register_refuses_a_duplicate_code_or_name_in_the_same_estate(world, lift):
    with pytest.raises(ValidationError) as err:
        services.facility_register(actor=world.street_admin, estate=world.estate_a, kind="lift", name="另一部",
                                   code="T-0001")
    assert "code" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        services.facility_register(actor=world.street_admin, estate=world.estate_a, kind="lift", name="1栋1单元电梯")
    assert "name" in err.value.message_dict
    # The same name in another estate is another facility.
    services.facility_register(actor=world.street_admin, estate=world.estate_b, kind="lift", name="1栋1单元电梯",
                               code="T-0001")
    assert Facility.objects.count() == 2


def test_a_statutory_inspection_updates_the_due_date_and_keeps_the_history(world, lift, today):
    first = services.record_add(actor=world.manager_a, facility=lift, kind="statutory", done_on=today - 10 * DAY,
                                next_due=today + 355 * DAY, certificate_no="DT-1")
    lift.refresh_from_db()
    assert lift.inspection_due == today + 355 * DAY
    assert first.next_due == today + 355 * DAY
    assert list(lift.events.filter(kind="due").values_list("data", flat=True)) == [
        {"before": (today + 200 * DAY).isoformat(), "after": (today + 355 * DAY).isoformat(), "record": first.pk}]


def test_a_lift_s_statutory_inspection_without_a_next_date_is_due_a_year_later(world, lift, today):
    done = datetime.date(today.year - 1, 3, 10)
    services.record_add(actor=world.staff_a, facility=lift, kind="statutory", done_on=done)
    lift.refresh_from_db()
    assert lift.inspection_due == datetime.date(today.year, 3, 10)


def test_an_older_inspection_recorded_late_does_not_move_the_due_date_back(world, lift, today):
    services.record_add(actor=world.staff_a, facility=lift, kind="statutory", done_on=today - 5 * DAY,
                        next_due=today + 360 * DAY)
    services.record_add(actor=world.staff_a, facility=lift, kind="statutory", done_on=today - 370 * DAY,
                        next_due=today - 5 * DAY)
    lift.refresh_from_db()
    assert lift.inspection_due == today + 360 * DAY


def test_a_failed_statutory_inspection_takes_the_facility_out_of_service_until_a_repair(world, lift, today):
    services.record_add(actor=world.staff_a, facility=lift, kind="statutory", done_on=today - 3 * DAY,
                        result="problem", next_due=today + 30 * DAY)
    lift.refresh_from_db()
    assert lift.status == Facility.Status.FAULTY
    services.record_add(actor=world.staff_a, facility=lift, kind="repair", done_on=today, result="ok")
    lift.refresh_from_db()
    assert lift.status == Facility.Status.IN_SERVICE
    assert list(lift.events.filter(kind="status").values_list("data__after", flat=True)) == ["faulty", "in_service"]


def test_a_record_refuses_future_dates_a_next_due_on_other_kinds_and_a_next_due_not_after_the_day(world, lift, today):
    cases = [({"kind": "maintenance", "done_on": today + DAY}, "done_on"),
             ({"kind": "maintenance", "done_on": today, "next_due": today + 30 * DAY}, "next_due"),
             ({"kind": "statutory", "done_on": today, "next_due": today}, "next_due"),
             ({"kind": "statutory", "done_on": today - 900 * DAY}, "done_on"),  # before installation
             ({"kind": "nonsense", "done_on": today}, "kind"),
             ({"kind": "repair", "done_on": today, "result": "meh"}, "result")]
    for kwargs, field in cases:
        with pytest.raises(ValidationError) as err:
            services.record_add(actor=world.staff_a, facility=lift, **kwargs)
        assert field in err.value.message_dict, kwargs
    assert not FacilityRecord.objects.exists()


def test_readers_may_not_record(cworld, lift, today):
    for name in ("auditor", "district_admin", "committee_chair", "other_street_admin", "stranger"):
        with pytest.raises(PermissionDenied):
            services.record_add(actor=cworld.users[name], facility=lift, kind="maintenance", done_on=today)
    assert not FacilityRecord.objects.exists()


def test_a_correction_is_a_new_record_and_the_due_date_follows_it(world, lift, today):
    wrong = services.record_add(actor=world.staff_a, facility=lift, kind="statutory", done_on=today - 10 * DAY,
                                next_due=today + 20 * DAY)
    fixed = services.record_correct(actor=world.manager_a, record=wrong, reason="到期日抄错", done_on=today - 10 * DAY,
                                    result="ok", next_due=today + 355 * DAY)
    assert fixed.corrects == wrong and fixed.kind == "statutory"
    assert fixed.note == "更正原因：到期日抄错"
    wrong.refresh_from_db()
    assert wrong.next_due == today + 20 * DAY  # the original stays as it was
    lift.refresh_from_db()
    assert lift.inspection_due == today + 355 * DAY
    assert list(services.effective_records(lift)) == [fixed]


def test_a_record_is_corrected_once_and_a_correction_needs_a_reason(world, lift, today):
    record = services.record_add(actor=world.staff_a, facility=lift, kind="maintenance", done_on=today)
    with pytest.raises(ValidationError) as err:
        services.record_correct(actor=world.staff_a, record=record, reason=" ", done_on=today, result="ok")
    assert "reason" in err.value.message_dict
    services.record_correct(actor=world.staff_a, record=record, reason="日期错", done_on=today - DAY, result="ok")
    with pytest.raises(ValidationError) as err:
        services.record_correct(actor=world.staff_a, record=record, reason="再改", done_on=today, result="ok")
    assert "record" in err.value.message_dict
    assert FacilityRecord.objects.count() == 2


def test_a_reader_may_not_correct(world, lift, today):
    record = services.record_add(actor=world.staff_a, facility=lift, kind="maintenance", done_on=today)
    with pytest.raises(PermissionDenied):
        services.record_correct(actor=world.auditor, record=record, reason="x", done_on=today, result="ok")
    assert FacilityRecord.objects.count() == 1


def test_a_work_order_of_the_same_estate_is_linked_once_as_a_fault(world, lift):
    order = report_order(world, text="1栋电梯按钮失灵")
    fault = services.fault_link(actor=world.manager_a, facility=lift, order=order)
    assert (fault.facility, fault.order, fault.source, fault.linked_by) == (lift, order, "report", world.manager_a)
    with pytest.raises(ValidationError) as err:
        services.fault_link(actor=world.manager_a, facility=lift, order=order)
    assert "order" in err.value.message_dict
    assert FacilityFault.objects.count() == 1


def test_a_work_order_of_another_estate_is_not_linked(world, lift):
    from linli.workorders import services as wo

    order = report_order(world, text="新工宿舍水泵坏了", place=wo.resolve_place(estate=world.estate_b), reporter=None)
    with pytest.raises(ValidationError) as err:
        services.fault_link(actor=world.street_admin, facility=lift, order=order)
    assert err.value.message_dict == {"order": ["该工单不属于此设施所在的小区"]}
    assert not FacilityFault.objects.exists()


def test_a_reader_may_not_link_a_fault(world, lift):
    order = report_order(world)
    with pytest.raises(PermissionDenied):
        services.fault_link(actor=world.auditor, facility=lift, order=order)
    assert not FacilityFault.objects.exists()


def test_retiring_keeps_the_facility_and_its_history_and_refuses_new_records(world, lift, today):
    services.record_add(actor=world.staff_a, facility=lift, kind="maintenance", done_on=today)
    services.facility_retire(actor=world.community_admin, facility=lift, reason="整体更换")
    lift.refresh_from_db()
    assert lift.status == Facility.Status.RETIRED and lift.records.count() == 1
    assert lift.events.filter(kind=FacilityEvent.Kind.RETIRED).get().note == "整体更换"
    with pytest.raises(ValidationError) as err:
        services.record_add(actor=world.staff_a, facility=lift, kind="maintenance", done_on=today)
    assert "facility" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        services.facility_retire(actor=world.community_admin, facility=lift, reason="再次")
    assert "status" in err.value.message_dict
    # Its name is free again for the new lift.
    services.facility_register(actor=world.community_admin, estate=world.estate_a, kind="lift", name="1栋1单元电梯")


def test_retiring_needs_a_reason_and_a_manager(world, lift):
    with pytest.raises(ValidationError) as err:
        services.facility_retire(actor=world.community_admin, facility=lift, reason="")
    assert "reason" in err.value.message_dict
    with pytest.raises(PermissionDenied):
        services.facility_retire(actor=world.auditor, facility=lift, reason="坏了")
    lift.refresh_from_db()
    assert lift.status == Facility.Status.IN_SERVICE


# -- 维保与公示信息变更 (facility_change) ---------------------------------------------------------------------------------


def test_a_new_maintenance_contractor_is_recorded_with_what_it_replaced_and_why(world):
    dt = datetime
    lift = services.facility_register(actor=world.users["manager_a"], estate=world.estate_a, kind="lift",
                                      name="1栋电梯", contractor="甲电梯公司", contract_no="HT-1")
    changed = services.facility_change(actor=world.users["manager_a"], facility=lift, reason="更换维保单位",
                                       contractor="乙电梯公司", contract_no="HT-2",
                                       contract_end=dt.date(2027, 12, 31), is_public=False)
    assert (changed.contractor, changed.contract_no, changed.contract_end, changed.is_public) == (
        "乙电梯公司", "HT-2", dt.date(2027, 12, 31), False)
    event = FacilityEvent.objects.get(facility=lift, kind="changed")
    assert event.note == "更换维保单位"
    assert event.data["before"] == {"contractor": "甲电梯公司", "contract_no": "HT-1", "contract_end": None,
                                    "is_public": True}
    assert event.data["after"]["contract_end"] == "2027-12-31"
    assert ("维保单位", "甲电梯公司", "乙电梯公司") in [(str(a), b, c) for a, b, c in event.changes()]


def test_a_change_needs_a_reason_a_difference_a_changeable_field_and_a_manager(world):
    pump = services.facility_register(actor=world.users["manager_a"], estate=world.estate_a, kind="pump",
                                      name="水泵", contractor="甲")
    manager = world.users["manager_a"]
    with pytest.raises(ValidationError) as missing:
        services.facility_change(actor=manager, facility=pump, reason=" ", contractor="乙")
    assert "reason" in missing.value.message_dict
    with pytest.raises(ValidationError) as same:
        services.facility_change(actor=manager, facility=pump, reason="核对", contractor="甲")
    assert "reason" in same.value.message_dict
    with pytest.raises(ValidationError) as identity:
        services.facility_change(actor=manager, facility=pump, reason="改名", name="新水泵")
    assert "name" in identity.value.message_dict
    with pytest.raises(PermissionDenied):
        services.facility_change(actor=world.users["auditor"], facility=pump, reason="更换", contractor="乙")
    services.facility_retire(actor=manager, facility=pump, reason="拆除")
    with pytest.raises(ValidationError):
        services.facility_change(actor=manager, facility=pump, reason="更换", contractor="乙")
    assert not FacilityEvent.objects.filter(facility=pump, kind="changed").exists()
    pump.refresh_from_db()
    assert pump.contractor == "甲"
