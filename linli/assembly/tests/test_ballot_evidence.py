"""Issue 15 item 4: ballots keep their evidence.

Reproduced on the demo: a paper ballot entered by staff silently replaced a resident's online vote (for → against),
and after the resident voted again online the roster still linked the old paper scan saying "against" to the
online "for". Replacing a ballot now needs a confirmation naming the ballot replaced; each scan belongs to the
event that produced it.
"""

import pytest
from django.urls import reverse

from linli.assembly import services
from linli.assembly.models import Ballot, BallotEvent
from linli.core.errors import Conflict
from linli.core.testing import open_motion, post, sheet


def _row(page: str, label: str) -> str:
    """The roster row of ``label`` on the motion page."""
    table = page[page.index('id="electors"'):]
    start = table.index(label)
    return table[start:table.index("</tr>", start)]


def test_a_paper_ballot_does_not_silently_replace_a_residents_online_vote(world, client_for, motion):
    mine = services.electors_of(motion, world.resident_a).get()
    client_for("resident_a").post(reverse("assembly:vote", args=[motion.pk]), {"elector": mine.pk, "choice": "for"})
    response = client_for("street_admin").post(reverse("assembly:paper_ballot", args=[motion.pk]),
                                               {"elector": mine.pk, "choice": "against", "sheet": sheet()},
                                               follow=True)
    ballot = Ballot.objects.get()
    assert (ballot.choice, ballot.channel, ballot.events.count()) == ("for", "online", 1)
    page = response.content.decode()
    assert "该业主已于" in page and "通过线上投了同意" in page


def test_the_roster_never_links_an_online_ballot_to_an_old_paper_scan(world, client_for, motion):
    mine = services.electors_of(motion, world.resident_a).get()
    resident, staff = client_for("resident_a"), client_for("street_admin")
    resident.post(reverse("assembly:vote", args=[motion.pk]), {"elector": mine.pk, "choice": "for"})
    first = Ballot.objects.get().events.get()
    staff.post(reverse("assembly:paper_ballot", args=[motion.pk]),
               {"elector": mine.pk, "choice": "against", "sheet": sheet(), "replaces": first.pk})
    paper = Ballot.objects.get().events.order_by("id").last()
    assert (paper.channel, paper.choice) == ("paper", "against")
    resident.post(reverse("assembly:vote", args=[motion.pk]), {"elector": mine.pk, "choice": "for",
                                                                "replaces": paper.pk})
    ballot = Ballot.objects.get()
    assert (ballot.choice, ballot.channel, ballot.events.count()) == ("for", "online", 3)

    row = _row(staff.get(reverse("assembly:motion_detail", args=[motion.pk])).content.decode(), "周莲秀")
    assert "同意" in row and "线上" in row
    assert reverse("assembly:ballot_sheet", args=[ballot.pk]) not in row
    assert "扫描件" not in row


# -- the rule in the service ---------------------------------------------------------------------------------

def test_replacing_a_ballot_needs_its_current_event_and_a_stale_confirmation_is_refused(world, motion):
    mine = services.electors_of(motion, world.resident_a).get()
    online = services.ballot_cast(motion=motion, elector=mine, choice="for", actor=world.resident_a)
    first = online.current_id
    with pytest.raises(Conflict, match="通过线上投了同意") as refused:
        services.ballot_cast(motion=motion, elector=mine, choice="against", actor=world.street_admin,
                             channel="paper", sheet=sheet())
    assert refused.value.code == "ballot_exists"
    # Meanwhile the resident changes their vote: a confirmation given for the first ballot no longer holds.
    services.ballot_cast(motion=motion, elector=mine, choice="abstain", actor=world.resident_a, replaces=first)
    with pytest.raises(Conflict, match="已不是该业主的当前表决票") as stale:
        services.ballot_cast(motion=motion, elector=mine, choice="against", actor=world.street_admin,
                             channel="paper", sheet=sheet(), replaces=first)
    assert stale.value.code == "ballot_changed"
    ballot = Ballot.objects.get()
    assert ballot.choice == "abstain"
    assert list(ballot.events.values_list("kind", "choice", "channel")) == [
        ("cast", "for", "online"), ("changed", "abstain", "online")]
    assert ballot.events.order_by("id").last().data == {"replaces": first}


def test_a_secret_ballot_is_named_without_its_choice(world):
    motion = open_motion(world, secret=True)
    mine = services.electors_of(motion, world.resident_a).get()
    services.ballot_cast(motion=motion, elector=mine, choice="against", actor=world.resident_a)
    with pytest.raises(Conflict) as refused:
        services.ballot_cast(motion=motion, elector=mine, choice="for", actor=world.street_admin, channel="paper",
                             sheet=sheet())
    assert "通过线上投票（记录 #" in refused.value.messages[0] and "反对" not in refused.value.messages[0]


def test_every_replaced_ballot_keeps_its_own_scan(world, motion):
    elector = motion.electors.get(persons=world.neighbour)
    first = services.ballot_cast(motion=motion, elector=elector, choice="for", actor=world.street_admin,
                                 channel="paper", sheet=sheet("first.pdf")).current
    second = services.ballot_cast(motion=motion, elector=elector, choice="against", actor=world.community_admin,
                                  channel="paper", sheet=sheet("second.pdf"), replaces=first.pk).current
    assert first.sheet and second.sheet and first.sheet.name != second.sheet.name
    assert Ballot.objects.get().current == second
    assert [e.sheet.name for e in BallotEvent.objects.order_by("id")] == [first.sheet.name, second.sheet.name]


# -- pages ---------------------------------------------------------------------------------------------------

def _three_events(world, motion):
    """Online for, paper against (confirmed), online for again (confirmed): the demo's reproduction."""
    mine = services.electors_of(motion, world.resident_a).get()
    ballot = services.ballot_cast(motion=motion, elector=mine, choice="for", actor=world.resident_a)
    ballot = services.ballot_cast(motion=motion, elector=mine, choice="against", actor=world.street_admin,
                                  channel="paper", sheet=sheet(), replaces=ballot.current_id)
    paper = ballot.current
    ballot = services.ballot_cast(motion=motion, elector=mine, choice="for", actor=world.resident_a,
                                  replaces=paper.pk)
    return ballot, paper


def test_the_ballot_history_lists_each_event_with_its_channel_actor_and_scan(world, client_for, motion):
    ballot, paper = _three_events(world, motion)
    url = reverse("assembly:ballot_history", args=[ballot.pk])
    page = client_for("street_admin").get(url).content.decode()
    events = page[page.index('id="ballot-events"'):]
    assert events.count("<li") == 3
    assert events.count(reverse("assembly:ballot_event_sheet", args=[paper.pk])) == 1
    assert events.count('class="sheet"') == 1 and events.count("线上投票，无纸质扫描件") == 2
    assert "street_admin" in events and "resident_a" in events
    sheet_url = reverse("assembly:ballot_event_sheet", args=[paper.pk])
    assert client_for("street_admin").get(sheet_url).status_code == 200
    # The ballot's own scan link answers only for a paper ballot as it stands: now online, there is none.
    assert client_for("street_admin").get(reverse("assembly:ballot_sheet", args=[ballot.pk])).status_code == 404
    # The property company sees who voted and how, never what; nobody else sees the history.
    manager = client_for("manager_a").get(url).content.decode()
    assert "反对" not in manager[manager.index('id="ballot-events"'):] and sheet_url not in manager
    assert client_for("manager_a").get(sheet_url).status_code == 404
    for who in ("stranger", "resident_a"):
        assert client_for(who).get(url).status_code == 404
        assert client_for(who).get(sheet_url).status_code == 404


def test_the_roster_links_the_history_and_only_the_current_paper_scan(world, client_for, motion):
    ballot, paper = _three_events(world, motion)
    elector = motion.electors.get(persons=world.neighbour)
    theirs = services.ballot_cast(motion=motion, elector=elector, choice="against", actor=world.street_admin,
                                  channel="paper", sheet=sheet())
    page = client_for("street_admin").get(reverse("assembly:motion_detail", args=[motion.pk])).content.decode()
    mine_row, their_row = _row(page, "周莲秀"), _row(page, "李建国")
    assert reverse("assembly:ballot_history", args=[ballot.pk]) in mine_row and "扫描件" not in mine_row
    assert reverse("assembly:ballot_event_sheet", args=[theirs.current_id]) in their_row


def test_the_paper_confirmation_page_names_the_ballot_and_a_confirmed_replacement_is_entered(world, client_for,
                                                                                             motion):
    mine = services.electors_of(motion, world.resident_a).get()
    online = services.ballot_cast(motion=motion, elector=mine, choice="for", actor=world.resident_a)
    client = client_for("street_admin")
    url = reverse("assembly:paper_ballot", args=[motion.pk])
    response = client.post(url, {"elector": mine.pk, "choice": "against", "sheet": sheet()})
    assert response.status_code == 409
    page = response.content.decode()
    assert f"（记录 #{online.current_id}）" in page and f'name="replaces" value="{online.current_id}"' in page
    client.post(url, {"elector": mine.pk, "choice": "against", "sheet": sheet(), "replaces": online.current_id})
    ballot = Ballot.objects.get()
    assert (ballot.choice, ballot.channel, ballot.events.count()) == ("against", "paper", 2)


def test_a_resident_sees_that_their_ballot_was_entered_on_paper(world, client_for, motion):
    mine = services.electors_of(motion, world.resident_a).get()
    services.ballot_cast(motion=motion, elector=mine, choice="against", actor=world.street_admin, channel="paper",
                         sheet=sheet())
    page = client_for("resident_a").get(reverse("assembly:vote", args=[motion.pk])).content.decode()
    assert "按您的纸质表决票录入" in page and "反对" in page[page.index('id="my-choice"'):]
    # A vote from a page shown before a change is refused, and names the ballot as it now stands.
    response = client_for("resident_a").post(reverse("assembly:vote", args=[motion.pk]),
                                             {"elector": mine.pk, "choice": "for", "replaces": 999999}, follow=True)
    assert "已不是该业主的当前表决票" in response.content.decode()
    assert Ballot.objects.get().choice == "against"


# -- API -----------------------------------------------------------------------------------------------------

API = "/api/v1/assembly"


def test_the_api_refuses_a_second_ballot_without_replaces_naming_the_existing_one(world, client_for, motion):
    mine = services.electors_of(motion, world.resident_a).get()
    url = f"{API}/motions/{motion.pk}/paper/"
    resident = client_for("resident_a")
    post(resident, f"{API}/motions/{motion.pk}/vote/", {"elector": mine.pk, "choice": "for"})
    event = resident.get(f"{API}/motions/{motion.pk}/mine/").json()[0]["event"]
    staff = client_for("community_admin")
    response = staff.post(url, {"elector": mine.pk, "choice": "against", "sheet": sheet()})
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "ballot_exists" and f"记录 #{event}" in body["message"]
    row = next(r for r in staff.get(f"{API}/motions/{motion.pk}/ballots/").json() if r["voted"])
    assert (row["event"], row["choice"], row["channel"]) == (event, "for", "online")
    rows = staff.post(url, {"elector": mine.pk, "choice": "against", "sheet": sheet(), "replaces": event}).json()
    row = next(r for r in rows if r["voted"])
    assert (row["choice"], row["channel"], row["ballot"]) == ("against", "paper", Ballot.objects.get().pk)
    # The resident's page-less client still holds the first event: refused as stale.
    stale = post(resident, f"{API}/motions/{motion.pk}/vote/", {"elector": mine.pk, "choice": "for", "replaces": event})
    assert (stale.status_code, stale.json()["code"]) == (409, "ballot_changed")
    assert Ballot.objects.get().choice == "against"
