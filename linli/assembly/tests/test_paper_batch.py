"""Issue 15 items 4 and 8: fast paper entry — find each sheet's owner by building, room and name (two 刘旭 told
apart by masked phone and home), owners who voted marked or hidden, a stack of sheets in one submission with a
running tally, each refused row named and nothing lost silently."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from linli.assembly import services
from linli.assembly.models import Ballot
from linli.core.testing import open_motion, sheet
from linli.people.models import Occupancy, Person
from linli.places.models import Building, Home


@pytest.fixture
def two_liu(world):
    """Two owners named 刘旭 in estate A: 1栋1单元201 and 2栋1单元101; then the vote opens."""
    building2 = Building.objects.create(estate=world.estate_a, number="2栋", floors=6)
    homes = [Home.objects.create(building=world.building_a, entrance="1", floor=2, number="201", area=Decimal("55.00")),
             Home.objects.create(building=building2, entrance="1", floor=1, number="101", area=Decimal("70.00"))]
    for home, phone in zip(homes, ("13711112222", "13533334444"), strict=True):
        Occupancy.objects.create(person=Person.objects.create(name="刘旭", phone=phone), home=home, relation="owner")
    return open_motion(world)


def _url(motion, **query):
    from urllib.parse import urlencode

    return reverse("assembly:paper_batch", args=[motion.pk]) + (f"?{urlencode(query)}" if query else "")


def test_only_the_admins_who_run_the_vote_open_the_paper_entry_page(world, client_for, motion):
    url = _url(motion)
    response = Client().get(url)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert client_for("stranger").get(url).status_code == 404
    assert client_for("resident_a").get(url).status_code == 404
    for who in ("auditor", "manager_a"):
        assert client_for(who).get(url).status_code == 403
        assert client_for(who).post(url, {"row": [motion.electors.first().pk]}).status_code == 403
    assert Ballot.objects.count() == 0
    assert client_for("community_admin").get(url).status_code == 200


def test_two_owners_of_the_same_name_are_told_apart_by_building_room_and_masked_phone(world, client_for, two_liu):
    client = client_for("street_admin")
    both = client.get(_url(two_liu, name="刘旭")).content.decode()
    assert both.count("<legend>") == 2
    assert "1栋1单元201" in both and "2栋1单元101" in both and "137****2222" in both and "135****4444" in both
    assert "13711112222" not in both
    one = client.get(_url(two_liu, building="2", room="101")).context["rows"]
    assert [(e.label, e.phones) for e in one] == [("刘旭", ["135****4444"])]
    # "1" finds 1栋 only (never 11栋); with room 101 only the resident's home.
    rows = client.get(_url(two_liu, building="1栋", room="101")).context["rows"]
    assert [e.label for e in rows] == ["周莲秀"]


def test_owners_who_voted_are_marked_or_hidden(world, client_for, two_liu):
    mine = services.electors_of(two_liu, world.resident_a).get()
    services.ballot_cast(motion=two_liu, elector=mine, choice="for", actor=world.resident_a)
    client = client_for("street_admin")
    page = client.get(_url(two_liu, building="1")).content.decode()
    row = page[page.index(f'id="row-{mine.pk}"'):]
    row = row[:row.index("</fieldset>")]
    assert "已投票" in row and "通过线上投了同意" in row and f'name="replaces-{mine.pk}"' in row
    hidden = client.get(_url(two_liu, building="1", voted="hide")).context["rows"]
    assert mine not in hidden and len(hidden) == 2


def test_a_stack_of_sheets_is_entered_row_by_row_and_refused_rows_are_named(world, client_for, two_liu):
    mine = services.electors_of(two_liu, world.resident_a).get()
    online = services.ballot_cast(motion=two_liu, elector=mine, choice="for", actor=world.resident_a)
    neighbour = two_liu.electors.get(persons=world.neighbour)
    liu_1, liu_2 = two_liu.electors.filter(label="刘旭").order_by("id")
    client = client_for("street_admin")
    url = _url(two_liu)
    response = client.post(url, {
        "row": [mine.pk, neighbour.pk, liu_1.pk, liu_2.pk],
        f"choice-{mine.pk}": "against", f"sheet-{mine.pk}": sheet(),  # voted online: not confirmed
        f"choice-{neighbour.pk}": "for", f"sheet-{neighbour.pk}": sheet(),
        f"choice-{liu_1.pk}": "against",  # the scan is missing
        # liu_2: no choice, no sheet in this stack
    })
    assert response.status_code == 400
    failed = [(f["row"], f["who"]) for f in response.context["failed"]]
    assert failed == [(1, "周莲秀"), (3, "刘旭")]
    page = response.content.decode()
    assert "第 1 行（周莲秀）：该业主已于" in page and "第 3 行（刘旭）：纸质票须上传扫描件" in page
    assert [(b.elector, b.choice, b.channel) for b in Ballot.objects.order_by("id")] == [
        (mine, "for", "online"), (neighbour, "for", "paper")]
    assert response.context["batch"] == {"entered": 1, "choices": [("同意", 1), ("反对", 0), ("弃权", 0)]}

    # Corrected: the replacement confirmed (the event shown), the scan attached; the tally runs on.
    response = client.post(url, {
        "row": [mine.pk, liu_1.pk],
        f"choice-{mine.pk}": "against", f"sheet-{mine.pk}": sheet(), f"replaces-{mine.pk}": online.current_id,
        f"choice-{liu_1.pk}": "against", f"sheet-{liu_1.pk}": sheet(),
    })
    assert response.status_code == 302
    page = client.get(response.url)
    assert page.context["batch"] == {"entered": 3, "choices": [("同意", 1), ("反对", 2), ("弃权", 0)]}
    assert page.context["progress"] == {"voted": 3, "total": 4, "voted_area": Decimal("165.50"),
                                        "total_area": Decimal("235.50")}
    assert "周莲秀、刘旭" in page.content.decode()
    assert Ballot.objects.get(elector=mine).events.count() == 2
    # A new stack starts from zero.
    client.post(url, {"new_stack": "1"})
    assert client.get(url).context["batch"]["entered"] == 0


def test_the_tally_of_a_secret_vote_shows_no_choices(world, client_for):
    motion = open_motion(world, secret=True)
    elector = motion.electors.get(persons=world.neighbour)
    client = client_for("street_admin")
    response = client.post(_url(motion), {"row": [elector.pk], f"choice-{elector.pk}": "against",
                                          f"sheet-{elector.pk}": sheet()})
    page = client.get(response.url)
    assert page.context["batch"] == {"entered": 1, "choices": []}
