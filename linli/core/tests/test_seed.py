"""`linli seed --homes N`: a synthetic city in bulk, with paths, initials and scopes as the ORM would make them."""

import io

import pytest
from django.core.management import call_command
from django.db.models import Count, F

from linli.core.testing import make_user
from linli.core.text import initials
from linli.people.models import Occupancy, Organization, Person, Role
from linli.places.models import Building, Cluster, Division, Estate, Home, Stewardship


def seed(homes: int, seed: int = 1) -> str:
    out = io.StringIO()
    call_command("seed", homes=homes, seed=seed, stdout=out)
    return out.getvalue()


@pytest.fixture
def seeded(db):
    return seed(2000)


def test_seed_makes_exactly_the_homes_asked_for_with_one_owner_each(seeded):
    assert Home.objects.count() == 2000
    assert Occupancy.objects.count() == 2000 == Person.objects.count()
    assert Occupancy.objects.filter(relation="owner").values("home").distinct().count() == 2000
    assert "100%" in seeded and "行/秒" in seeded


def test_seeded_homes_carry_their_buildings_estate(seeded):
    assert not Home.objects.exclude(estate_id=F("building__estate_id")).exists()
    assert not Home.objects.filter(area__lte=0).exists()
    assert not Building.objects.annotate(n=Count("homes")).filter(n=0).exists()


def test_seeded_divisions_have_nine_codes_and_the_paths_save_would_give(seeded):
    divisions = list(Division.objects.select_related("parent"))
    assert {d.level for d in divisions} == {"district", "street", "community"}
    for d in divisions:
        assert d.code.startswith("9")
        assert d.path == Division.make_path(d.parent, d.code)
        assert len(d.code) == {"district": 6, "street": 9, "community": 12}[d.level]
        if d.parent:
            assert d.code.startswith(d.parent.code)
            assert d.level == Division.CHILD_LEVEL[d.parent.level]


def test_seeded_initials_are_those_of_the_names(seeded):
    for model in (Division, Cluster, Estate, Organization, Person):
        rows = list(model.objects.values_list("name", "initials"))
        assert rows, model.__name__
        for name, ini in rows:
            assert ini == initials(name), (model.__name__, name)


def test_every_seeded_estate_has_one_current_stewardship_and_a_governance_model(seeded):
    estates = list(Estate.objects.all())
    assert estates
    for estate in estates:
        current = list(estate.stewardships.current())
        assert len(current) == 1
        assert estate.governance
        if current[0].mode == "bundled":
            assert current[0].lead_estate.community_id == estate.community_id
        if current[0].mode in ("market", "custodian"):
            assert current[0].provider.kind == "property_company"
        if current[0].mode == "custodian":
            assert current[0].provider.ownership == "state"


def test_a_second_seed_adds_a_district_with_the_next_free_code(seeded):
    seed(500, seed=2)
    assert sorted(Division.objects.filter(level="district").values_list("code", flat=True)) == ["900001", "900002"]
    assert Home.objects.count() == 2500


def test_the_orm_keeps_working_after_a_seed(seeded):
    person = Person.objects.create(name="李建国")
    assert person.pk > Person.objects.exclude(pk=person.pk).order_by("-pk").values_list("pk", flat=True).first()


def test_a_street_admin_of_a_seeded_street_sees_only_that_streets_estates(world):
    seed(2000)
    seed(1500, seed=2)
    street = Division.objects.filter(level="street", code__startswith="9").order_by("code").first()
    admin = make_user("seeded_street_admin", Role.STREET_ADMIN, division=street)
    visible = set(Estate.objects.visible_to(admin).values_list("pk", flat=True))
    own = set(Estate.objects.filter(community__path__startswith=street.path).values_list("pk", flat=True))
    assert visible == own and own
    assert Estate.objects.exclude(pk__in=own).exists()  # the cast's estates and the second city's
    assert not visible & {world.estate_a.pk, world.estate_b.pk, world.estate_far.pk}
    assert not Stewardship.objects.filter(estate_id__in=visible).exclude(estate__community__path__startswith=street.path)
