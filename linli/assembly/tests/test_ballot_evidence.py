"""Issue 15 item 4: ballots keep their evidence.

Reproduced on the demo: a paper ballot entered by staff silently replaced a resident's online vote (for → against),
and after the resident voted again online the roster still linked the old paper scan saying "against" to the
online "for". Replacing a ballot now needs a confirmation naming the ballot replaced; each scan belongs to the
event that produced it.
"""

from django.urls import reverse

from linli.assembly import services
from linli.assembly.models import Ballot
from linli.core.testing import sheet


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
