"""Committee pages: a stranger is refused, a wrong role is refused (nothing changed), the right role succeeds."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from linli.assembly import services
from linli.assembly.models import Committee, CommitteeCandidate
from linli.people.models import Occupancy, Organization, Person, Post
from linli.people.services import add_post
from linli.places.models import Home

TODAY = timezone.localdate()


def pdf():
    return SimpleUploadedFile("paper.pdf", b"%PDF-1.4 committee paper", content_type="application/pdf")


def detail(cworld):
    return reverse("assembly:committee_detail", args=[cworld.committee_term.pk])


def test_the_street_sees_every_committee_of_its_area_and_the_estates_with_neither(cworld, client_for):
    response = client_for("street_admin").get(reverse("assembly:committee_list"))
    assert response.status_code == 200
    assert [c.pk for c in response.context["rows"]] == [cworld.committee_term.pk]
    assert [e.name for e in response.context["without"]] == ["新工宿舍"]  # 百花园 is another street's
    assert 'id="form-management"' in response.content.decode()


def test_a_term_ending_within_six_months_and_an_overdue_filing_are_flagged(cworld, client_for):
    from linli.assembly.models.committees import add_months

    Committee.objects.filter(pk=cworld.committee_term.pk).update(term_ends=add_months(TODAY, 5), filed_on=None)
    response = client_for("district_admin").get(reverse("assembly:committee_list"))
    row = response.context["rows"][0]
    assert row.ending_soon is True and row.filing == "overdue" and row.report == "overdue"
    assert "即将届满" in response.content.decode() and "备案逾期" in response.content.decode()


@pytest.mark.parametrize("who", ["stranger", "resident_a", "manager_a", "committee_chair"])
def test_the_list_of_committees_is_refused_to_those_who_serve_no_division(cworld, client_for, who):
    assert client_for(who).get(reverse("assembly:committee_list")).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(cworld):
    response = Client().get(detail(cworld))
    assert response.status_code == 302


@pytest.mark.parametrize("who", ["stranger", "other_street_admin"])
def test_a_committee_page_is_404_outside_its_estate(cworld, client_for, who):
    assert client_for(who).get(detail(cworld)).status_code == 404


def test_a_resident_sees_the_members_names_and_contact_but_no_phone_nor_papers(cworld, client_for):
    response = client_for("resident_a").get(detail(cworld))
    html = response.content.decode()
    assert response.status_code == 200
    assert "李建国" in html and "赵敏" in html and "02368881234" in html  # art. 42: the list is posted in the estate
    assert "13900001111" not in html and "13600003333" not in html
    assert response.context["papers"] is False and 'id="art47"' not in html


def test_a_member_sees_what_members_may_not_do_and_the_chairs_other_posts(cworld, client_for):
    from linli.people.models import Organization
    from linli.people.services import add_post

    branch = Organization.objects.create(name="锦霞小区党支部", kind="party_branch", division=cworld.c1,
                                         estate=cworld.estate_a)
    add_post(person=cworld.neighbour, organization=branch, title="secretary", starts_on=TODAY)
    html = client_for("committee_member").get(detail(cworld)).content.decode()
    assert 'id="art47"' in html and "泄露业主信息" in html
    assert "锦霞小区党支部" in html


def test_the_street_records_the_filing_on_the_page_and_the_community_cannot(cworld, client_for):
    Committee.objects.filter(pk=cworld.committee_term.pk).update(filed_on=None)
    url = reverse("assembly:committee_filing", args=[cworld.committee_term.pk])
    data = {"filing-filed_on": TODAY.isoformat(), "filing-title": "备案材料"}
    assert client_for("community_admin").post(url, {**data, "filing-file": pdf()}).status_code == 403
    assert client_for("resident_a").post(url, {**data, "filing-file": pdf()}).status_code == 404
    cworld.committee_term.refresh_from_db()
    assert cworld.committee_term.filed_on is None
    response = client_for("street_admin").post(url, {**data, "filing-file": pdf()})
    assert response.status_code == 302
    cworld.committee_term.refresh_from_db()
    assert cworld.committee_term.filed_on == TODAY
    doc = cworld.committee_term.documents.get()
    file_url = reverse("assembly:committee_file", args=[doc.pk])
    assert client_for("committee_member").get(file_url).status_code == 200
    assert client_for("resident_a").get(file_url).status_code == 404


def test_a_filing_without_its_papers_names_the_field(cworld, client_for):
    Committee.objects.filter(pk=cworld.committee_term.pk).update(filed_on=None)
    response = client_for("street_admin").post(reverse("assembly:committee_filing", args=[cworld.committee_term.pk]),
                                               {"filing-filed_on": TODAY.isoformat(), "filing-title": "备案材料"})
    assert response.status_code == 400 and "备案材料（扫描件）" in response.content.decode()


def test_the_chair_records_the_term_report_and_a_resident_cannot(cworld, client_for):
    url = reverse("assembly:committee_report", args=[cworld.committee_term.pk])
    data = {"report-reported_on": TODAY.isoformat()}
    assert client_for("resident_a").post(url, {**data, "report-file": pdf()}).status_code == 403
    assert client_for("committee_chair").post(url, {**data, "report-file": pdf()}).status_code == 302
    cworld.committee_term.refresh_from_db()
    assert cworld.committee_term.term_report_on == TODAY


def test_the_chair_ends_a_members_seat_and_a_member_cannot(cworld, client_for):
    seat = Post.objects.get(person=cworld.zhao)
    url = reverse("assembly:committee_seat_end", args=[cworld.committee_term.pk])
    data = {"seat-post": seat.pk, "seat-reason": "resigned", "seat-on": TODAY.isoformat()}
    assert client_for("committee_member").post(url, data).status_code == 403
    assert client_for("stranger").post(url, data).status_code == 404
    seat.refresh_from_db()
    assert seat.ends_on is None
    assert client_for("committee_chair").post(url, data).status_code == 302
    seat.refresh_from_db()
    assert seat.ends_on == TODAY


def _members_form(world):
    estate = world.estate_b
    building = estate.buildings.first()
    head = Person.objects.create(name="陈红梅", phone="13983000188")  # of the residents' committee, living elsewhere
    committee = Organization.objects.create(name="新工社区居委会", kind="community_committee", division=world.c2)
    add_post(person=head, organization=committee, title="member", starts_on=TODAY)
    rows = [("陈红梅", head.phone, "chair", "residents_committee")]
    for i in range(6):
        person = Person.objects.create(name=f"业主{i}号", phone=f"1398300020{i}")
        home = Home.objects.create(building=building, floor=2, number=f"20{i}", area=Decimal("40"))
        Occupancy.objects.create(person=person, home=home, relation="owner")
        rows.append((person.name, person.phone, "vice_chair" if i == 0 else "member", "owner"))
    data = {"estate": estate.pk, "basis": "九宫庙街道〔2026〕12号", "term_starts": TODAY.isoformat(),
            "term_ends": TODAY.replace(year=TODAY.year + 2).isoformat(), "phone": "02368867010"}
    for i, (name, phone, title, capacity) in enumerate(rows, start=1):
        data.update({f"m{i}_name": name, f"m{i}_phone": phone, f"m{i}_title": title, f"m{i}_capacity": capacity})
    return data


def test_the_street_forms_a_management_committee_on_the_page(world, client_for):
    data = _members_form(world)
    assert client_for("stranger").get(reverse("assembly:committee_new")).status_code == 404
    assert client_for("community_admin").post(reverse("assembly:committee_new"), data).status_code == 403
    assert not Committee.objects.exists()
    response = client_for("street_admin").post(reverse("assembly:committee_new"), data)
    assert response.status_code == 302
    pmc = Committee.objects.get(estate=world.estate_b)
    assert pmc.kind == "management" and Post.objects.current().filter(organization=pmc.organization).count() == 7


def test_a_management_committee_of_six_is_refused_with_the_article(world, client_for):
    data = _members_form(world)
    for key in ("m7_name", "m7_phone", "m7_title", "m7_capacity"):
        data.pop(key)
    response = client_for("street_admin").post(reverse("assembly:committee_new"), data)
    assert response.status_code == 200 and "第五十四条" in response.content.decode()
    assert not Committee.objects.exists()


def test_the_slate_page_adds_an_owner_and_refuses_a_resident(cworld, client_for):
    now = timezone.now()
    motion = services.motion_create(estate=cworld.estate_a, matter="elect_committee", title="选举第二届业主委员会",
                                    opens_at=now + 16 * timezone.timedelta(days=1),
                                    closes_at=now + 24 * timezone.timedelta(days=1), actor=cworld.street_admin)
    url = reverse("assembly:motion_candidates", args=[motion.pk])
    data = {"name": "周莲秀", "phone": "13812345678", "title": "chair"}
    assert client_for("resident_a").get(url).status_code == 404
    assert client_for("manager_a").post(url, data).status_code == 403
    assert client_for("street_admin").post(url, data).status_code == 302
    assert [c.person.name for c in CommitteeCandidate.objects.filter(motion=motion)] == ["周莲秀"]
    html = client_for("street_admin").get(url).content.decode()
    assert 'id="slate-error"' in html  # one member is no committee (art. 39)


def test_the_public_board_and_the_residents_page_say_which_body_speaks(cworld, client_for):
    html = Client().get(reverse("assembly:public_estate", args=[cworld.estate_a.pk])).content.decode()
    assert "锦霞小区业主委员会" in html and "李建国" not in html and "李**" in html
    mine = client_for("resident_a").get(reverse("assembly:mine"))
    assert "锦霞小区业主委员会" in mine.content.decode() and "李建国" in mine.content.decode()
    board = Client().get(reverse("assembly:public_estate", args=[cworld.estate_b.pk])).content.decode()
    assert "没有在任的业主委员会或物业管理委员会" in board


def test_the_street_registers_an_existing_committee_on_the_page(world, client_for):
    rows = []
    for i in range(3):
        person = Person.objects.create(name=f"委员{i}号", phone=f"1398300030{i}")
        home = Home.objects.create(building=world.building_a, floor=3, number=f"30{i}", area=Decimal("40"))
        Occupancy.objects.create(person=person, home=home, relation="owner")
        rows.append((person.name, person.phone, "chair" if i == 0 else "member"))
    data = {"estate": world.estate_a.pk, "elected_on": TODAY.isoformat(),
            "term_ends": TODAY.replace(year=TODAY.year + 4).isoformat(), "basis": "业主大会选举结果"}
    for i, (name, phone, title) in enumerate(rows, start=1):
        data.update({f"m{i}_name": name, f"m{i}_phone": phone, f"m{i}_title": title})
    url = reverse("assembly:committee_register")
    assert client_for("stranger").get(url).status_code == 404
    assert client_for("community_admin").post(url, data).status_code == 403
    assert not Committee.objects.exists()
    assert client_for("street_admin").post(url, data).status_code == 302
    term = Committee.objects.get(estate=world.estate_a)
    assert term.kind == "owners" and Post.objects.current().filter(organization=term.organization).count() == 3
