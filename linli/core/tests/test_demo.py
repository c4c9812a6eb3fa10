"""`linli demo`: the 九宫庙街道 street of seed 002, with one login per role."""

import datetime
import io
from decimal import Decimal

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count
from django.http import HttpRequest

from linli.core.text import initials
from linli.people.demo import LOGINS, PASSWORD
from linli.people.models import Membership, Occupancy, Organization, Person, User
from linli.people.scopes import scope_for
from linli.places.models import Building, Cluster, Division, Estate, Home, Stewardship
from linli.places.selectors import coverage


def run_demo() -> str:
    out = io.StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def demo_output(django_db_setup, django_db_blocker):
    """The demo is loaded once for this module and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield run_demo()
        transaction.set_rollback(True)


@pytest.fixture
def street(demo_output, db):
    return Division.objects.get(code="500104001")


def counts():
    return {m.__name__: m.objects.count()
            for m in (Division, Cluster, Estate, Building, Home, Stewardship, Person, Occupancy, Organization, User,
                      Membership)}


def test_the_street_has_the_articles_seven_communities_and_fourteen_clusters(street):
    assert street.name == "九宫庙街道" and street.parent.code == "500104" and street.parent.name == "大渡口区"
    communities = Division.objects.filter(parent=street)
    assert communities.count() == 7
    assert {"锦霞社区", "新工社区"} <= set(communities.values_list("name", flat=True))
    assert sorted(communities.values_list("code", flat=True)) == [f"500104001{i:03d}" for i in range(1, 8)]
    assert Cluster.objects.filter(street=street).count() == 14


def test_the_street_has_184_buildings_134_of_them_old_and_3588_homes(street):
    estates = Estate.objects.filter(community__path__startswith=street.path)
    assert Building.objects.filter(estate__in=estates).count() == 184
    assert Building.objects.filter(estate__in=estates, estate__kind=Estate.Kind.OLD).count() == 134
    assert Home.objects.filter(estate__in=estates).count() == 3588
    assert {"commodity", "affordable", "dormitory", "resettlement"} <= set(estates.values_list("kind", flat=True))


def test_one_cluster_spans_two_communities(street):
    spans = Cluster.objects.filter(street=street).annotate(n=Count("estates__community", distinct=True))
    assert spans.filter(n=2).exists()


def test_homes_look_real(street):
    areas = list(Home.objects.values_list("area", flat=True))
    assert len(areas) == 3588
    assert all(Decimal("35") <= a <= Decimal("120") and a == a.quantize(Decimal("0.01")) for a in areas)
    home = Home.objects.get(estate__name="锦霞小区", building__number="1栋", entrance="1", number="302")
    assert home.floor == 3 and str(home) == "1栋1单元302"
    sample = list(Home.objects.select_related("building")[:500])
    assert len(sample) == 500 and all(h.estate_id == h.building.estate_id for h in sample)


def test_every_stewardship_mode_is_in_use_and_every_estate_has_a_governance_model(street):
    cov = coverage(street)
    assert all(cov.estates_by_mode.get(mode, 0) > 0 for mode in Stewardship.Mode.values)
    assert cov.estates_total == 39 and cov.homes_total == 3588
    assert not Estate.objects.filter(governance="").exists()
    assert cov.unmanaged, "a few estates are 脱管"
    assert cov.expiring, "some market contracts end within 90 days"


def test_the_state_custodian_took_over_estates_that_had_no_manager(street):
    custodian = Organization.objects.get(kind="property_company", ownership="state")
    history = Stewardship.objects.filter(estate__name="锦霞小区").order_by("start")
    assert [s.mode for s in history] == ["none", "custodian"]
    assert history[0].end == history[1].start - datetime.timedelta(days=1)
    assert history[1].provider == custodian
    bundled = Stewardship.objects.current().filter(mode="bundled")
    assert bundled.exists() and all(s.lead_estate_id and s.provider_id for s in bundled)
    assert Stewardship.objects.current().filter(mode="self", provider__kind="self_management").exists()


def test_the_organisations_of_the_article_are_there(street):
    fields = set(Organization.objects.filter(kind="department").values_list("field", flat=True))
    assert {"urban_management", "landscaping", "housing", "fire", "water", "power", "gas"} <= fields
    stations = set(Organization.objects.filter(kind="service_station").values_list("division__name", flat=True))
    assert stations == {"锦霞社区", "新工社区"}
    for kind in ("street_office", "property_centre", "volunteer_team"):
        assert Organization.objects.filter(kind=kind, division=street).exists()
    assert Organization.objects.filter(kind="community_committee").count() == 7
    assert set(Organization.objects.filter(kind="property_company").values_list("ownership", flat=True)) == {
        "market", "state"}


def test_most_homes_have_an_owner_and_some_residents_are_flagged(street):
    owned = Occupancy.objects.filter(relation="owner").values("home").distinct().count()
    assert owned > 3588 * 0.85
    assert Occupancy.objects.filter(relation="tenant").exists()
    assert Occupancy.objects.filter(relation="co_owner").exists()
    for flag in Person.SENSITIVE_FIELDS:
        assert Person.objects.filter(**{flag: True}).exists(), flag
    for person in Person.objects.all()[:300]:
        assert person.initials == initials(person.name)
        assert len(person.phone) == 11 and person.phone.startswith("1")


@pytest.mark.parametrize("login", LOGINS, ids=lambda lg: lg.username)
def test_each_demo_login_signs_in_with_its_role(street, login):
    user = authenticate(HttpRequest(), username=login.username, password=PASSWORD)
    assert user is not None
    if login.role:
        assert login.role in scope_for(user).roles
    else:
        assert user.is_superuser and user.is_staff


def test_the_demo_resident_owns_a_home_in_jinxia(street):
    user = User.objects.get(username="resident")
    home = Home.objects.visible_to(user).get()
    assert home.estate.community.name == "锦霞社区"
    assert Occupancy.objects.filter(person=user.person, home=home, relation="owner").exists()


def test_the_custodian_manager_sees_the_estates_in_state_custody(street):
    user = User.objects.get(username="custodian_manager")
    modes = {s.mode for s in Stewardship.objects.current().filter(estate__in=Estate.objects.visible_to(user))}
    assert modes == {"custodian", "bundled"}


def test_the_logins_are_printed_with_the_password(demo_output):
    assert "linli2026" in demo_output
    for login in LOGINS:
        assert login.username in demo_output and login.role_label in demo_output


def test_running_the_demo_twice_changes_nothing(street):
    before = counts()
    output = run_demo()
    assert "演示数据已存在" in output and "district_admin" in output
    assert counts() == before


def test_every_app_with_a_demo_module_takes_part_with_the_street_first():
    from importlib.util import find_spec

    from django.apps import apps

    from linli.core.demo import demo_loaders

    # Every app but core (whose demo module is the mechanism) that has a demo module.
    with_demo = [c.label for c in apps.get_app_configs()
                 if c.name.startswith("linli.") and c.label != "core" and find_spec(f"{c.name}.demo") is not None]
    labels = [label for label, _load in demo_loaders()]
    assert labels == with_demo
    assert labels[0] == "people"
    assert "fees" in labels
