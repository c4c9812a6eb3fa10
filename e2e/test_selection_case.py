"""Issue 15 items 1 and 3 in the browser: an unmanaged estate's selection case offers one motion with three options;
two owners vote online, a third on paper; the count picks the winner; a hire of another company is refused on the
case page, the winner's hire is recorded, and the estate's stewardship history shows the provider the owners chose
with its basis (the motion, the case)."""

import datetime
from decimal import Decimal

from django.utils import timezone
from playwright.sync_api import expect

from linli.assembly import services
from linli.assembly.models import Motion, SelectionCase
from linli.core.testing import after_close, make_user
from linli.people.models import Membership, Occupancy, Person, Role
from linli.places.models import Home, Stewardship

PDF = {"name": "ballot.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 scanned ballot"}


def owners_of_estate_b(world):
    """Three owners of 新工宿舍, 40 m² each: 王强 and 赵梅 vote online, 孙丽 on paper."""
    building = world.estate_b.buildings.get()
    homes = [world.estate_b.homes.get(number="101")]
    homes += [Home.objects.create(building=building, number=n, area=Decimal("40.00")) for n in ("102", "103")]
    for (username, name), home in zip([("owner_wang", "王强"), ("owner_zhao", "赵梅"), (None, "孙丽")], homes,
                                      strict=True):
        person = Person.objects.create(name=name)
        Occupancy.objects.create(person=person, home=home, relation="owner")
        if username:
            user = make_user(username)
            user.person = person
            user.save()
            Membership.objects.create(user=user, role=Role.RESIDENT, estate=world.estate_b)


def test_the_owners_choose_among_three_and_the_record_shows_their_choice(world, live_server, sign_in, shot):
    owners_of_estate_b(world)
    page = sign_in("street_admin")
    url = live_server.url

    # The street opens the case.
    page.goto(f"{url}/assembly/cases/new/")
    page.select_option("#id_estate", label="新工宿舍")
    page.fill("#id_deadline", (timezone.localdate() + datetime.timedelta(days=60)).isoformat())
    page.click("main button[type=submit]")
    expect(page.locator("h1")).to_contain_text("新工宿舍")
    case = SelectionCase.objects.get()

    # One motion with three options, prefilled from the case; the vote opens now under a documented exception.
    page.click("#new-options-motion")
    expect(page.locator("#id_option_2_label")).to_have_value("业主自行管理")
    page.fill("#id_option_1_label", "选聘重庆锦绣物业")
    page.select_option("#id_option_1_provider", label="重庆锦绣物业服务有限公司")
    page.fill("#id_option_3_label", "由国有企业托管")
    page.select_option("#id_option_3_provider", label="大渡口区城市更新国有托管公司")
    now = timezone.localtime()
    page.fill("#id_opens_at", now.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_closes_at", (now + datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"))
    page.click("main button[type=submit]")
    # Refused without an exception, naming both rules and the article.
    expect(page.locator("#id_opens_at_error")).to_contain_text("通知期，《物业管理条例》第十四条")
    expect(page.locator("#id_closes_at_error")).to_contain_text("最短表决期")
    page.fill("#id_timing_exception", "无人管理小区垃圾堆积，街道书面要求尽快选定管理方式")
    page.fill("#id_timing_exception_document", "九宫庙街道〔2026〕15号")
    page.click("main button[type=submit]")
    expect(page.locator("#options")).to_contain_text("选聘重庆锦绣物业")
    expect(page.locator("#timing-exception")).to_contain_text("九宫庙街道〔2026〕15号")
    page.click("text=开始表决")
    expect(page.locator(".messages")).to_contain_text("表决已开始")
    motion = Motion.objects.get()
    assert (motion.case, motion.status, motion.options.count()) == (case, "open", 3)
    shot("selection-options-motion")

    # Two owners vote online on their phones' page: big buttons, one per option, and 弃权.
    for username in ("owner_wang", "owner_zhao"):
        page.context.clear_cookies()
        sign_in(username)
        page.goto(f"{url}/assembly/vote/{motion.pk}/")
        buttons = page.locator("button.choice")
        expect(buttons).to_have_count(4)
        page.click("button.choice.option:has-text('选聘重庆锦绣物业')")
        expect(page.locator("#my-choice")).to_contain_text("选聘重庆锦绣物业")
    shot("selection-options-vote")

    # The third owner's paper ballot, entered by the street with its scan.
    page.context.clear_cookies()
    sign_in("street_admin")
    page.goto(f"{url}/assembly/motions/{motion.pk}/")
    page.fill("#paper-find input[name=name]", "孙丽")  # found by name, not picked from a list of every owner
    page.click("#paper-find button[type=submit]")
    row = page.locator("fieldset.paper-row")
    expect(row).to_have_count(1)
    row.locator("label.choice-label:has-text('业主自行管理') input").check()
    row.locator("input[type=file]").set_input_files(PDF)
    page.click("#submit-sheets")
    expect(page.locator("#entered")).to_contain_text("孙丽")

    # The deadline passes; the count: the first option has 2 of 3 owners and 80 of 120 m².
    services.motion_close(motion=motion, actor=world.street_admin, now=after_close(motion))
    page.goto(f"{url}/assembly/motions/{motion.pk}/")
    expect(page.locator("#option-results")).to_contain_text("胜出")
    expect(page.locator("#result")).to_contain_text("“选聘重庆锦绣物业”胜出")

    # On the case page: a hire of another company is refused; the owners' choice is recorded.
    page.goto(f"{url}/assembly/cases/{case.pk}/")
    expect(page.locator("#case-motions")).to_contain_text("重庆锦绣物业服务有限公司")
    hire = page.locator("form:has(input[name=step][value=hire])")
    hire.locator("#id_provider").select_option(label="大渡口区城市更新国有托管公司")
    hire.locator("#id_motion").select_option(label=motion.title)
    start = timezone.localdate() + datetime.timedelta(days=1)
    hire.locator("#id_start").fill(start.isoformat())
    hire.locator("#id_contract_end").fill((start + datetime.timedelta(days=730)).isoformat())
    hire.locator("button[type=submit]").click()
    expect(page.locator(".errors")).to_contain_text("不能选聘 大渡口区城市更新国有托管公司")
    assert SelectionCase.objects.get().status == "open"
    hire = page.locator("form:has(input[name=step][value=hire])")
    hire.locator("#id_provider").select_option(label="重庆锦绣物业服务有限公司")
    hire.locator("#id_motion").select_option(label=motion.title)
    hire.locator("#id_start").fill(start.isoformat())
    hire.locator("#id_contract_end").fill((start + datetime.timedelta(days=730)).isoformat())
    hire.locator("button[type=submit]").click()
    expect(page.locator("#outcome")).to_contain_text("重庆锦绣物业服务有限公司")
    shot("selection-case-hired")

    # The record: the estate's stewardship history shows the provider the owners chose and the basis.
    page.goto(f"{url}/places/estates/{world.estate_b.pk}/")
    expect(page.locator("body")).to_contain_text(f"业主共同决定：{motion.title}（选定：重庆锦绣物业服务有限公司）")
    row = Stewardship.objects.get(estate=world.estate_b, end__isnull=True)
    assert (row.mode, row.provider, row.basis_kind, row.basis_ref) == ("market", world.company, "selection",
                                                                        f"selection:{case.pk}")
    assert page.external_requests == []
