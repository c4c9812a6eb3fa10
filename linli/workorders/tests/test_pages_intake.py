"""The intake pages: the resident's phone page behind a poster, the service desk and patrol reports."""

import io

import pytest
from django.core.cache import cache
from django.test import Client
from PIL import Image

from linli.core.testing import h5_url
from linli.workorders import posters
from linli.workorders.models import Attachment, Status, WorkOrder


@pytest.fixture(autouse=True)
def fresh_cache(db):
    cache.clear()
    yield
    cache.clear()


def photo(width=3000, height=2000, name="IMG_0001.png"):
    buf = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buf, "PNG")
    buf.seek(0)
    buf.name = name
    return buf


# -- the phone page --------------------------------------------------------------------------------------


def test_a_poster_token_names_its_place_and_a_made_up_one_is_refused(desk):
    token = posters.make_token(building=desk.building_a)
    assert posters.read_token(token) == ("building", desk.building_a.pk)
    assert posters.read_token(posters.make_token(estate=desk.estate_b)) == ("estate", desk.estate_b.pk)
    forged = f"b{desk.home_b1.building_id}." + token.split(".", 1)[1]
    assert posters.read_token(forged) is None
    assert Client().get(f"/workorders/r/{forged}/").status_code == 404
    assert Client().get("/workorders/r/b1/").status_code == 404


def test_the_phone_page_shows_the_place_from_the_qr_code_to_an_anonymous_visitor(desk):
    response = Client().get(h5_url(desk))
    assert response.status_code == 200
    body = response.content.decode()
    assert "锦霞小区 1栋" in body and "锦霞社区" in body
    assert 'name="contact_phone"' in body and 'name="home"' not in body
    assert body.count("<option value=\"") == 13  # "not sure" and the twelve categories
    assert "房屋与公共部位维修" in body and "非物业事项" in body


def test_an_anonymous_visitor_reports_with_a_phone_and_photos_and_gets_the_code(desk):
    client = Client()
    response = client.post(h5_url(desk), {
        "text": "1栋3单元楼道灯坏了一周", "category": "facility", "contact_name": "王女士",
        "contact_phone": "139 0000 2222", "photos": [photo(), photo(800, 600, "b.jpg")],
    })
    order = WorkOrder.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{h5_url(desk)}done/{order.code}/"
    assert (order.channel, order.status, order.category) == ("resident", Status.DISPATCHED, "facility")
    assert (order.estate, order.building, order.home, order.assignee_org) == (
        desk.estate_a, desk.building_a, None, desk.company)
    assert (order.contact_name, order.contact_phone, order.reporter, order.created_by) == (
        "王女士", "13900002222", None, None)
    sizes = [Image.open(a.file.path).size for a in Attachment.objects.filter(order=order)]
    assert sizes == [(1600, 1067), (800, 600)]
    assert all(Image.open(a.file.path).format == "JPEG" for a in Attachment.objects.filter(order=order))
    done = client.get(response["Location"])
    assert done.status_code == 200
    assert order.code in done.content.decode() and "重庆锦绣物业服务有限公司" in done.content.decode()
    assert "查看办理进度" not in done.content.decode()


def test_the_phone_page_refuses_an_anonymous_report_without_a_phone(desk):
    response = Client().post(h5_url(desk), {"text": "垃圾没人收", "contact_phone": ""})
    assert response.status_code == 200
    assert "这个字段是必填项" in response.content.decode() or "必填" in response.content.decode()
    assert WorkOrder.objects.count() == 0


def test_the_phone_page_refuses_a_phone_that_is_not_an_11_digit_mobile(desk):
    response = Client().post(h5_url(desk), {"text": "垃圾没人收", "contact_phone": "023-6888"})
    assert "请填写 11 位手机号码" in response.content.decode()
    assert WorkOrder.objects.count() == 0


def test_a_signed_in_resident_reports_about_their_home_and_can_follow_it(desk, client_for):
    client = client_for("resident_a")
    url = h5_url(desk)
    page = client.get(url).content.decode()
    assert 'name="home"' in page and "1栋1单元101" in page
    response = client.post(url, {"text": "厨房下水道堵了", "home": desk.home_a1.pk})
    order = WorkOrder.objects.get()
    assert (order.home, order.reporter, order.created_by, order.contact_phone) == (
        desk.home_a1, desk.resident, desk.resident_a, "13812345678")
    done = client.get(response["Location"]).content.decode()
    assert f'href="/workorders/{order.code}/"' in done
    assert client.get(f"/workorders/{order.code}/").status_code == 200


def test_a_resident_cannot_report_about_someone_elses_home(desk, client_for):
    client_for("resident_a").post(h5_url(desk), {"text": "漏水", "home": desk.home_a2.pk})
    assert WorkOrder.objects.count() == 0


def test_the_confirmation_is_shown_only_to_the_visitor_who_reported(desk):
    reporter = Client()
    location = reporter.post(h5_url(desk), {"text": "路灯不亮", "contact_phone": "13900002222"})["Location"]
    assert Client().get(location).status_code == 404
    assert reporter.get(location).status_code == 200


def test_an_estate_poster_reports_about_the_estate_without_a_building(desk):
    Client().post(h5_url(desk, estate=desk.estate_b), {"text": "院坝积水", "contact_phone": "13900002222",
                                                       "category": "sanitation"})
    order = WorkOrder.objects.get()
    assert (order.estate, order.building, order.assignee_org) == (desk.estate_b, None, desk.committee2)


def test_the_eleventh_attempt_within_the_hour_is_refused_even_when_the_first_ten_were_invalid(desk, settings):
    settings.LINLI_RATELIMIT_REPORT = "10/h"
    client = Client()
    codes = [client.post(h5_url(desk), {"text": "问题", "contact_phone": "123"}).status_code for _ in range(10)]
    refused = client.post(h5_url(desk), {"text": "路灯不亮", "contact_phone": "13900002222"})
    assert (codes, refused.status_code, WorkOrder.objects.count()) == ([200] * 10, 429, 0)
    assert "提交太频繁" in refused.content.decode()


def test_a_new_session_does_not_reset_the_limit_of_an_address(desk, settings):
    settings.LINLI_RATELIMIT_REPORT = "3/h"
    codes = [Client().post(h5_url(desk), {"text": f"问题{i}", "contact_phone": "13900002222"}).status_code
             for i in range(4)]
    assert codes == [302, 302, 302, 429]
    assert WorkOrder.objects.count() == 3


def test_another_address_is_not_affected_by_the_limit_of_one(desk, settings):
    settings.LINLI_RATELIMIT_REPORT = "2/h"
    for _ in range(3):
        Client(REMOTE_ADDR="10.0.0.1").post(h5_url(desk), {"text": "问题", "contact_phone": "123"})
    other = Client(REMOTE_ADDR="10.0.0.2").post(h5_url(desk), {"text": "路灯不亮", "contact_phone": "13900002222"})
    assert (other.status_code, WorkOrder.objects.count()) == (302, 1)


def test_reading_the_page_does_not_count(desk, settings):
    settings.LINLI_RATELIMIT_REPORT = "1/h"
    client = Client()
    assert [client.get(h5_url(desk)).status_code for _ in range(3)] == [200, 200, 200]
    assert client.post(h5_url(desk), {"text": "路灯不亮", "contact_phone": "13900002222"}).status_code == 302


# -- the service desk ----------------------------------------------------------------------------------


def desk_data(world, **kw):
    data = {"channel": "walk_in", "kind": "help", "text": "家门口下水道反味", "category": "repair", "estate": world.estate_a.pk,
            "building": world.building_a.pk, "home": world.home_a1.pk, "reporter": world.resident.pk,
            "contact_name": "", "contact_phone": "", "address": ""}
    data.update(kw)
    return data


def test_the_desk_is_hidden_from_strangers_and_residents(desk, client_for):
    assert client_for("stranger").get("/workorders/desk/").status_code == 404
    assert client_for("resident_a").get("/workorders/desk/").status_code == 404
    assert Client().get("/workorders/desk/").status_code == 302


def test_read_only_and_property_roles_may_not_record_at_the_desk(desk, client_for):
    for name in ("auditor", "manager_a"):
        client = client_for(name)
        assert client.get("/workorders/desk/").status_code == 403
        assert client.post("/workorders/desk/", desk_data(desk)).status_code == 403
    assert WorkOrder.objects.count() == 0


def test_a_community_admin_records_a_walk_in_request_for_a_resident(desk, client_for):
    client = client_for("community_admin")
    page = client.get("/workorders/desk/").content.decode()
    assert "锦霞小区" in page and "新工宿舍" not in page
    response = client.post("/workorders/desk/", desk_data(desk))
    order = WorkOrder.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/workorders/{order.code}/"
    assert (order.channel, order.reporter, order.contact_phone, order.home, order.created_by) == (
        "walk_in", desk.resident, "13812345678", desk.home_a1, desk.community_admin)
    assert order.assignee_org == desk.company


def test_a_pasted_wechat_message_keeps_its_channel(desk, client_for):
    client_for("street_admin").post("/workorders/desk/", desk_data(
        desk, channel="wechat", reporter="", home="", building="", text="【锦霞小区业主群】张姐：北门的垃圾三天没人收了"))
    order = WorkOrder.objects.get()
    assert (order.channel, order.reporter, order.estate) == ("wechat", None, desk.estate_a)


def test_a_phone_call_without_a_resident_needs_a_contact(desk, client_for):
    response = client_for("community_admin").post("/workorders/desk/", desk_data(desk, channel="phone", reporter=""))
    assert "请查找居民，或填写联系人或联系电话" in response.content.decode()
    assert WorkOrder.objects.count() == 0


def test_the_desk_refuses_a_place_outside_the_users_scope(desk, client_for):
    response = client_for("community_admin").post("/workorders/desk/", desk_data(
        desk, estate=desk.estate_b.pk, building="", home="", reporter=""))
    assert response.status_code == 200
    assert WorkOrder.objects.count() == 0


def test_resident_look_up_finds_by_initials_and_phone_and_masks_phones(desk, client_for):
    client = client_for("community_admin")
    body = client.get("/workorders/desk/people/", {"q": "zlx"}).content.decode()
    assert "周莲秀" in body and "138****5678" in body and "13812345678" not in body
    assert "周莲秀" in client.get("/workorders/desk/people/", {"q": "5678"}).content.decode()
    assert "周莲秀" not in client_for("grid_worker").get("/workorders/desk/people/", {"q": "13900"}).content.decode()
    picked = client.get(f"/workorders/desk/people/{desk.resident.pk}/").content.decode()
    assert f'name="reporter" value="{desk.resident.pk}"' in picked
    assert f'<option value="{desk.home_a1.pk}" selected>' in picked


def test_resident_look_up_does_not_reach_outside_the_scope(desk, client_for):
    client = client_for("other_street_admin")
    assert "周莲秀" not in client.get("/workorders/desk/people/", {"q": "周莲秀"}).content.decode()
    assert client.get(f"/workorders/desk/people/{desk.resident.pk}/").status_code == 404


def test_place_options_list_buildings_and_homes_in_scope(desk, client_for):
    client = client_for("community_admin")
    body = client.get("/workorders/places/options/", {"part": "buildings", "estate": desk.estate_a.pk}).content.decode()
    assert f'<option value="{desk.building_a.pk}">1栋</option>' in body
    homes = client.get("/workorders/places/options/", {"part": "homes", "estate": desk.estate_a.pk,
                                                       "building": desk.building_a.pk}).content.decode()
    assert "1栋1单元101" in homes and "1栋1单元102" in homes
    other = client.get("/workorders/places/options/", {"part": "buildings", "estate": desk.estate_b.pk}).content.decode()
    assert other.count("<option") == 1


# -- patrols ---------------------------------------------------------------------------------------------


def test_a_grid_worker_reports_on_the_grid_channel(desk, client_for):
    client = client_for("grid_worker")
    response = client.post("/workorders/patrol/", {"text": "消防通道被车堵了", "category": "safety",
                                                   "estate": desk.estate_a.pk, "photos": [photo(1200, 900)]})
    order = WorkOrder.objects.get()
    assert response.status_code == 302
    assert (order.channel, order.kind, order.category, order.created_by) == ("grid", "report", "safety", desk.grid_worker)
    assert order.attachments.count() == 1


def test_property_staff_report_on_the_patrol_channel(desk, client_for):
    client_for("staff_a").post("/workorders/patrol/", {"text": "2栋外墙砖松动", "estate": desk.estate_a.pk})
    assert WorkOrder.objects.get().channel == "patrol"


def test_patrol_reports_are_refused_to_read_only_roles_and_hidden_from_strangers(desk, client_for):
    assert client_for("auditor").post("/workorders/patrol/", {"text": "x", "estate": desk.estate_a.pk}).status_code == 403
    assert client_for("stranger").get("/workorders/patrol/").status_code == 404
    assert client_for("resident_a").get("/workorders/patrol/").status_code == 404
    assert WorkOrder.objects.count() == 0


def test_a_patrol_cannot_report_about_an_estate_it_does_not_serve(desk, client_for):
    client_for("staff_a").post("/workorders/patrol/", {"text": "x", "estate": desk.estate_b.pk})
    assert WorkOrder.objects.count() == 0
