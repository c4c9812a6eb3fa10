"""The named cast shared by all tests: a small district with two estates and one user per role.

    district 区 (D) → street 街道 (S) → communities C1 and C2
    estate A (C1, old, market-managed by company X, contract ending in 30 days): building 1, homes 101, 102
    estate B (C2, old, unmanaged 脱管): building 1, home 101
    estate Far in another street (S2) of the same district

Users: resident_a (owner of A-1-101), manager_a (property manager of X), staff_a (property staff of X),
community_admin (C1), street_admin (S), district_admin (D), auditor (D, read-only),
department_handler (城管 of D), grid_worker (C1), other_street_admin (S2), stranger (no role).
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from linli.people.actors import system_actor
from linli.people.models import Membership, Occupancy, Organization, Person, Role, User
from linli.places.models import Building, Cluster, Division, Estate, Home
from linli.places.services import stewardship_change

PASSWORD = "linli-test-pass-2026"


@dataclass
class World:
    district: Division
    street: Division
    c1: Division
    c2: Division
    street2: Division
    c3: Division
    cluster: Cluster
    company: Organization
    custodian: Organization
    department: Organization
    estate_a: Estate
    estate_b: Estate
    estate_far: Estate
    building_a: Building
    home_a1: Home
    home_a2: Home
    home_b1: Home
    resident: Person
    neighbour: Person
    users: dict

    def __getattr__(self, name):
        users = self.__dict__.get("users", {})
        if name in users:
            return users[name]
        raise AttributeError(name)


def make_user(username: str, role: str | None = None, **scope) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, display_name=username)
    if role:
        Membership.objects.create(user=user, role=role, **scope)
    return user


def build_world() -> World:
    today = timezone.localdate()
    district = Division.objects.create(name="大渡口区", code="500104", level=Division.Level.DISTRICT)
    street = Division.objects.create(name="九宫庙街道", code="500104001", level="street", parent=district)
    c1 = Division.objects.create(name="锦霞社区", code="500104001001", level="community", parent=street)
    c2 = Division.objects.create(name="新工社区", code="500104001002", level="community", parent=street)
    street2 = Division.objects.create(name="新山村街道", code="500104002", level="street", parent=district)
    c3 = Division.objects.create(name="百花社区", code="500104002001", level="community", parent=street2)
    cluster = Cluster.objects.create(name="锦霞片区", street=street)

    company = Organization.objects.create(name="重庆锦绣物业服务有限公司", kind="property_company", ownership="market",
                                          division=district)
    custodian = Organization.objects.create(name="大渡口区城市更新国有托管公司", kind="property_company",
                                            ownership="state", division=district)
    department = Organization.objects.create(name="大渡口区城市管理局", kind="department", field="urban_management",
                                             division=district)

    estate_a = Estate.objects.create(name="锦霞小区", community=c1, cluster=cluster, kind="old", built_year=1985,
                                     address="锦霞街1号", governance="contract")
    estate_b = Estate.objects.create(name="新工宿舍", community=c2, kind="dormitory", built_year=1978)
    estate_far = Estate.objects.create(name="百花园", community=c3, kind="commodity", built_year=2005)
    building_a = Building.objects.create(estate=estate_a, number="1栋", floors=6)
    building_b = Building.objects.create(estate=estate_b, number="1栋", floors=5)
    building_far = Building.objects.create(estate=estate_far, number="1栋", floors=18)
    home_a1 = Home.objects.create(building=building_a, entrance="1", floor=1, number="101", area=Decimal("62.50"))
    home_a2 = Home.objects.create(building=building_a, entrance="1", floor=1, number="102", area=Decimal("48.00"))
    home_b1 = Home.objects.create(building=building_b, entrance="", floor=1, number="101", area=Decimal("40.00"))
    Home.objects.create(building=building_far, entrance="1", floor=10, number="1001", area=Decimal("98.00"))

    system = system_actor()  # the cast's history is recorded as a machine write
    stewardship_change(estate=estate_a, mode="market", provider=company, start=today - datetime.timedelta(days=400),
                       actor=system,
                       contract_start=today - datetime.timedelta(days=400),
                       contract_end=today + datetime.timedelta(days=30))
    stewardship_change(estate=estate_b, mode="none", start=today - datetime.timedelta(days=400), actor=system)
    stewardship_change(estate=estate_far, mode="custodian", provider=custodian,
                       start=today - datetime.timedelta(days=100), actor=system)

    resident = Person.objects.create(name="周莲秀", phone="13812345678", is_elderly_alone=True)
    neighbour = Person.objects.create(name="李建国", phone="13900001111", is_party_member=True)
    Occupancy.objects.create(person=resident, home=home_a1, relation="owner")
    Occupancy.objects.create(person=neighbour, home=home_a2, relation="owner")

    users = {
        "resident_a": make_user("resident_a"),
        "manager_a": make_user("manager_a", Role.PROPERTY_MANAGER, organization=company),
        "staff_a": make_user("staff_a", Role.PROPERTY_STAFF, organization=company),
        "community_admin": make_user("community_admin", Role.COMMUNITY_ADMIN, division=c1),
        "street_admin": make_user("street_admin", Role.STREET_ADMIN, division=street),
        "district_admin": make_user("district_admin", Role.DISTRICT_ADMIN, division=district),
        "auditor": make_user("auditor", Role.AUDITOR, division=district),
        "department_handler": make_user("department_handler", Role.DEPARTMENT_HANDLER, organization=department),
        "grid_worker": make_user("grid_worker", Role.GRID_WORKER, division=c1),
        "other_street_admin": make_user("other_street_admin", Role.STREET_ADMIN, division=street2),
        "stranger": make_user("stranger"),
    }
    users["resident_a"].person = resident
    users["resident_a"].save()
    Membership.objects.create(user=users["resident_a"], role=Role.RESIDENT, estate=estate_a)
    return World(
        district=district, street=street, c1=c1, c2=c2, street2=street2, c3=c3, cluster=cluster,
        company=company, custodian=custodian, department=department,
        estate_a=estate_a, estate_b=estate_b, estate_far=estate_far, building_a=building_a,
        home_a1=home_a1, home_a2=home_a2, home_b1=home_b1, resident=resident, neighbour=neighbour, users=users,
    )


# -- API test helpers -------------------------------------------------------------------------------


def post(client, url, data):
    """POST ``data`` as JSON."""
    import json

    return client.post(url, json.dumps(data), content_type="application/json")


def patch(client, url, data):
    """PATCH ``data`` as JSON."""
    import json

    return client.patch(url, json.dumps(data), content_type="application/json")


def results(response):
    """The rows of a paginated list response (which must be a 200)."""
    assert response.status_code == 200, response.content
    return response.json()["results"]


def error_messages(response) -> dict[str, list[str]]:
    """An error answer of the API (linli.core.api.exception_handler) as ``{field: [messages]}``; the errors of no
    field under ``""``."""
    body = response.json()
    assert set(body) == {"code", "message", "fields", "errors"}, body
    found = {field: [e["message"] for e in errors] for field, errors in body["fields"].items()}
    if body["errors"]:
        found[""] = [e["message"] for e in body["errors"]]
    return found


def names(response):
    return [row["name"] for row in results(response)]
