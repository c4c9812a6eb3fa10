"""Who sees what: the scope rules read as sentences."""

from linli.people.models import Organization, Person
from linli.places.models import Division, Estate, Home


def names(qs):
    return sorted(o.name if hasattr(o, "name") else str(o) for o in qs)


def test_a_street_admin_sees_the_estates_of_the_street(world):
    assert names(Estate.objects.visible_to(world.street_admin)) == ["新工宿舍", "锦霞小区"]


def test_a_district_admin_sees_every_estate_of_the_district(world):
    assert names(Estate.objects.visible_to(world.district_admin)) == ["新工宿舍", "百花园", "锦霞小区"]


def test_a_community_admin_sees_only_the_community(world):
    assert names(Estate.objects.visible_to(world.community_admin)) == ["锦霞小区"]


def test_a_property_manager_sees_the_estates_the_company_manages_now(world):
    assert names(Estate.objects.visible_to(world.manager_a)) == ["锦霞小区"]


def test_a_property_manager_loses_an_estate_when_the_contract_is_handed_over(world):
    import datetime

    from django.utils import timezone

    from linli.places.services import stewardship_change

    start = timezone.localdate() - datetime.timedelta(days=1)
    stewardship_change(estate=world.estate_a, mode="custodian", provider=world.custodian, start=start,
                       end=start + datetime.timedelta(days=90), actor=world.street_admin,
                       basis_kind="emergency", basis="街道应急物业服务指定 2026-5号")
    world.manager_a._linli_scope = None
    del world.manager_a._linli_scope
    assert names(Estate.objects.visible_to(world.manager_a)) == []


def test_a_resident_sees_their_estate_and_only_their_own_home(world):
    assert names(Estate.objects.visible_to(world.resident_a)) == ["锦霞小区"]
    assert list(Home.objects.visible_to(world.resident_a)) == [world.home_a1]
    assert list(Person.objects.visible_to(world.resident_a)) == [world.resident]


def test_a_stranger_sees_nothing(world):
    for model in (Division, Estate, Home, Person, Organization):
        assert model.objects.visible_to(world.stranger).count() == 0


def test_a_street_admin_sees_the_divisions_below_the_street_not_the_neighbour_street(world):
    assert names(Division.objects.visible_to(world.street_admin)) == ["九宫庙街道", "新工社区", "锦霞社区"]


def test_a_department_handler_serves_the_department_division(world):
    assert names(Estate.objects.visible_to(world.department_handler)) == ["新工宿舍", "百花园", "锦霞小区"]


def test_a_property_manager_sees_the_residents_of_managed_estates_only(world):
    assert names(Person.objects.visible_to(world.manager_a)) == ["周莲秀", "李建国"]
    assert names(Person.objects.visible_to(world.other_street_admin)) == []


def test_the_district_departments_are_visible_to_a_street_admin(world):
    assert "大渡口区城市管理局" in names(Organization.objects.visible_to(world.street_admin))


def test_a_scope_cached_by_the_code_before_an_upgrade_is_not_read(world, settings):
    """A scope cached before ``Scope`` gained a field (the deliveries page reads ``division_roles``) would answer
    without it for a minute after an upgrade: the key names the version of the scope, and the old key is not read."""
    from django.contrib.auth import get_user_model
    from django.core.cache import cache

    from linli.core import memo
    from linli.notify.permissions import can_see_deliveries
    from linli.people import scopes

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": "scope-version"}}
    cache.clear()
    user = get_user_model().objects.get(username="street_admin")
    fresh = scopes.scope_for(user)
    assert can_see_deliveries(user) and fresh.division_roles
    # what the code before wrote: the same stamp, a scope without the street admin's division roles, the key unversioned
    stamp = cache.get(f"scopes:v{scopes.SCOPE_VERSION}:{memo.epoch()}{user.pk}")[0]
    cache.set(f"scopes:{memo.epoch()}{user.pk}", (stamp, scopes.Scope(user_id=user.pk, roles=fresh.roles)), 60)
    again = get_user_model().objects.get(pk=user.pk)  # a new request: no scope on the user object yet
    assert scopes.scope_for(again) == fresh and can_see_deliveries(again)
    cache.clear()
