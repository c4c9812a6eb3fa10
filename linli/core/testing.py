"""The named cast shared by all tests: a small district with two estates and one user per role.

    district 区 (D) → street 街道 (S) → communities C1 and C2
    estate A (C1, old, market-managed by company X, contract ending in 30 days): building 1, homes 101, 102
    estate B (C2, old, unmanaged 脱管): building 1, home 101
    estate Far in another street (S2) of the same district

Users: resident_a (owner of A-1-101), manager_a (property manager of X), staff_a (property staff of X),
community_admin (C1), street_admin (S), district_admin (D), auditor (D, read-only),
department_handler (城管 of D), grid_worker (C1), other_street_admin (S2), stranger (no role).

``add_volunteers`` adds, for volunteers and care:
    volunteer_a: 李建国 (the neighbour in A-1-102, a party member), a 红管家 volunteer of 锦霞社区
    volunteer_b: 王芳 (family member in A-1-102), a volunteer of 锦霞社区

Fixtures built on these (``world``, ``vworld``, ``client_for``, ``media``) are in linli/conftest.py.
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
    # Fixed in the past (not "400 days ago"): billing follows the manager's service, so tests that bill a given
    # month of 2026 keep a manager in that month whatever the date they run on.
    since = min(today - datetime.timedelta(days=400), datetime.date(2025, 1, 1))
    # The cast's arrangements predate Linli: each estate's first record, with its contract or document.
    stewardship_change(estate=estate_a, mode="market", provider=company, start=since, actor=system,
                       contract_start=since,
                       contract_end=today + datetime.timedelta(days=30),
                       basis_kind="existing", basis="物业服务合同 JX-2025-01")
    stewardship_change(estate=estate_b, mode="none", start=since, actor=system,
                       basis_kind="street")
    stewardship_change(estate=estate_far, mode="custodian", provider=custodian,
                       start=today - datetime.timedelta(days=100), actor=system,
                       basis_kind="existing", basis="街道托管协议 2026-03")

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


def add_volunteers(world):
    """The cast plus two volunteers of 锦霞社区 and their team (see the module docstring)."""
    from linli.volunteers.models import Team, Volunteer

    team = Team.objects.create(name="锦霞爱心帮扶组", kind="care", community=world.c1)
    a = Volunteer.objects.create(person=world.neighbour, community=world.c1, skills=["repair", "errands"],
                                 weekdays=[5, 6], badge="red_steward", shows_party_identity=True,
                                 duty="1栋楼栋长", pledge="每周六巡查楼道")
    a.teams.set([team])
    wang = Person.objects.create(name="王芳", phone="13700002222")
    Occupancy.objects.create(person=wang, home=world.home_a2, relation="family")
    b = Volunteer.objects.create(person=wang, community=world.c1, skills=["companionship", "cleaning"],
                                 weekdays=[0, 2, 4])
    for name, person in (("volunteer_a", world.neighbour), ("volunteer_b", wang)):
        user = make_user(name)
        user.person = person
        user.save()
        world.users[name] = user
    world.team = team
    world.profile_a, world.profile_b = a, b
    world.wang = wang
    return world


def add_committee(world):
    """The cast plus the owners' committee of 锦霞小区 (first term, elected 100 days ago, five years, filed):
    李建国 (the neighbour, an owner of home_a2) its chair with the account ``committee_chair``, and 赵敏 (a family
    member in home_a1) a member with the account ``committee_member``. The seats are people.Post rows of
    the committee's organisation; a current seat gives the account the committee member's role for the estate."""
    from linli.assembly.models import Committee
    from linli.people.models import Post

    today = timezone.localdate()
    elected = today - datetime.timedelta(days=100)
    body = Organization.objects.create(name="锦霞小区业主委员会", kind="owners_committee", division=world.c1,
                                       estate=world.estate_a, phone="02368881234")
    term = Committee.objects.create(organization=body, estate=world.estate_a, kind="owners", number=1,
                                    term_starts=elected, term_ends=elected.replace(year=elected.year + 5),
                                    elected_on=elected, filed_on=elected + datetime.timedelta(days=20),
                                    basis="业主大会第一次会议选举结果")
    zhao = Person.objects.create(name="赵敏", phone="13600003333")
    Occupancy.objects.create(person=zhao, home=world.home_a1, relation="family")
    Post.objects.create(person=world.neighbour, organization=body, title="chair", capacity="owner", starts_on=elected,
                        basis="业主大会选举")
    Post.objects.create(person=zhao, organization=body, title="member", capacity="owner", starts_on=elected,
                        basis="业主大会选举")
    for name, person in (("committee_chair", world.neighbour), ("committee_member", zhao)):
        user = make_user(name)
        user.person = person
        user.save()
        world.users[name] = user
    world.owners_committee, world.committee_term, world.zhao = body, term, zhao
    return world


def activity_times(now=None, hours: int = 2):
    """An activity that started ten minutes ago and lasts ``hours`` hours."""
    now = now or timezone.now()
    start = now - datetime.timedelta(minutes=10)
    return start, start + datetime.timedelta(hours=hours)


def report_order(world, **kw):
    """A work order the resident of A-1-101 reports about building 1 of estate A (every argument can be overridden)."""
    from linli.workorders import services

    kw.setdefault("channel", "resident")
    kw.setdefault("text", "1栋楼道灯坏了一个星期了")
    kw.setdefault("place", services.resolve_place(building=world.building_a))
    kw.setdefault("reporter", world.resident)
    kw.setdefault("contact_name", "周莲秀")
    kw.setdefault("contact_phone", "13812345678")
    return services.workorder_create(**kw)


def pay(world, home, amount, key, now, who="staff_a", **kw):
    """A cash payment of ``amount`` (a string, in yuan) for ``home``, recorded by ``who`` of the cast."""
    from linli.fees import services

    return services.payment_record(home=home, amount=Decimal(amount), method="cash", idempotency_key=key,
                                   actor=getattr(world, who), now=now, **kw)


HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)


def open_motion(world, *, matter="hire_manager", estate=None, secret=False, now=None, developer_home_ids=(),
                title="选聘物业服务企业", manager_mode=None, provider=None, options=None):
    """A motion of estate A (or ``estate``) opened by the street admin an hour ago, running the minimum voting
    period (seven days), announced the notice period (15 days) before it opened (linli/assembly/rules.py).

    A hire_manager motion chooses a manager: by default the market company ``world.company``; or ``options``
    (a list of {"label", "mode", "provider"}) for a motion with options.
    """
    from linli.assembly import services

    now = now or timezone.now()
    actor = world.street_admin
    if matter == "hire_manager" and not options and manager_mode is None:
        manager_mode, provider = "market", provider or world.company
    opens_at = now - HOUR
    motion = services.motion_create(estate=estate or world.estate_a, matter=matter, title=title,
                                    body="是否同意选聘新的物业服务企业", opens_at=opens_at,
                                    closes_at=opens_at + 7 * DAY, secret=secret, actor=actor,
                                    manager_mode=manager_mode or "", provider=provider, options=options,
                                    now=opens_at - 15 * DAY)
    return services.motion_open(motion=motion, actor=actor, developer_home_ids=developer_home_ids, now=now)


def sheet(name="ballot.pdf"):
    """The scan of a paper ballot."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, b"%PDF-1.4 scanned ballot", content_type="application/pdf")


def after_close(motion):
    return motion.closes_at + datetime.timedelta(minutes=1)


def decided(world, *, matter="hire_manager", estate=None, title="选聘物业服务企业", manager_mode=None, provider=None,
            options=None, choice=None):
    """A motion of ``estate`` approved by all its registered owners, counted and closed (on a motion with
    ``options``, all choose ``choice``, an option's position from 1, else the first)."""
    from linli.assembly import services

    estate = estate or world.estate_a
    motion = open_motion(world, matter=matter, estate=estate, title=title, manager_mode=manager_mode,
                         provider=provider, options=options)
    option = motion.options.get(position=choice or 1) if options else None
    for elector in motion.electors.all():
        services.ballot_cast(motion=motion, elector=elector, choice="for", actor=world.street_admin,
                             channel="paper", sheet=sheet(), option=option)
    return services.motion_close(motion=motion, actor=world.street_admin, now=after_close(motion))


def h5_url(world, **place):
    """The resident's report page behind a stairwell poster's QR code (building 1 of estate A by default)."""
    from linli.workorders import posters

    place = place or {"building": world.building_a}
    return f"/workorders/r/{posters.make_token(**place)}/"


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
