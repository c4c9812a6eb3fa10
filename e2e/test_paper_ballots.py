"""Issue 15 item 4: a resident votes online; the community enters a stack of paper sheets on the fast page, tries
to replace the resident's ballot, is shown the ballot by name and confirms; the resident votes again online. At
the end the ballot's history keeps every event with its own evidence: the paper scan on its own event, the online
ballot on the roster without the old scan."""

from playwright.sync_api import expect

from linli.assembly.models import Ballot
from linli.core.testing import open_motion

PDF = {"name": "sheet.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 scanned paper ballot"}


def test_paper_sheets_replace_a_ballot_only_when_confirmed_and_keep_their_evidence(world, live_server, page, sign_in,
                                                                                  shot):
    motion = open_motion(world)
    mine = motion.electors.get(persons=world.resident)
    theirs = motion.electors.get(persons=world.neighbour)

    # The resident votes online.
    sign_in("resident_a")
    page.goto(f"{live_server.url}/assembly/vote/{motion.pk}/")
    page.click("button.choice.for")
    expect(page.locator("#my-choice")).to_contain_text("同意")
    online = Ballot.objects.get().current_id

    # The community enters the stack: the neighbour's sheet, and one for the resident, not yet confirmed.
    page.context.clear_cookies()
    sign_in("community_admin")
    page.goto(f"{live_server.url}/assembly/motions/{motion.pk}/")
    page.click("#paper-batch-link")
    page.fill("input[name=building]", "1")
    page.click("#paper-search button[type=submit]")
    resident_row, neighbour_row = page.locator(f"#row-{mine.pk}"), page.locator(f"#row-{theirs.pk}")
    expect(resident_row).to_contain_text("已投票")
    expect(resident_row).to_contain_text("通过线上投了同意")
    expect(resident_row).to_contain_text("138****5678")
    expect(neighbour_row).to_contain_text("139****1111")
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    shot("paper-batch")
    neighbour_row.locator("input[value=against]").check()
    neighbour_row.locator("input[type=file]").set_input_files(PDF)
    resident_row.locator("input[value=against]").check()
    resident_row.locator("input[type=file]").set_input_files(PDF)
    page.click("#submit-sheets")
    expect(page.locator("#failed")).to_contain_text("第 1 行（周莲秀）：该业主已于")
    expect(page.locator("#failed")).to_contain_text(f"通过线上投了同意（记录 #{online}）")
    expect(page.locator("#batch-entered")).to_have_text("1")
    assert (Ballot.objects.get(elector=mine).choice, Ballot.objects.get(elector=theirs).channel) == ("for", "paper")
    shot("paper-batch-refused")

    # Confirmed: the checkbox names the very ballot shown.
    resident_row = page.locator(f"#row-{mine.pk}")
    expect(resident_row.locator("label.replace")).to_contain_text(f"记录 #{online}")
    resident_row.locator("input[value=against]").check()
    resident_row.locator("input[type=file]").set_input_files(PDF)
    resident_row.locator("label.replace input").check()
    page.click("#submit-sheets")
    expect(page.locator("#entered")).to_contain_text("周莲秀")
    expect(page.locator("#batch-entered")).to_have_text("2")
    expect(page.locator("#progress-owners")).to_have_text("2/2")
    paper = Ballot.objects.get(elector=mine).current
    assert (paper.channel, paper.choice, bool(paper.sheet)) == ("paper", "against", True)

    # The resident sees the paper ballot on their page and votes again online.
    page.context.clear_cookies()
    sign_in("resident_a")
    page.goto(f"{live_server.url}/assembly/vote/{motion.pk}/")
    expect(page.locator("#paper-note")).to_contain_text("按您的纸质表决票录入")
    expect(page.locator("#my-choice")).to_contain_text("反对")
    page.click("button.choice.for")
    expect(page.locator("#my-choice")).to_contain_text("同意")

    # The record: the roster shows the online ballot without the paper scan; the history keeps all three events.
    page.context.clear_cookies()
    sign_in("community_admin")
    page.goto(f"{live_server.url}/assembly/motions/{motion.pk}/")
    row = page.locator("#electors tr", has_text="周莲秀")
    expect(row).to_contain_text("同意")
    expect(row).to_contain_text("线上")
    expect(row.locator("a", has_text="扫描件")).to_have_count(0)
    expect(page.locator("#electors tr", has_text="李建国").locator("a", has_text="扫描件")).to_have_count(1)
    row.locator("a", has_text="同意").click()
    events = page.locator("#ballot-events li")
    expect(events).to_have_count(3)
    expect(events.nth(0)).to_contain_text("线上投票，无纸质扫描件")
    expect(events.nth(1)).to_contain_text("纸质票")
    expect(events.nth(1)).to_contain_text("反对")
    expect(events.nth(1)).to_contain_text("community_admin")
    expect(events.nth(2)).to_contain_text("线上投票，无纸质扫描件")
    expect(events.nth(2)).to_contain_text("当前")
    sheet = events.nth(1).locator("a.sheet")
    expect(sheet).to_have_count(1)
    response = page.request.get(live_server.url + sheet.get_attribute("href"))
    assert response.status == 200 and response.body().startswith(b"%PDF")
    shot("ballot-history")
    assert page.external_requests == []
