import pytest

from linli.facilities.models import Facility


@pytest.mark.django_db
def test_a_facility_is_seen_by_the_staff_of_its_area_and_its_manager_not_by_others(world):
    pump = Facility.objects.create(estate=world.estate_a, kind=Facility.Kind.PUMP, name="二次供水水泵")
    for name in ("street_admin", "community_admin", "manager_a"):
        assert list(Facility.objects.visible_to(world.users[name])) == [pump], name
    for name in ("other_street_admin", "stranger"):
        assert not Facility.objects.visible_to(world.users[name]).exists(), name
