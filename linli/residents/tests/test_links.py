"""How a resident reaches the home and the report page: the poster's QR code and the WeChat group link
(workorders/go/<token>/), and the 我要反映 buttons on 我的诉求 and on the estate's page."""

from django.test import Client

from linli.core.testing import report_order
from linli.workorders import posters


def test_the_go_link_takes_a_signed_in_resident_home_and_anyone_else_to_the_report_page(world, client_for):
    token = posters.make_token(building=world.building_a)
    assert client_for("resident_a").get(f"/workorders/go/{token}/")["Location"] == "/"
    assert client_for("resident_a").get("/")["Location"] == "/residents/"
    anonymous = Client().get(f"/workorders/go/{token}/")
    assert anonymous.status_code == 302 and anonymous["Location"] == f"/workorders/r/{token}/"
    assert Client().get(anonymous["Location"]).status_code == 200  # reporting needs no account, as before
    # A signed-in account with neither role nor home reports like anyone else.
    assert client_for("stranger").get(f"/workorders/go/{token}/")["Location"] == f"/workorders/r/{token}/"


def test_a_forged_go_link_is_404(world, client_for):
    forged = posters.make_token(building=world.building_a)[:-2] + "xx"
    assert Client().get(f"/workorders/go/{forged}/").status_code == 404
    assert client_for("resident_a").get(f"/workorders/go/{forged}/").status_code == 404


def test_the_posters_page_gives_the_wechat_link(desk, client_for):
    body = client_for("manager_a").get("/workorders/posters/").content.decode()
    assert f"http://testserver/workorders/go/{posters.make_token(estate=desk.estate_a)}/" in body


def test_my_requests_has_a_report_button_and_plain_words(world, client_for):
    report_order(world)
    body = client_for("resident_a").get("/workorders/mine/").content.decode()
    assert 'id="report-button" href="/workorders/report/"' in body
    assert '<p class="plain-status"><strong>' in body


def test_the_estate_page_has_a_report_button_for_its_residents_only(world, client_for):
    url = f"/places/estates/{world.estate_a.pk}/"
    body = client_for("resident_a").get(url).content.decode()
    assert f'href="/workorders/report/?estate={world.estate_a.pk}"' in body
    assert 'id="report-button"' not in client_for("manager_a").get(url).content.decode()


def test_report_for_an_estate_the_resident_does_not_live_in_is_404(world, client_for):
    client = client_for("resident_a")
    assert client.get(f"/workorders/report/?estate={world.estate_b.pk}").status_code == 404
    to = client.get(f"/workorders/report/?estate={world.estate_a.pk}")
    assert to["Location"] == f"/workorders/r/{posters.make_token(building=world.building_a)}/"


def test_the_order_page_tells_the_resident_in_plain_words_and_staff_read_the_status(world, client_for):
    order = report_order(world)
    order.status, order.assignee_org = "dispatched", world.company
    order.save(update_fields=["status", "assignee_org"])
    mine = client_for("resident_a").get(f"/workorders/{order.code}/").content.decode()
    assert 'id="plain-status"><strong>已派给重庆锦绣物业服务有限公司</strong>：处理人会尽快接手。' in mine
    assert 'id="plain-status"' not in client_for("manager_a").get(f"/workorders/{order.code}/").content.decode()
