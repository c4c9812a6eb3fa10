"""Owners' proposals to their committee (Beijing art. 44(1)(5): the committee learns the owners' opinions and
suggestions): an owner sends one, the committee answers (with who and when, the owner is told), the street reads."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from linli.assembly.models import Proposal, ProposalAnswer
from linli.assembly.services.proposals import proposal_answer, proposal_submit
from linli.core.testing import make_user
from linli.notify.models import Notification
from linli.people.models import Occupancy, Person


def _propose(w, **kw):
    kw.setdefault("estate", w.estate_a)
    kw.setdefault("title", "建议增加楼道扶手")
    kw.setdefault("text", "1栋楼梯陡，老人上下楼不便，建议每层加装扶手。")
    return proposal_submit(actor=kw.pop("actor", w.resident_a), **kw)


def test_an_owner_sends_a_proposal_to_the_committee_of_their_estate(cworld):
    w = cworld
    proposal = _propose(w)
    assert (proposal.estate, proposal.body_org, proposal.person) == (w.estate_a, w.owners_committee, w.resident)
    told = set(Notification.objects.filter(kind="owner_proposal").values_list("user__username", flat=True))
    assert told == {"committee_chair", "committee_member"}


@pytest.mark.parametrize("name", ["committee_member", "manager_a", "street_admin", "stranger"])
def test_only_an_owner_of_the_estate_proposes(cworld, name):
    # 赵敏 (committee_member) lives in A-1-101 as a family member: not an owner
    with pytest.raises(PermissionDenied):
        _propose(cworld, actor=getattr(cworld, name))
    assert Proposal.objects.count() == 0


def test_an_estate_without_a_committee_takes_no_proposal(cworld):
    w = cworld
    owner = Person.objects.create(name="钱多", phone="13300001111")
    Occupancy.objects.create(person=owner, home=w.home_b1, relation="owner")
    user = make_user("owner_b")
    user.person = owner
    user.save()
    with pytest.raises(ValidationError, match="没有业主委员会"):
        _propose(w, actor=user, estate=w.estate_b)


def test_the_committee_answers_with_who_and_when_and_the_owner_is_told(cworld):
    w = cworld
    proposal = _propose(w)
    answer = proposal_answer(proposal=proposal, text="已列入下次业委会会议议题", actor=w.committee_member)
    assert (answer.actor, answer.kind, answer.text) == (w.committee_member, "answered", "已列入下次业委会会议议题")
    assert Notification.objects.filter(user=w.resident_a, kind="owner_proposal").count() == 1
    # a further answer is a new row; the first one stays
    proposal_answer(proposal=proposal, text="会议已决定加装", actor=w.committee_chair)
    assert list(proposal.answers.order_by("id").values_list("text", flat=True)) == ["已列入下次业委会会议议题",
                                                                                    "会议已决定加装"]


@pytest.mark.parametrize("name", ["resident_a", "street_admin", "manager_a"])
def test_only_the_committee_answers(cworld, name):
    proposal = _propose(cworld)
    with pytest.raises(PermissionDenied):
        proposal_answer(proposal=proposal, text="好", actor=getattr(cworld, name))
    assert ProposalAnswer.objects.count() == 0


# -- pages -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name,status", [("stranger", 404), ("manager_a", 404), ("other_street_admin", 404),
                                         ("committee_member", 200), ("street_admin", 200), ("resident_a", 200)])
def test_a_proposal_page(cworld, client_for, name, status):
    proposal = _propose(cworld)
    assert client_for(name).get(f"/assembly/proposals/{proposal.pk}/").status_code == status


def test_another_owner_does_not_see_a_proposal(cworld, client_for):
    proposal = _propose(cworld, actor=cworld.committee_chair)  # 李建国 is an owner too
    assert client_for("resident_a").get(f"/assembly/proposals/{proposal.pk}/").status_code == 404


def test_the_committee_sees_the_proposer_masked_and_the_street_in_full(cworld, client_for):
    proposal = _propose(cworld)
    committee = client_for("committee_member").get(f"/assembly/proposals/{proposal.pk}/").content.decode()
    assert "周**" in committee and "周莲秀" not in committee
    assert "周莲秀" in client_for("street_admin").get(f"/assembly/proposals/{proposal.pk}/").content.decode()


def test_the_committee_answers_on_the_page_and_the_owner_reads_it(cworld, client_for):
    proposal = _propose(cworld)
    assert client_for("street_admin").post(f"/assembly/proposals/{proposal.pk}/", {"text": "好"}).status_code == 403
    client_for("committee_member").post(f"/assembly/proposals/{proposal.pk}/", {"text": "下周安装"})
    assert "下周安装" in client_for("resident_a").get(f"/assembly/proposals/{proposal.pk}/").content.decode()


def test_the_list_of_unanswered_proposals(cworld, client_for):
    w = cworld
    answered, waiting = _propose(w, title="甲提议"), _propose(w, title="乙提议")
    proposal_answer(proposal=answered, text="已办", actor=w.committee_chair)
    page = client_for("committee_chair").get("/assembly/proposals/?unanswered=1").content.decode()
    assert waiting.title in page and answered.title not in page


def test_an_owner_proposes_through_the_page(cworld, client_for):
    owner = client_for("resident_a")
    assert owner.get("/assembly/proposals/new/").status_code == 200
    response = owner.post("/assembly/proposals/new/", {"estate": cworld.estate_a.pk, "title": "修路灯",
                                                       "text": "3栋路灯坏了"})
    assert response.status_code == 302 and Proposal.objects.get().title == "修路灯"


@pytest.mark.parametrize("name", ["stranger", "committee_member", "street_admin"])
def test_the_proposal_form_is_only_for_owners(cworld, client_for, name):
    assert client_for(name).get("/assembly/proposals/new/").status_code == 404
