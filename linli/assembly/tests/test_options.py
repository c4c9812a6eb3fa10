"""Issue 15 item 3: choosing among three — one motion with options, each counted under art. 278."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from linli.assembly import services, tally
from linli.assembly.models import Ballot, BallotEvent, Notice
from linli.core.testing import after_close, open_motion, post, sheet

D = Decimal


def homes(*rows):
    return [tally.OwnedHome(id=str(i), owner=owner, area=D(area)) for i, (owner, area) in enumerate(rows, start=1)]


OPTIONS = [("m", "义渡物业"), ("s", "自行管理"), ("c", "国有托管")]


# -- the count, plain Python ------------------------------------------------------------------------------------


def test_the_option_with_more_than_half_of_area_and_owners_wins():
    h = homes(("a", "60"), ("b", "50"), ("c", "40"), ("d", "30"))
    votes = [tally.Vote("a", tally.FOR, "m"), tally.Vote("b", tally.FOR, "m"), tally.Vote("c", tally.FOR, "m"),
             tally.Vote("d", tally.FOR, "s")]
    r = tally.tally_options("hire_manager", h, votes, OPTIONS)
    assert (r.quorum_met, r.winner, r.approved) == (True, "m", True)
    assert (r.option("m").area, r.option("m").owners, r.option("s").owners, r.option("c").owners) == (D(150), 3, 1, 0)
    assert "“义渡物业”胜出" in r.explanation


def test_exactly_half_is_no_majority_and_no_option_wins():
    h = homes(("a", "50"), ("b", "50"), ("c", "50"), ("d", "50"))
    votes = [tally.Vote("a", tally.FOR, "m"), tally.Vote("b", tally.FOR, "m"), tally.Vote("c", tally.FOR, "s"),
             tally.Vote("d", tally.ABSTAIN)]
    r = tally.tally_options("hire_manager", h, votes, OPTIONS)
    assert (r.quorum_met, r.winner, r.abstain_owners) == (True, None, 1)
    assert "没有选项达到多数" in r.explanation


def test_a_majority_of_area_without_a_majority_of_owners_does_not_win():
    h = homes(("a", "300"), ("b", "10"), ("c", "10"))
    votes = [tally.Vote("a", tally.FOR, "m"), tally.Vote("b", tally.FOR, "s"), tally.Vote("c", tally.FOR, "c")]
    assert tally.tally_options("hire_manager", h, votes, OPTIONS).winner is None


def test_without_two_thirds_taking_part_nothing_is_chosen():
    h = homes(("a", "10"), ("b", "10"), ("c", "10"))
    r = tally.tally_options("hire_manager", h, [tally.Vote("a", tally.FOR, "m")], OPTIONS)
    assert (r.quorum_met, r.winner) == (False, None)
    assert "未选出任何选项" in r.explanation


@pytest.mark.parametrize("vote", [tally.Vote("a", tally.FOR), tally.Vote("a", tally.FOR, "x"),
                                  tally.Vote("a", tally.AGAINST), tally.Vote("a", tally.ABSTAIN, "m")])
def test_a_vote_must_name_one_option_or_abstain(vote):
    with pytest.raises(tally.TallyError, match="须选择一个选项或弃权"):
        tally.tally_options("hire_manager", homes(("a", "10")), [vote], OPTIONS)


def test_an_options_motion_needs_two_distinct_options():
    with pytest.raises(tally.TallyError, match="至少两个不同的选项"):
        tally.tally_options("hire_manager", homes(("a", "10")), [], [("m", "x")])


# -- the motion, its ballots and its result ----------------------------------------------------------------------


@pytest.fixture
def three(world):
    return open_motion(world, title="选定管理方式", options=[
        {"label": "锦绣物业", "mode": "market", "provider": world.company},
        {"label": "业主自行管理", "mode": "self"},
        {"label": "国有企业托管", "mode": "custodian", "provider": world.custodian},
    ])


def electors(motion, world):
    return motion.electors.get(persons=world.resident), motion.electors.get(persons=world.neighbour)


def test_the_ballot_choices_of_a_motion(world, three, motion):
    first, second, third = three.options.order_by("position")
    assert three.ballot_choices() == [(f"option:{first.pk}", "锦绣物业"), (f"option:{second.pk}", "业主自行管理"),
                                      (f"option:{third.pk}", "国有企业托管"), ("abstain", "弃权")]
    assert [v for v, _label in motion.ballot_choices()] == ["for", "against", "abstain"]
    assert three.parse_ballot_choice(f"option:{second.pk}") == ("for", second)
    with pytest.raises(ValueError):
        three.parse_ballot_choice(f"option:{second.pk + 100}")


def test_a_ballot_on_options_names_one_option_of_this_motion(world, three, motion):
    mine, _theirs = electors(three, world)
    kw = {"motion": three, "elector": mine, "actor": world.resident_a}
    with pytest.raises(ValidationError, match="请选择本次表决的一个选项"):
        services.ballot_cast(choice="for", **kw)
    with pytest.raises(ValidationError, match="请选择本次表决的一个选项"):
        services.ballot_cast(choice="for", option=motion.options.first(), **kw)
    with pytest.raises(ValidationError, match="只能选择一个选项或弃权"):
        services.ballot_cast(choice="against", **kw)
    with pytest.raises(ValidationError, match="本次表决没有选项"):
        services.ballot_cast(motion=motion, elector=motion.electors.get(persons=world.resident), choice="for",
                             option=three.options.first(), actor=world.resident_a)
    option = three.options.get(position=2)
    first = services.ballot_cast(choice="for", option=option, **kw)
    services.ballot_cast(choice="abstain", replaces=first.current_id, **kw)
    assert Ballot.objects.get(motion=three).option is None
    assert [(e.choice, e.option_id) for e in BallotEvent.objects.filter(ballot__motion=three).order_by("id")] == [
        ("for", option.pk), ("abstain", None)]


def test_closing_counts_each_option_and_posts_the_winner(world, three):
    mine, theirs = electors(three, world)
    market = three.options.get(position=1)
    for elector in (mine, theirs):
        services.ballot_cast(motion=three, elector=elector, choice="for", option=market, channel="paper",
                             sheet=sheet(), actor=world.street_admin)
    motion = services.motion_close(motion=three, actor=world.street_admin, now=after_close(three))
    market.refresh_from_db()
    assert (motion.approved, motion.winning_option, market.area, market.owners) == (True, market, D("110.50"), 2)
    assert motion.chosen == ("market", world.company)
    notice = Notice.objects.get(motion=motion)
    assert notice.title == "表决结果公示：选定管理方式（选定：锦绣物业）"
    assert "锦绣物业：2 人、110.50 m²" in notice.body and "“锦绣物业”胜出" in notice.body
    assert "“锦绣物业”胜出" in motion.explanation_text


def test_options_must_be_valid_choices_of_a_manager(world):
    from django.utils import timezone

    from linli.core.testing import DAY

    now = timezone.now()
    kw = {"estate": world.estate_a, "matter": "hire_manager", "title": "三选一", "opens_at": now + 16 * DAY,
          "closes_at": now + 23 * DAY, "actor": world.street_admin}
    with pytest.raises(ValidationError, match="至少两个选项"):
        services.motion_create(**kw, options=[{"label": "自管", "mode": "self"}])
    with pytest.raises(ValidationError, match="第 2 个选项：国有企业托管的服务单位须为国有物业服务企业"):
        services.motion_create(**kw, options=[{"label": "自管", "mode": "self"},
                                              {"label": "托管", "mode": "custodian", "provider": world.company}])
    with pytest.raises(ValidationError, match="第 2 个选项与前面的选项重复"):
        services.motion_create(**kw, options=[{"label": "自管", "mode": "self"}, {"label": "自管2", "mode": "self"}])
    with pytest.raises(ValidationError, match="只用于选聘"):
        services.motion_create(**dict(kw, matter="other_major"), options=[{"label": "自管", "mode": "self"},
                                                                          {"label": "b", "mode": "self"}])


# -- the pages and the API --------------------------------------------------------------------------------------


def test_the_resident_votes_for_an_option_on_the_vote_page(world, client_for, three):
    client = client_for("resident_a")
    url = reverse("assembly:vote", args=[three.pk])
    page = client.get(url).content.decode()
    assert "锦绣物业" in page and "业主自行管理" in page and "国有企业托管" in page and "每个选项单独计算" in page
    option = three.options.get(position=3)
    mine, _theirs = electors(three, world)
    client.post(url, {"elector": mine.pk, "choice": f"option:{option.pk}"})
    assert Ballot.objects.get().option == option
    page = client.get(url).content.decode()
    assert 'class="choice option chosen"' in page
    client.post(url, {"elector": mine.pk, "choice": "against"})  # not a choice on this motion
    assert Ballot.objects.get().option == option
    assert client_for("stranger").post(url, {"elector": mine.pk, "choice": "abstain"}).status_code in (302, 403, 404)


def test_staff_enter_a_paper_ballot_for_an_option_and_see_the_results(world, client_for, three):
    client = client_for("community_admin")
    option = three.options.get(position=2)
    _mine, theirs = electors(three, world)
    response = client.post(reverse("assembly:paper_ballot", args=[three.pk]),
                           {"elector": theirs.pk, "choice": f"option:{option.pk}", "sheet": sheet()})
    assert response.status_code == 302
    assert Ballot.objects.get().option == option
    detail = reverse("assembly:motion_detail", args=[three.pk])
    assert "业主自行管理" in client.get(detail).content.decode()
    services.motion_close(motion=three, actor=world.street_admin, now=after_close(three))
    page = client.get(detail).content.decode()
    assert 'id="option-results"' in page and "未选出任何选项" in page
    assert client_for("manager_a").post(reverse("assembly:paper_ballot", args=[three.pk]), {}).status_code in (403,
                                                                                                           404)


def test_the_api_creates_an_options_motion_and_takes_a_vote_for_an_option(world, client_for):
    from django.utils import timezone

    from linli.core.testing import DAY

    opens = timezone.now() + 16 * DAY
    client = client_for("street_admin")
    response = post(client, "/api/v1/assembly/motions/", {
        "estate": world.estate_a.pk, "matter": "hire_manager", "title": "三选一", "opens_at": opens.isoformat(),
        "closes_at": (opens + 7 * DAY).isoformat(),
        "options": [{"label": "锦绣物业", "mode": "market", "provider": world.company.pk},
                    {"label": "自行管理", "mode": "self"},
                    {"label": "国有托管", "mode": "custodian", "provider": world.custodian.pk}]})
    assert response.status_code == 201, response.content
    body = response.json()
    assert [o["mode"] for o in body["options"]] == ["market", "self", "custodian"]
    assert [c["value"] for c in body["ballot_choices"]][-1] == "abstain"
    response = post(client, "/api/v1/assembly/motions/", {
        "estate": world.estate_a.pk, "matter": "hire_manager", "title": "x", "opens_at": opens.isoformat(),
        "closes_at": (opens + 7 * DAY).isoformat(), "manager_mode": "market"})
    assert response.status_code == 400 and "provider" in response.content.decode()


def test_the_api_vote_takes_an_option(world, client_for, three):
    mine, _theirs = electors(three, world)
    option = three.options.get(position=1)
    client = client_for("resident_a")
    url = f"/api/v1/assembly/motions/{three.pk}/vote/"
    assert post(client, url, {"elector": mine.pk, "choice": "for"}).status_code == 400
    response = post(client, url, {"elector": mine.pk, "choice": f"option:{option.pk}"})
    assert response.status_code == 200 and response.json()[0]["choice"] == f"option:{option.pk}"


def test_the_cli_counts_a_file_with_options(tmp_path):
    import json
    from io import StringIO

    from django.core.management import call_command

    doc = {"matter": "hire_manager", "options": [{"key": "m", "label": "义渡物业"}, {"key": "s", "label": "自行管理"}],
           "homes": [{"id": "1", "owner": "a", "area": "60"}, {"id": "2", "owner": "b", "area": "50"},
                     {"id": "3", "owner": "c", "area": "40"}],
           "ballots": [{"owner": "a", "option": "m"}, {"owner": "b", "option": "m"}, {"owner": "c", "choice": "abstain"}]}
    path = tmp_path / "vote.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    out = StringIO()
    call_command("assembly", "tally", str(path), stdout=out)
    result = json.loads(out.getvalue())
    assert (result["winner"], result["options"][0]["area"], result["abstain_owners"]) == ("m", "110", 1)
    assert "“义渡物业”胜出" in result["explanation"]
