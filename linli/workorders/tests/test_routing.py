from linli.people.models import Organization
from linli.places.services import stewardship_change
from linli.workorders import services as s
from linli.workorders.models import RoutingRule
from linli.workorders.routing import DEFAULT_RULES, ensure_default_rules, next_level, route


def order_for(world, **kw):
    return s.workorder_create(channel="phone", text="x", place=s.resolve_place(estate=world.estate_a),
                              auto_route=False, **kw)


def test_a_street_gets_the_default_table_once(desk):
    assert RoutingRule.objects.filter(street=desk.street).count() == len(DEFAULT_RULES)
    assert ensure_default_rules(desk.street) == 0


def test_a_non_property_matter_goes_to_the_street_centre(desk):
    assert route(order_for(desk, category="other")).organization == desk.centre


def test_a_bundled_estate_is_served_by_its_lead_estate_provider(desk):
    import datetime

    from django.utils import timezone

    stewardship_change(estate=desk.estate_b, mode="bundled", lead_estate=desk.estate_a,
                       start=timezone.localdate() - datetime.timedelta(days=1), actor=desk.street_admin,
                       basis_kind="street")
    order = s.workorder_create(channel="phone", text="x", place=s.resolve_place(estate=desk.estate_b), auto_route=False)
    assert route(order).organization == desk.company


def test_a_street_admin_can_send_a_category_to_a_department(desk):
    water = Organization.objects.create(name="区供水公司", kind="department", field="water", division=desk.district)
    RoutingRule.objects.create(street=desk.street, priority=5, category="utilities", target="organization",
                               organization=water)
    assert route(order_for(desk, category="utilities")).organization == water


def test_without_a_matching_organisation_the_order_waits_for_a_person(world):
    order = s.workorder_create(channel="phone", text="x", place=s.resolve_place(estate=world.estate_b))
    assert order.needs_triage is True and order.status == "received"


def test_levels_go_up_to_the_street_and_stop():
    assert [next_level(x) for x in ("building", "estate", "community", "street", "department")] == [
        "estate", "community", "street", None, None]
