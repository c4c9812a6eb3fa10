"""Owners' committees and 物业管理委员会: each rule of 北京市物业管理条例 (2024) chapter 4 that Linli keeps."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from linli.assembly import services
from linli.assembly.models import Committee, CommitteeEvent, MotionEvent
from linli.assembly.models.committees import add_months, add_years
from linli.assembly.selectors import speaking_body
from linli.assembly.services.committees import check_term
from linli.core.testing import DAY, HOUR, sheet
from linli.notify.models import Notification
from linli.people.models import Occupancy, Person, Post, Role
from linli.people.scopes import scope_for
from linli.people.services import add_post
from linli.places.models import Home

TODAY = timezone.localdate()


def owner(world, name, phone, *, estate=None, number=None):
    """A new owner of a new home in ``estate`` (A by default)."""
    building = (estate or world.estate_a).buildings.first()
    n = Home.objects.filter(building=building).count()
    home = Home.objects.create(building=building, entrance="1", floor=1, number=number or f"1{n + 1:02d}",
                               area=Decimal("50.00"))
    person = Person.objects.create(name=name, phone=phone)
    Occupancy.objects.create(person=person, home=home, relation="owner")
    return person


def pdf(name="filing.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 committee paper", content_type="application/pdf")


def election(world, slate, *, approve=True, estate=None):
    """An elect_committee motion of estate A with ``slate`` [(person, title)], opened eight days ago, voted by every
    owner (for, or against), closed now."""
    now = timezone.now()
    opens = now - 8 * DAY
    admin = world.street_admin
    motion = services.motion_create(estate=estate or world.estate_a, matter="elect_committee",
                                    title="选举第二届业主委员会", opens_at=opens, closes_at=opens + 7 * DAY,
                                    actor=admin, now=opens - 15 * DAY)
    for person, title in slate:
        services.candidate_add(motion=motion, person=person, title=title, actor=admin)
    services.motion_open(motion=motion, actor=admin, now=opens)
    for elector in motion.electors.all():
        services.ballot_cast(motion=motion, elector=elector, choice="for" if approve else "against", actor=admin,
                             channel="paper", sheet=sheet(), now=opens + HOUR)
    return services.motion_close(motion=motion, actor=admin, now=now)


@pytest.fixture
def wang(cworld):
    return owner(cworld, "王强", "13500001234")


def management_members(world, estate, *, owners=4, users=2, chair_capacity="residents_committee"):
    """(person, title, capacity) for a 物业管理委员会 of ``estate``: a residents' committee head, owners (the
    first the vice-chair) and users."""
    head = Person.objects.create(name="社区主任", phone="13100000001")
    rows = [(head, "chair", chair_capacity)]
    for i in range(owners):
        rows.append((owner(world, f"业主{i}", f"1310000010{i}", estate=estate), "vice_chair" if i == 0 else "member",
                     "owner"))
    for i in range(users):
        tenant = Person.objects.create(name=f"租户{i}", phone=f"1310000020{i}")
        Occupancy.objects.create(person=tenant, home=estate.buildings.first().homes.first(), relation="tenant")
        rows.append((tenant, "member", "user"))
    return rows


def form_pmc(world, members, *, years=3, actor=None, estate=None, start=None):
    start = start or TODAY
    return services.management_committee_form(
        estate=estate or world.estate_b, members=members, term_starts=start,
        term_ends=add_years(start, years) - DAY, basis="九宫庙街道〔2026〕12号", actor=actor or world.street_admin)


# -- terms: art. 41 (five years), art. 58 (three years) -----------------------------------------------------------


def test_an_owners_committees_term_of_more_than_five_years_is_refused_art_41():
    start = datetime.date(2026, 3, 1)
    check_term(kind="owners", term_starts=start, term_ends=datetime.date(2031, 3, 1))
    with pytest.raises(ValidationError, match="第四十一条"):
        check_term(kind="owners", term_starts=start, term_ends=datetime.date(2031, 3, 2))


def test_a_management_committees_term_of_more_than_three_years_is_refused_art_58(world):
    members = management_members(world, world.estate_b)
    with pytest.raises(ValidationError, match="第五十八条"):
        services.management_committee_form(estate=world.estate_b, members=members, term_starts=TODAY,
                                           term_ends=add_years(TODAY, 3) + DAY, basis="九宫庙街道〔2026〕12号",
                                           actor=world.street_admin)
    assert not Committee.objects.filter(estate=world.estate_b).exists()


# -- deadlines: art. 43 (filing within 30 days), art. 49 (report six months before the end) -------------------------


def test_the_filing_is_due_thirty_days_after_the_election_and_flagged_when_late_art_43(cworld):
    term = cworld.committee_term
    term.filed_on = None
    assert term.filing_due == term.elected_on + datetime.timedelta(days=30)
    assert term.filing_status(term.elected_on + datetime.timedelta(days=30)) == "due"
    assert term.filing_status(term.elected_on + datetime.timedelta(days=31)) == "overdue"
    term.filed_on = term.elected_on + datetime.timedelta(days=20)
    assert term.filing_status(TODAY) == "filed"


def test_the_term_report_is_due_six_months_before_the_term_ends_art_49(cworld):
    term = cworld.committee_term
    assert term.report_due == add_months(term.term_ends, -6)
    term.term_ends = datetime.date(2027, 8, 31)
    assert term.report_due == datetime.date(2027, 2, 28)
    assert term.report_status(datetime.date(2027, 1, 1)) == "later"
    assert term.report_status(datetime.date(2027, 2, 1)) == "due"
    assert term.report_status(datetime.date(2027, 3, 1)) == "overdue"


# -- the election (Civil Code art. 278(1)(3); art. 39 composition) ---------------------------------------------------


def test_a_passed_election_installs_the_slate_and_ends_the_old_seats_that_day(cworld, wang):
    old = cworld.committee_term
    motion = election(cworld, [(cworld.resident, "chair"), (cworld.neighbour, "member"), (wang, "member")])
    assert motion.approved is True
    new = Committee.objects.get(estate=cworld.estate_a, number=2)
    assert new.elected_by == motion and new.term_starts == TODAY and new.elected_on == TODAY
    assert new.term_ends == add_years(TODAY, 5) - DAY
    seats = Post.objects.current().filter(organization=new.organization)
    assert sorted((p.person.name, p.title) for p in seats) == [("周莲秀", "chair"), ("李建国", "member"),
                                                               ("王强", "member")]
    assert all(p.starts_on == TODAY for p in seats)
    old_seats = Post.objects.filter(organization=old.organization)
    assert {(p.person.name, p.ends_on) for p in old_seats} == {("李建国", TODAY), ("赵敏", TODAY)}
    old.refresh_from_db()
    assert old.dissolved_on == TODAY
    assert speaking_body(cworld.estate_a).pk == new.pk
    assert CommitteeEvent.objects.filter(committee=new, kind="elected").exists()


def test_a_failed_election_installs_nothing(cworld, wang):
    election(cworld, [(cworld.resident, "chair"), (cworld.neighbour, "member"), (wang, "member")], approve=False)
    assert list(Committee.objects.filter(estate=cworld.estate_a)) == [cworld.committee_term]
    assert Post.objects.current().filter(organization=cworld.owners_committee).count() == 2


def test_a_slate_of_an_even_number_installs_nothing_and_says_why_art_39(cworld, wang):
    motion = election(cworld, [(cworld.resident, "chair"), (wang, "member")])
    assert motion.approved is True
    assert Committee.objects.filter(estate=cworld.estate_a).count() == 1
    event = MotionEvent.objects.get(motion=motion, kind="committee_not_installed")
    assert "第三十九条" in event.data["reason"]


def test_more_than_a_hundred_households_need_five_members_art_39(cworld, wang):
    from linli.assembly.services.committees import check_owners_slate

    slate = [(cworld.resident, "chair"), (cworld.neighbour, "member"), (wang, "member")]
    check_owners_slate(cworld.estate_a, slate)  # three homes: three members will do
    building = cworld.building_a
    Home.objects.bulk_create([Home(building=building, estate=cworld.estate_a, entrance="2", floor=1,
                                   number=str(200 + i), area=Decimal("40")) for i in range(100)])
    with pytest.raises(ValidationError, match="五人以上单数"):
        check_owners_slate(cworld.estate_a, slate)


def test_alternates_may_not_outnumber_members_art_39(cworld, wang):
    from linli.assembly.services.committees import check_owners_slate

    a, b = owner(cworld, "甲", "13500000001"), owner(cworld, "乙", "13500000002")
    c, d = owner(cworld, "丙", "13500000003"), owner(cworld, "丁", "13500000004")
    slate = [(cworld.resident, "chair"), (cworld.neighbour, "member"), (wang, "member"), (a, "alternate"),
             (b, "alternate"), (c, "alternate"), (d, "alternate")]
    with pytest.raises(ValidationError, match="候补委员人数不得超过委员人数"):
        check_owners_slate(cworld.estate_a, slate)


def test_only_owners_of_the_estate_stand_and_the_slate_is_fixed_once_the_vote_opens(cworld, wang):
    now = timezone.now()
    motion = services.motion_create(estate=cworld.estate_a, matter="elect_committee", title="选举",
                                    opens_at=now + 16 * DAY, closes_at=now + 24 * DAY, actor=cworld.street_admin)
    with pytest.raises(ValidationError, match="不是本小区业主"):
        services.candidate_add(motion=motion, person=cworld.zhao, title="member", actor=cworld.street_admin)
    with pytest.raises(PermissionDenied):
        services.candidate_add(motion=motion, person=wang, title="member", actor=cworld.resident_a)
    services.candidate_add(motion=motion, person=wang, title="member", actor=cworld.street_admin)
    services.motion_open(motion=motion, actor=cworld.street_admin, now=now + 16 * DAY)
    with pytest.raises(ValidationError, match="表决已开始"):
        services.candidate_add(motion=motion, person=cworld.resident, title="member", actor=cworld.street_admin)
    assert [c.person for c in motion.candidates.all()] == [wang]


# -- 物业管理委员会: arts. 52–54, 58, 59 ---------------------------------------------------------------------------


def test_the_street_forms_a_management_committee_whose_members_get_the_role(world):
    members = management_members(world, world.estate_b)
    pmc = form_pmc(world, members)
    assert pmc.kind == "management" and pmc.organization.kind == "pm_committee"
    assert Post.objects.current().filter(organization=pmc.organization).count() == 7
    body = speaking_body(world.estate_b)
    assert body.pk == pmc.pk and body.members[0].title == "chair"
    head = members[0][0]
    user = world.stranger
    user.person = head
    user.save()
    assert Role.COMMITTEE_MEMBER in scope_for(user).roles


def test_a_management_committee_of_fewer_than_seven_or_an_even_number_is_refused_art_54(world):
    with pytest.raises(ValidationError, match="七人以上单数"):
        form_pmc(world, management_members(world, world.estate_b, owners=3, users=1))
    assert not Committee.objects.exists()


def test_owners_are_at_least_half_of_a_management_committee_art_54(world):
    with pytest.raises(ValidationError, match="二分之一"):
        form_pmc(world, management_members(world, world.estate_b, owners=3, users=3))


def test_the_residents_committee_heads_the_management_committee_art_54(world):
    with pytest.raises(ValidationError, match="居民委员会代表担任"):
        form_pmc(world, management_members(world, world.estate_b, chair_capacity="other"))


def test_only_the_street_forms_a_management_committee_art_52(world):
    members = management_members(world, world.estate_b)
    for who in ("community_admin", "manager_a", "other_street_admin"):
        with pytest.raises(PermissionDenied):
            form_pmc(world, members, actor=world.users[who])
    assert not Committee.objects.exists()


def test_no_management_committee_where_an_owners_committee_serves_art_53(cworld):
    with pytest.raises(ValidationError, match="第五十三条"):
        form_pmc(cworld, management_members(cworld, cworld.estate_a), estate=cworld.estate_a)


def test_filing_the_elected_owners_committee_dissolves_the_management_committee_art_59(world):
    pmc = form_pmc(world, management_members(world, world.estate_b), start=TODAY - 40 * DAY)
    slate = [(owner(world, f"委员{i}", f"1370000000{i}", estate=world.estate_b), "member") for i in range(3)]
    election(world, slate, estate=world.estate_b)
    committee = Committee.objects.get(estate=world.estate_b, kind="owners")
    assert speaking_body(world.estate_b).pk == committee.pk  # elected: the committee speaks
    assert pmc in Committee.objects.serving()  # the 物管会 stays until the filing
    services.committee_record_filing(committee=committee, filed_on=TODAY, actor=world.street_admin,
                                     documents=[("filing", "备案材料", pdf())])
    pmc.refresh_from_db()
    assert pmc.dissolved_on == TODAY and "第五十九条" in pmc.dissolved_reason
    assert not Post.objects.current(TODAY).filter(organization=pmc.organization).exists()


# -- filing, report, a seat ending ---------------------------------------------------------------------------------


def test_the_street_records_the_filing_with_its_papers_once_art_43(cworld):
    term = cworld.committee_term
    Committee.objects.filter(pk=term.pk).update(filed_on=None)
    term.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.committee_record_filing(committee=term, filed_on=TODAY, actor=cworld.community_admin,
                                         documents=[("filing", "备案材料", pdf())])
    with pytest.raises(PermissionDenied):
        services.committee_record_filing(committee=term, filed_on=TODAY, actor=cworld.committee_chair,
                                         documents=[("filing", "备案材料", pdf())])
    services.committee_record_filing(committee=term, filed_on=TODAY, actor=cworld.street_admin,
                                     documents=[("filing", "备案材料", pdf())])
    term.refresh_from_db()
    assert term.filed_on == TODAY and term.filing_received_by == cworld.street_admin
    assert term.documents.get().kind == "filing"
    assert CommitteeEvent.objects.get(committee=term, kind="filed").data["late"] is True  # 100 days after
    with pytest.raises(ValidationError, match="已于"):
        services.committee_record_filing(committee=term, filed_on=TODAY, actor=cworld.street_admin,
                                         documents=[("filing", "备案材料", pdf())])


def test_the_committee_records_its_term_report_as_a_document_art_49(cworld):
    term = cworld.committee_term
    with pytest.raises(PermissionDenied):
        services.committee_record_term_report(committee=term, reported_on=TODAY, file=pdf(), actor=cworld.resident_a)
    services.committee_record_term_report(committee=term, reported_on=TODAY, file=pdf(), actor=cworld.committee_chair)
    term.refresh_from_db()
    assert term.term_report_on == TODAY and term.report_status() == "reported"
    assert term.documents.get().kind == "term_report"


def test_the_committee_is_reminded_once_when_its_report_falls_due_art_49(cworld):
    term = cworld.committee_term
    Committee.objects.filter(pk=term.pk).update(term_ends=add_months(TODAY, 6) + 5 * DAY)
    assert services.remind_term_reports() == 1
    services.remind_term_reports()
    notes = Notification.objects.filter(kind="committee_report")
    assert sorted(n.user.username for n in notes) == ["committee_chair", "committee_member"]


def test_a_members_seat_ends_for_a_reason_of_art_46_and_an_alternate_steps_in_art_41(cworld, wang):
    alternate = add_post(person=wang, organization=cworld.owners_committee, title="alternate",
                                             capacity="owner", starts_on=TODAY - 10 * DAY)
    seat = Post.objects.get(person=cworld.zhao, organization=cworld.owners_committee)
    with pytest.raises(ValidationError):
        services.seat_end(post=seat, reason="tired", on=TODAY, actor=cworld.committee_chair)
    with pytest.raises(PermissionDenied):
        services.seat_end(post=seat, reason="resigned", on=TODAY, actor=cworld.committee_member)
    services.seat_end(post=seat, reason="resigned", on=TODAY, note="2026年12月1日书面辞职", alternate=alternate,
                      actor=cworld.committee_chair)
    seat.refresh_from_db()
    assert seat.ends_on == TODAY and seat.end_reason.startswith("以书面形式向业主委员会提出辞职（第四十六条")
    current = Post.objects.current().filter(organization=cworld.owners_committee)
    assert sorted((p.person.name, p.title) for p in current) == [("李建国", "chair"), ("王强", "member")]
    assert CommitteeEvent.objects.get(kind="seat_ended").data["alternate"]["person"] == wang.pk


def test_speaking_body_is_none_where_neither_body_serves(world, cworld):
    assert speaking_body(world.estate_b) is None
    Committee.objects.filter(pk=cworld.committee_term.pk).update(dissolved_on=TODAY - DAY)
    assert speaking_body(cworld.estate_a) is None
    assert speaking_body(cworld.estate_a, on=TODAY - 2 * DAY).pk == cworld.committee_term.pk


def test_fewer_than_half_the_seats_held_after_step_ins_is_flagged_art_48(cworld, wang):
    from linli.assembly.selectors import below_half

    election(cworld, [(cworld.resident, "chair"), (cworld.neighbour, "member"), (wang, "member")])
    term = Committee.objects.get(estate=cworld.estate_a, number=2)
    assert below_half(term) is False
    for person in (cworld.neighbour, wang):
        services.seat_end(post=Post.objects.get(organization=term.organization, person=person), reason="not_owner",
                          on=TODAY, actor=cworld.street_admin)
    assert below_half(term) is True


def test_the_street_registers_a_committee_elected_before_linli_with_the_same_rules(cworld, wang):
    Committee.objects.filter(pk=cworld.committee_term.pk).update(dissolved_on=TODAY - 10 * DAY)
    seats = [(cworld.resident, "chair"), (cworld.neighbour, "member"), (wang, "member")]
    with pytest.raises(PermissionDenied):
        services.committee_register_existing(estate=cworld.estate_a, seats=seats, elected_on=TODAY - 5 * DAY,
                                             term_ends=TODAY + 400 * DAY, basis="选举结果", actor=cworld.community_admin)
    with pytest.raises(ValidationError, match="第四十一条"):
        services.committee_register_existing(estate=cworld.estate_a, seats=seats, elected_on=TODAY - 5 * DAY,
                                             term_ends=add_years(TODAY, 6), basis="选举结果", actor=cworld.street_admin)
    term = services.committee_register_existing(estate=cworld.estate_a, seats=seats, elected_on=TODAY - 5 * DAY,
                                                term_ends=TODAY + 400 * DAY, basis="选举结果", actor=cworld.street_admin)
    assert term.number == 2 and term.filing_status() == "due"
    assert Post.objects.current().filter(organization=term.organization).count() == 3


def test_the_command_reminds_the_committees_whose_report_is_due(cworld):
    import io

    from django.core.management import call_command

    Committee.objects.filter(pk=cworld.committee_term.pk).update(term_ends=add_months(TODAY, 6) - 3 * DAY)
    out = io.StringIO()
    call_command("assembly", "committee-reports", stdout=out)
    call_command("assembly", "committee-reports", stdout=out)
    assert Notification.objects.filter(kind="committee_report").count() == 2  # chair and member, once
