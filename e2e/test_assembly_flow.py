"""A resident votes on a phone; the motion closes and its result is posted on the estate's public notice board."""

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from linli.assembly import services
from linli.assembly.models import Ballot
from linli.core.testing import after_close, open_motion, sheet
from linli.people.actors import system_actor


def test_a_resident_votes_and_the_result_is_posted_on_the_public_board(world, live_server, sign_in, shot):
    # The vote closes in five minutes, so that its result is posted today.
    motion = open_motion(world, now=timezone.now() - datetime.timedelta(days=7, minutes=-65))  # opened an hour before
    # that, a week ago; it closes in five minutes
    page = sign_in("resident_a")
    page.goto(f"{live_server.url}/assembly/")
    expect(page.locator("h1")).to_have_text("业主表决")
    shot("assembly-mine")
    page.click("text=去投票")
    expect(page.locator("h1")).to_have_text("选聘物业服务企业")
    expect(page.locator("#rule")).to_contain_text("过半数（> 1/2）")
    expect(page.locator(".homes-list")).to_contain_text("1栋1单元101")
    expect(page.locator(".homes-list")).to_contain_text("62.50 m²")
    buttons = page.locator("button.choice")
    expect(buttons).to_have_count(3)
    box = buttons.first.bounding_box()
    assert box["height"] >= 55  # big enough for a thumb
    if page.device_name == "phone":
        assert box["width"] >= 300  # one full-width button per row on a phone
    shot("assembly-ballot")
    page.click("button.choice.against")
    expect(page.locator("#my-choice")).to_contain_text("反对")
    page.click("button.choice.for")  # changed before the close
    expect(page.locator("#my-choice")).to_contain_text("同意")
    expect(page.locator(".messages")).to_contain_text("截止前可以修改")
    shot("assembly-ballot-cast")
    ballot = Ballot.objects.get()
    assert (ballot.choice, ballot.events.count()) == ("for", 2)

    # The neighbour's paper ballot is entered by the community; the deadline passes and the vote is counted.
    services.ballot_cast(motion=motion, elector=motion.electors.get(persons=world.neighbour), choice="for",
                         actor=world.community_admin, channel="paper", sheet=sheet())
    assert [m.pk for m in services.close_due_motions(actor=system_actor(), now=after_close(motion))] == [motion.pk]

    page.reload()
    expect(page.locator(".result")).to_contain_text("表决通过")
    page.context.clear_cookies()  # the public board needs no sign-in
    page.goto(f"{live_server.url}/assembly/public/estates/{world.estate_a.pk}/")
    expect(page.locator("h1")).to_contain_text("锦霞小区")
    notice = page.locator(".notice-card").first
    expect(notice).to_contain_text("表决结果公示：选聘物业服务企业（通过）")
    expect(notice).to_contain_text("参与表决面积 100.0%")
    assert "周莲秀" not in page.content() and "李建国" not in page.content()
    shot("assembly-public-board")
    assert page.external_requests == []
