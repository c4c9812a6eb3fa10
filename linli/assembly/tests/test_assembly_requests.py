"""Owners request an extraordinary assembly: "经百分之二十以上业主提议，业主委员会应当组织召开业主大会临时会议"
(Beijing art. 35 para. 2; 物业管理条例 art. 13). 20% or more of the owners by head (以上 includes 20%, Civil Code
art. 1259), counted as art. 278 counts owners (SPC interpretation art. 9); the article sets no area threshold."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from linli.assembly.models import AssemblyRequest, AssemblyRequestEvent, RequestSignature
from linli.assembly.services.proposals import (
    needed_owners,
    request_figures,
    request_sign,
    request_sign_paper,
    request_start,
    request_withdraw,
    threshold_reached,
)
from linli.core.testing import make_user, sheet
from linli.notify.models import Notification
from linli.people.models import Occupancy, Person
from linli.places.models import Building, Estate, Home


def _estate(w, owners: int, *, double=False):
    """An estate of 锦霞社区 with ``owners`` homes, each with its own owner and account ``o1``…; with ``double`` the
    owner o1 also owns a second home (still one owner by head)."""
    estate = Estate.objects.create(name="金桂苑", community=w.c1, kind="commodity")
    building = Building.objects.create(estate=estate, number="2栋", floors=6)
    users = []
    for i in range(1, owners + 1):
        home = Home.objects.create(building=building, entrance="1", floor=1, number=f"{100 + i}", area=Decimal("50"))
        person = Person.objects.create(name=f"业主{i}", phone=f"1380000{i:04d}")
        Occupancy.objects.create(person=person, home=home, relation="owner")
        user = make_user(f"o{i}")
        user.person = person
        user.save()
        users.append(user)
    if double:
        home = Home.objects.create(building=building, entrance="1", floor=2, number="201", area=Decimal("150"))
        Occupancy.objects.create(person=users[0].person, home=home, relation="owner")
    return estate, users


def _start(estate, user):
    return request_start(estate=estate, matter="罢免业委会主任", reason="长期不召开会议", actor=user)


def test_the_threshold_is_twenty_percent_of_the_owners_the_line_included():
    assert threshold_reached(2, 10) is True  # exactly 20%: 以上 includes the number
    assert threshold_reached(1, 10) is False
    assert threshold_reached(2, 11) is False  # 18.2%
    assert threshold_reached(3, 11) is True
    assert threshold_reached(0, 0) is False
    assert [needed_owners(n) for n in (5, 10, 11, 1)] == [1, 2, 3, 1]


def test_the_request_is_reached_exactly_at_the_line_and_the_committee_is_told(cworld):
    w = cworld
    # 锦霞小区 has two owners (周莲秀, 李建国): one signature is 50%; make the line exact on an estate of 10 owners
    estate, users = _estate(w, 10)  # the committee of 锦霞小区 does not serve 金桂苑
    req = _start(estate, users[0])
    assert request_figures(req)["owners"] == 1 and req.status == "collecting"
    request_sign(request=req, actor=users[1])
    req.refresh_from_db()
    assert (req.status, req.reached_owners, req.reached_total_owners) == ("reached", 2, 10)
    # no body serves 金桂苑: the street is told to convene (Beijing art. 36)
    told = set(Notification.objects.filter(kind="assembly_request").values_list("user__username", flat=True))
    assert told == {"street_admin"}


def test_below_the_line_the_request_is_not_reached(cworld):
    estate, users = _estate(cworld, 11)
    req = _start(estate, users[0])
    request_sign(request=req, actor=users[1])
    req.refresh_from_db()
    assert (req.status, request_figures(req)["owners_percent"]) == ("collecting", "18.2%")
    request_sign(request=req, actor=users[2])
    req.refresh_from_db()
    assert req.status == "reached"


def test_the_committee_of_the_estate_is_told_when_it_is_reached(cworld):
    w = cworld
    req = _start(w.estate_a, w.resident_a)  # one of two owners: 50%
    req.refresh_from_db()
    assert req.status == "reached" and req.convener == "锦霞小区业主委员会"
    told = set(Notification.objects.filter(kind="assembly_request").values_list("user__username", flat=True))
    assert told == {"committee_chair", "committee_member"}
    assert AssemblyRequestEvent.objects.filter(request=req, kind="reached").count() == 1


def test_one_signature_per_owner_and_an_owner_with_two_homes_counts_once_with_all_the_area(cworld):
    estate, users = _estate(cworld, 5, double=True)
    req = _start(estate, users[0])
    with pytest.raises(ValidationError, match="已签名"):
        request_sign(request=req, actor=users[0])
    figures = request_figures(req)
    assert (figures["owners"], figures["total_owners"]) == (1, 5)
    assert (figures["area"], figures["total_area"]) == (Decimal("200"), Decimal("400"))
    assert RequestSignature.objects.filter(request=req).count() == 1


def test_a_paper_signature_is_entered_by_an_admin_with_who_entered_it(cworld, media):
    w = cworld
    estate, users = _estate(w, 10)
    req = _start(estate, users[0])
    sig = request_sign_paper(request=req, building="2", room="103", sheet=sheet("sign.pdf"),
                             actor=w.community_admin)
    assert (sig.channel, sig.signed_by, sig.label) == ("paper", w.community_admin, "业主3")
    assert sig.sheet.name
    event = AssemblyRequestEvent.objects.filter(request=req, kind="signed").last()
    assert (event.actor, event.data["channel"]) == (w.community_admin, "paper")
    # the same owner cannot sign again online
    with pytest.raises(ValidationError):
        request_sign(request=req, actor=users[2])


@pytest.mark.parametrize("name", ["committee_chair", "manager_a", "other_street_admin", "resident_a"])
def test_a_paper_signature_is_refused_to_anyone_else(cworld, media, name):
    estate, users = _estate(cworld, 10)
    req = _start(estate, users[0])
    with pytest.raises(PermissionDenied):
        request_sign_paper(request=req, building="2", room="103", sheet=sheet(), actor=getattr(cworld, name))
    assert RequestSignature.objects.filter(request=req).count() == 1


def test_withdrawal_is_a_new_event_and_the_owner_may_sign_again(cworld):
    estate, users = _estate(cworld, 10)
    req = _start(estate, users[0])
    request_sign(request=req, actor=users[1])
    request_withdraw(request=req, actor=users[1])
    assert request_figures(req)["owners"] == 1
    request_sign(request=req, actor=users[1])
    kinds = list(AssemblyRequestEvent.objects.filter(request=req).order_by("id").values_list("kind", flat=True))
    assert kinds == ["started", "signed", "signed", "reached", "withdrawn", "signed_again"]
    assert request_figures(req)["owners"] == 2


@pytest.mark.parametrize("name", ["committee_member", "manager_a", "street_admin", "stranger"])
def test_only_an_owner_starts_or_signs(cworld, name):
    with pytest.raises(PermissionDenied):
        _start(cworld.estate_a, getattr(cworld, name))
    assert AssemblyRequest.objects.count() == 0


# -- pages -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name,status", [("stranger", 404), ("manager_a", 404), ("other_street_admin", 404),
                                         ("committee_member", 200), ("community_admin", 200), ("resident_a", 200)])
def test_a_request_page(cworld, client_for, name, status):
    req = _start(cworld.estate_a, cworld.committee_chair)
    assert client_for(name).get(f"/assembly/requests/{req.pk}/").status_code == status


def test_owners_sign_on_the_page_and_only_admins_see_the_names(cworld, client_for):
    w = cworld
    req = _start(w.estate_a, w.committee_chair)
    owner = client_for("resident_a")
    page = owner.get(f"/assembly/requests/{req.pk}/").content.decode()
    assert "李建国" not in page and "1 / 2" in page
    owner.post(f"/assembly/requests/{req.pk}/sign/")
    assert request_figures(req)["owners"] == 2
    assert "李建国" in client_for("street_admin").get(f"/assembly/requests/{req.pk}/").content.decode()


def test_an_admin_enters_a_paper_signature_on_the_page(cworld, client_for, media):
    estate, users = _estate(cworld, 10)
    req = _start(estate, users[0])
    assert client_for("committee_chair").post(f"/assembly/requests/{req.pk}/paper/", {
        "building": "2", "room": "104", "sheet": sheet()}).status_code == 404
    client_for("street_admin").post(f"/assembly/requests/{req.pk}/paper/", {"building": "2", "room": "104",
                                                                           "sheet": sheet()})
    assert RequestSignature.objects.get(request=req, channel="paper").signed_by == cworld.street_admin


def test_an_owner_starts_a_request_on_the_page(cworld, client_for):
    owner = client_for("resident_a")
    assert owner.get("/assembly/requests/new/").status_code == 200
    owner.post("/assembly/requests/new/", {"estate": cworld.estate_a.pk, "matter": "续聘物业", "reason": "合同到期"})
    assert AssemblyRequest.objects.get().matter == "续聘物业"
    assert client_for("stranger").get("/assembly/requests/new/").status_code == 404
    assert client_for("committee_member").get("/assembly/requests/new/").status_code == 404


def test_the_request_page_speaks_english_in_english(cworld, client_for):
    req = _start(cworld.estate_a, cworld.resident_a)
    page = client_for("resident_a").get(f"/assembly/requests/{req.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Owners who signed (by head)" in page and "Threshold reached" in page
    assert "已签名业主" not in page
