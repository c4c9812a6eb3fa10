"""Open311 GeoReport v2 at /open311/v2/: the spec's resources, shapes, filters and errors, in JSON and XML."""

import datetime
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from linli.people.models import ApiKey
from linli.workorders import services as s
from linli.workorders.models import Status, WorkOrder, WorkOrderEvent

BASE = "/open311/v2"
FORM = "application/x-www-form-urlencoded; charset=utf-8"


def make_key(user, name="app"):
    key = ApiKey.generate()
    ApiKey.objects.create(name=name, user=user, prefix=key[:8], key_hash=ApiKey.hash(key))
    return key


def form_post(path, data, key=""):
    from urllib.parse import urlencode

    return Client().post(BASE + path, urlencode(data), content_type=FORM, headers=keyed(key))


def keyed(key: str) -> dict:
    """The headers that carry an API key (never the URL or the body)."""
    return {"X-Api-Key": key} if key else {}


def xml(response):
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    return ET.fromstring(response.content)


@pytest.fixture
def app(desk):
    """The cast with an API key acting as the street admin (an Open311 app of the street)."""
    desk.key = make_key(desk.street_admin)
    return desk


def report(app, **extra):
    key = extra.pop("api_key", app.key)
    data = {"jurisdiction_id": "500104001", "service_code": "facility",
            "address_string": "锦霞小区3栋门口", "description": "路灯不亮", "first_name": "三", "last_name": "张",
            "phone": "13700001234", "email": "zs@example.com"}
    data.update(extra)
    return form_post("/requests.json", data, key)


# -- discovery and services ----------------------------------------------------------------------------------


def test_discovery_lists_this_endpoint_in_json_and_xml(db):
    body = Client().get(BASE + "/discovery.json").json()
    assert set(body) == {"changeset", "contact", "key_service", "endpoints"}
    assert body["endpoints"] == [{"specification": "http://wiki.open311.org/GeoReport_v2",
                                  "url": "http://testserver/open311/v2", "changeset": body["changeset"],
                                  "type": "production", "formats": ["text/xml", "application/json"]}]
    root = xml(Client().get(BASE + "/discovery.xml"))
    assert root.tag == "discovery"
    assert [f.text for f in root.findall("endpoints/endpoint/formats/format")] == ["text/xml", "application/json"]
    assert root.findtext("endpoints/endpoint/specification") == "http://wiki.open311.org/GeoReport_v2"


def test_services_are_the_twelve_categories(db):
    response = Client().get(BASE + "/services.json")
    assert response["Content-Type"] == "application/json; charset=utf-8"
    services = response.json()
    assert [x["service_code"] for x in services] == ["repair", "facility", "sanitation", "greening", "parking",
                                                     "safety", "utilities", "fees", "service", "governance",
                                                     "neighbor", "other"]
    assert services[1] == {"service_code": "facility", "service_name": "公共设施设备", "description": "房屋与设施：公共设施设备",
                           "metadata": True, "type": "realtime",
                           "keywords": "电梯故障, 楼道灯路灯不亮, 门禁与单元门, 二次供水水泵水箱, 监控与道闸", "group": "房屋与设施"}
    root = xml(Client().get(BASE + "/services.xml"))
    first = root.find("service")
    assert [c.tag for c in first] == ["service_code", "service_name", "description", "metadata", "type", "keywords",
                                      "group"]
    assert (first.findtext("service_code"), first.findtext("metadata"), len(root)) == ("repair", "true", 12)


def test_a_service_definition_offers_the_subcategories(db):
    body = Client().get(BASE + "/services/parking.json").json()
    assert body == {"service_code": "parking", "attributes": [{
        "variable": True, "code": "subcategory", "datatype": "singlevaluelist", "required": False,
        "datatype_description": None, "order": 1, "description": "具体问题（可不选）",
        "values": [{"key": "parking.disorder", "name": "乱停乱放"}, {"key": "parking.zombie", "name": "僵尸车长期占位"},
                   {"key": "parking.spaces", "name": "车位不足与车棚"}]}]}
    root = xml(Client().get(BASE + "/services/parking.xml"))
    assert root.tag == "service_definition"
    assert [v.findtext("key") for v in root.findall("attributes/attribute/values/value")] == [
        "parking.disorder", "parking.zombie", "parking.spaces"]
    assert root.findtext("attributes/attribute/datatype_description") == ""  # an empty element, as in the spec


def test_an_unknown_service_code_is_404_in_the_spec_error_format(db):
    response = Client().get(BASE + "/services/potholes.json")
    assert response.status_code == 404
    assert response.json() == [{"code": 404, "description": "service_code provided was not found: potholes"}]
    response = Client().get(BASE + "/services/potholes.xml")
    root = xml(response)
    assert response.status_code == 404
    assert (root.tag, root.findtext("error/code"), root.findtext("error/description")) == (
        "errors", "404", "service_code provided was not found: potholes")


def test_an_unknown_jurisdiction_is_404(desk):
    response = Client().get(BASE + "/services.json?jurisdiction_id=sfgov.org")
    assert response.status_code == 404
    assert response.json() == [{"code": 404, "description": "jurisdiction_id provided was not found: sfgov.org"}]


# -- POST requests -----------------------------------------------------------------------------------------------


def test_a_form_encoded_post_creates_an_order_and_returns_its_code(app):
    response = report(app, **{"attribute[subcategory]": "facility.lighting"})
    assert response.status_code == 200
    order = WorkOrder.objects.get()
    assert response.json() == [{"service_request_id": order.code,
                                "service_notice": f"已受理并交重庆锦绣物业服务有限公司办理，办结时限 "
                                                  f"{timezone.localtime(order.reply_due):%Y-%m-%d %H:%M}",
                                "account_id": None}]
    assert (order.channel, order.estate, order.category, order.subcategory, order.text) == (
        "open311", app.estate_a, "facility", "facility.lighting", "路灯不亮")
    assert (order.contact_name, order.contact_phone, order.created_by) == ("张三", "13700001234", app.street_admin)
    assert "zs@example.com" not in str(WorkOrder.objects.values().get())


def test_a_post_answers_in_xml_too(app):
    from urllib.parse import urlencode

    response = Client().post(BASE + "/requests.xml", urlencode({
        "jurisdiction_id": "500104001", "service_code": "sanitation", "lat": "29.48",
        "long": "106.48", "description": "垃圾", "media_url": "http://example.com/a.jpg"}), content_type=FORM,
        headers={"Authorization": f"Token {app.key}"})
    root = xml(response)
    order = WorkOrder.objects.get()
    assert root.tag == "service_requests"
    assert root.findtext("request/service_request_id") == order.code
    assert root.find("request/account_id").text is None
    # no estate near that point: filed at the street, for a person to place
    assert (order.estate, order.street, order.needs_triage, order.status) == (None, app.street, True, "received")
    assert (order.latitude, order.longitude) == (Decimal("29.480000"), Decimal("106.480000"))


def test_lat_long_near_an_estate_finds_it(app):
    app.estate_b.latitude, app.estate_b.longitude = Decimal("29.480000"), Decimal("106.480000")
    app.estate_b.save()
    report(app, address_string="", lat="29.4801", long="106.4801")
    assert WorkOrder.objects.get().estate == app.estate_b


def test_address_id_is_an_estate_id(app):
    report(app, address_string="", address_id=str(app.estate_b.pk))
    assert WorkOrder.objects.get().estate == app.estate_b


@pytest.mark.parametrize("extra, status, description", [
    ({"api_key": ""}, 403, "api_key is required to create a service request (header X-Api-Key)"),
    ({"api_key": "wrong"}, 403, "Invalid api_key received"),
    ({"service_code": ""}, 400, "service_code was not provided"),
    ({"service_code": "potholes"}, 404, "service_code provided was not found: potholes"),
    ({"jurisdiction_id": ""}, 400, "jurisdiction_id was not provided (the street's division code)"),
    ({"jurisdiction_id": "sfgov.org"}, 404, "jurisdiction_id provided was not found: sfgov.org"),
    ({"address_string": ""}, 400, "a location is required: lat & long, address_string or address_id"),
    ({"lat": "29.5"}, 400, "lat and long must both be sent"),
    ({"address_id": "999999"}, 400, "address_id was not found in this jurisdiction: 999999"),
    ({"attribute[subcategory]": "parking.zombie"}, 400, "attribute[subcategory] is not one of the values of facility"),
])
def test_a_bad_post_is_refused_with_the_spec_error_and_creates_nothing(app, extra, status, description):
    response = report(app, **extra)
    assert response.status_code == status
    assert response.json() == [{"code": status, "description": description}]
    assert WorkOrder.objects.count() == 0


def test_a_key_of_another_street_may_not_post_here(app):
    key = make_key(app.other_street_admin, "other")
    response = report(app, api_key=key)
    assert response.status_code == 403
    assert response.json()[0]["description"] == "this api_key may not create requests in this jurisdiction"
    assert WorkOrder.objects.count() == 0


def test_a_revoked_key_is_403_in_xml(app):
    ApiKey.objects.update(revoked_at=timezone.now())
    from urllib.parse import urlencode

    response = Client().post(BASE + "/requests.xml", urlencode({"service_code": "repair",
                                                                 "jurisdiction_id": "500104001",
                                                                 "address_string": "锦霞小区"}), content_type=FORM,
                             headers=keyed(app.key))
    assert response.status_code == 403
    assert xml(response).findtext("error/description") == "Invalid api_key received"


# -- GET requests ------------------------------------------------------------------------------------------------


def test_a_request_is_shown_without_the_reporter(app):
    code = report(app).json()[0]["service_request_id"]
    body = Client().get(f"{BASE}/requests/{code}.json").json()
    order = WorkOrder.objects.get()
    assert body == [{
        "service_request_id": code, "status": "open", "status_notes": None, "service_name": "公共设施设备",
        "service_code": "facility", "description": "路灯不亮", "agency_responsible": "重庆锦绣物业服务有限公司",
        "service_notice": body[0]["service_notice"],
        "requested_datetime": timezone.localtime(order.received_at).isoformat(timespec="seconds"),
        "updated_datetime": body[0]["updated_datetime"],
        "expected_datetime": timezone.localtime(order.reply_due).isoformat(timespec="seconds"),
        "address": "锦霞小区", "address_id": str(app.estate_a.pk), "zipcode": None, "lat": None, "long": None,
        "media_url": None}]
    assert body[0]["requested_datetime"].endswith("+08:00")
    text = Client().get(f"{BASE}/requests/{code}.xml").content.decode()
    assert "13700001234" not in text and "张三" not in text
    root = ET.fromstring(text)
    assert [c.tag for c in root.find("request")] == list(body[0])


def test_a_closed_request_carries_the_reply_as_status_notes(app):
    code = report(app).json()[0]["service_request_id"]
    order = WorkOrder.objects.get()
    order = s.workorder_accept(order=order, actor=app.manager_a)
    s.workorder_reply(order=order, actor=app.manager_a, text="已更换灯泡")
    body = Client().get(f"{BASE}/requests/{code}.json").json()[0]
    assert (body["status"], body["status_notes"], body["service_notice"]) == ("closed", "已更换灯泡", None)


def test_an_unknown_request_is_404(app):
    response = Client().get(f"{BASE}/requests/20260101-9999.xml")
    assert response.status_code == 404
    assert xml(response).findtext("error/description") == "service_request_id was not found: 20260101-9999"


def test_orders_from_other_channels_are_not_public(app):
    other = s.workorder_create(channel="resident", text="我家楼道灯坏了", place=s.resolve_place(home=app.home_a1),
                               reporter=app.resident)
    assert Client().get(f"{BASE}/requests/{other.code}.json").status_code == 404
    assert Client().get(f"{BASE}/requests.json").json() == []
    # a key whose account may see the order sees it too
    assert Client().get(f"{BASE}/requests/{other.code}.json", headers=keyed(app.key)).status_code == 200
    stranger_key = make_key(app.stranger, "stranger")
    assert Client().get(f"{BASE}/requests/{other.code}.json", headers=keyed(stranger_key)).status_code == 404
    assert Client().get(f"{BASE}/requests.json", headers=keyed("nope")).status_code == 403


def test_the_media_url_is_kept(app):
    code = report(app, media_url="http://example.com/p.jpg").json()[0]["service_request_id"]
    assert Client().get(f"{BASE}/requests/{code}.json").json()[0]["media_url"] == "http://example.com/p.jpg"
    assert WorkOrderEvent.objects.filter(kind="note").count() == 1


def orders_on_days(app):
    """Three Open311 orders: 10, 40 and 200 days ago; the middle one replied (closed in Open311 terms)."""
    now = timezone.now()
    codes = []
    for days, code in ((10, "facility"), (40, "parking"), (200, "facility")):
        order = s.workorder_create(channel="open311", text=f"{days}天前", category=code,
                                   place=s.resolve_place(estate=app.estate_a), received_at=now - datetime.timedelta(days=days))
        codes.append(order.code)
    middle = WorkOrder.objects.get(code=codes[1])
    middle = s.workorder_accept(order=middle, actor=app.manager_a)
    s.workorder_reply(order=middle, actor=app.manager_a, text="已清理")
    return codes


def ids(response):
    assert response.status_code == 200, response.content
    return [r["service_request_id"] for r in response.json()]


def test_the_list_defaults_to_the_last_90_days_newest_first(app):
    recent, middle, old = orders_on_days(app)
    assert ids(Client().get(f"{BASE}/requests.json")) == [recent, middle]
    root = xml(Client().get(f"{BASE}/requests.xml"))
    assert [r.findtext("service_request_id") for r in root.findall("request")] == [recent, middle]


def test_the_list_filters_by_status_service_code_and_dates(app):
    recent, middle, old = orders_on_days(app)
    assert ids(Client().get(f"{BASE}/requests.json?status=open")) == [recent]
    assert ids(Client().get(f"{BASE}/requests.json?status=closed")) == [middle]
    assert ids(Client().get(f"{BASE}/requests.json?status=open,closed")) == [recent, middle]
    assert ids(Client().get(f"{BASE}/requests.json?service_code=parking")) == [middle]
    assert ids(Client().get(f"{BASE}/requests.json?service_code=parking,facility")) == [recent, middle]
    start = (timezone.now() - datetime.timedelta(days=250)).strftime("%Y-%m-%dT%H:%M:%SZ")
    end = (timezone.now() - datetime.timedelta(days=170)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert ids(Client().get(f"{BASE}/requests.json?start_date={start}&end_date={end}")) == [old]
    assert ids(Client().get(f"{BASE}/requests.json?end_date={end}")) == [old]
    assert ids(Client().get(f"{BASE}/requests.json?jurisdiction_id=500104001")) == [recent, middle]
    assert ids(Client().get(f"{BASE}/requests.json?jurisdiction_id=500104002")) == []


def test_service_request_ids_override_the_other_filters(app):
    recent, middle, old = orders_on_days(app)
    assert ids(Client().get(f"{BASE}/requests.json?service_request_id={old},{recent}&status=closed")) == [recent, old]


@pytest.mark.parametrize("query, description", [
    ("status=pending", "status must be open or closed"),
    ("start_date=yesterday", "start_date must use the w3 format, e.g. 2010-01-01T00:00:00Z"),
    ("start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z",
     "start_date and end_date may not span more than 90 days"),
])
def test_bad_list_filters_are_400(app, query, description):
    response = Client().get(f"{BASE}/requests.xml?{query}")
    assert response.status_code == 400
    assert xml(response).findtext("error/description") == description


def test_the_list_returns_at_most_1000(app, monkeypatch):
    from linli.workorders import open311

    monkeypatch.setattr(open311.reading, "MAX_REQUESTS", 2)
    orders_on_days(app)
    s.workorder_create(channel="open311", text="再一条", place=s.resolve_place(estate=app.estate_a))
    assert len(ids(Client().get(f"{BASE}/requests.json"))) == 2


def test_a_token_resolves_to_its_request(app):
    code = report(app).json()[0]["service_request_id"]
    assert Client().get(f"{BASE}/tokens/{code}.json").json() == [{"service_request_id": code, "token": code}]
    root = xml(Client().get(f"{BASE}/tokens/{code}.xml"))
    assert (root.findtext("request/service_request_id"), root.findtext("request/token")) == (code, code)
    response = Client().get(f"{BASE}/tokens/nope.json")
    assert response.status_code == 404
    assert response.json() == [{"code": 404, "description": "service_request_id was not found: nope"}]


def test_merged_and_cancelled_requests_are_closed(app):
    code = report(app).json()[0]["service_request_id"]
    order = WorkOrder.objects.get()
    s.workorder_cancel(order=order, actor=app.street_admin, reason="重复反映")
    body = Client().get(f"{BASE}/requests/{code}.json").json()[0]
    assert (body["status"], body["status_notes"]) == ("closed", "重复反映")
    assert WorkOrder.objects.get().status == Status.CANCELLED


def test_the_list_costs_the_same_queries_for_more_requests(app):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert Client().get(f"{BASE}/requests.json").status_code == 200
        return len(ctx.captured_queries)

    orders_on_days(app)
    few = count()
    for _ in range(5):
        report(app, media_url="http://example.com/x.jpg")
    assert count() == few


def test_a_json_body_is_accepted_too(app):
    import json

    response = Client().post(BASE + "/requests.json", json.dumps({
        "jurisdiction_id": "500104001", "service_code": "greening", "address_id": app.estate_a.pk,
        "description": "树枝挡窗"}), content_type="application/json", headers=keyed(app.key))
    assert response.status_code == 200
    assert WorkOrder.objects.get().category == "greening"


# -- personal data, control characters, links, keys and limits (issue 12) ------------------------------------------

ID_NUMBER = "110101199003071234"
CONFESSION = f"我叫张三，电话13812345678，身份证{ID_NUMBER}"


def test_the_feed_masks_names_phones_and_id_numbers_in_the_text_and_staff_still_see_them(app, client_for):
    code = report(app, description=CONFESSION, first_name="", last_name="").json()[0]["service_request_id"]
    published = [Client().get(f"{BASE}/requests{path}").content.decode()
                 for path in (".json", ".xml", f"/{code}.json", f"/{code}.xml")]
    for body in published:
        assert "张三" not in body and "13812345678" not in body and ID_NUMBER not in body
    assert Client().get(f"{BASE}/requests/{code}.json").json()[0]["description"] == (
        "我叫张*，电话138****5678，身份证1****************4")
    staff = client_for("street_admin").get(f"/api/v1/workorders/{code}/").json()
    assert staff["text"] == CONFESSION


def test_the_reporters_own_name_and_a_phone_in_the_reply_are_masked(app):
    code = report(app, description="李秀英家门口路灯不亮", first_name="秀英", last_name="李").json()[0]["service_request_id"]
    order = s.workorder_accept(order=WorkOrder.objects.get(), actor=app.manager_a)
    s.workorder_reply(order=order, actor=app.manager_a, text="已联系李秀英（13912345678），灯已修好")
    body = Client().get(f"{BASE}/requests/{code}.json").json()[0]
    assert (body["description"], body["status_notes"]) == ("李**家门口路灯不亮", "已联系李**（139****5678），灯已修好")


def test_control_characters_sent_in_a_description_are_dropped_and_the_xml_feed_parses(app):
    code = report(app, description="路灯" + "".join(chr(c) for c in range(0x20)) + "不亮").json()[0]["service_request_id"]
    assert WorkOrder.objects.get().text == "路灯\t\n不亮"
    root = xml(Client().get(f"{BASE}/requests/{code}.xml"))
    assert root.findtext("request/description") == "路灯\t\n不亮"


def test_control_characters_already_stored_do_not_break_the_xml_feed(app):
    order = s.workorder_create(channel="open311", text="井盖" + "".join(chr(c) for c in range(1, 0x20)) + "丢了",
                               place=s.resolve_place(estate=app.estate_a), actor=app.street_admin)
    WorkOrder.objects.filter(pk=order.pk).update(address="锦霞\x07小区")
    for path in (".xml", f"/{order.code}.xml"):
        root = xml(Client().get(f"{BASE}/requests{path}"))
        assert root.findtext("request/description") == "井盖\t\n丢了"
    body = Client().get(f"{BASE}/requests/{order.code}.json").content.decode()
    assert "\\u0007" not in body and "\\u0001" not in body


@pytest.mark.parametrize("url", ["javascript:alert(document.cookie)", "data:text/html,<script>", "//evil.example/x",
                                 "ftp://example.com/a.jpg", "https://example.com/" + "a" * 500])
def test_a_media_url_that_is_not_http_or_https_is_refused_and_nothing_is_created(app, url):
    response = report(app, media_url=url)
    assert (response.status_code, response.json()) == (400, [{
        "code": 400, "description": "media_url must be an absolute http or https URL of at most 500 characters"}])
    assert WorkOrder.objects.count() == 0


def test_a_stored_javascript_link_is_not_published(app):
    code = report(app).json()[0]["service_request_id"]
    WorkOrderEvent.objects.create(order=WorkOrder.objects.get(), kind=WorkOrderEvent.Type.NOTE, from_status="received",
                                  to_status="received", note="Open311 media_url",
                                  data={"media_url": "javascript:alert(1)"})
    assert Client().get(f"{BASE}/requests/{code}.json").json()[0]["media_url"] is None


KEY_IN_REQUEST = ("api_key must be sent in the X-Api-Key header (or Authorization: Token <key>) or in the body "
                  "of a POST, never in the URL")


@pytest.mark.parametrize("path", ["/requests.json", "/requests/20260101-0001.json", "/services.json",
                                  "/tokens/20260101-0001.json"])
def test_an_api_key_in_the_query_string_is_refused_before_any_work(app, path, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = Client().get(f"{BASE}{path}?api_key={app.key}")
    assert (response.status_code, response.json()) == (400, [{"code": 400, "description": KEY_IN_REQUEST}])


def test_an_api_key_in_the_query_string_of_a_post_is_refused_and_nothing_is_created(app):
    from urllib.parse import urlencode

    data = {"jurisdiction_id": "500104001", "service_code": "facility", "address_string": "锦霞小区"}
    response = Client().post(f"{BASE}/requests.xml?api_key={app.key}", urlencode(data), content_type=FORM)
    assert (response.status_code, xml(response).findtext("error/description")) == (400, KEY_IN_REQUEST)
    assert WorkOrder.objects.count() == 0


@pytest.mark.parametrize("body", ["form", "json"])
def test_an_api_key_in_the_body_of_a_post_is_accepted_as_the_spec_sends_it(app, body):
    import json
    from urllib.parse import urlencode

    data = {"api_key": app.key, "jurisdiction_id": "500104001", "service_code": "facility", "address_string": "锦霞小区"}
    response = (Client().post(f"{BASE}/requests.json", urlencode(data), content_type=FORM) if body == "form" else
                Client().post(f"{BASE}/requests.json", json.dumps(data), content_type="application/json"))
    assert response.status_code == 200, response.content
    [order] = WorkOrder.objects.all()
    assert response.json()[0]["service_request_id"] == order.code


@pytest.mark.parametrize("body", ["form", "json"])
def test_a_wrong_api_key_in_the_body_is_refused_and_nothing_is_created(app, body):
    import json
    from urllib.parse import urlencode

    data = {"api_key": "lk_wrong", "jurisdiction_id": "500104001", "service_code": "facility",
            "address_string": "锦霞小区"}
    response = (Client().post(f"{BASE}/requests.json", urlencode(data), content_type=FORM) if body == "form" else
                Client().post(f"{BASE}/requests.json", json.dumps(data), content_type="application/json"))
    assert (response.status_code, response.json()) == (403, [{"code": 403, "description": "Invalid api_key received"}])
    assert WorkOrder.objects.count() == 0


def test_every_post_counts_against_the_limit_of_the_address_and_the_next_one_is_429(app, settings):
    settings.LINLI_RATELIMIT_OPEN311 = "3/h"
    codes = [report(app, api_key="wrong").status_code for _ in range(3)]
    refused = report(app)
    assert (codes, refused.status_code, WorkOrder.objects.count()) == ([403, 403, 403], 429, 0)
    assert refused.json()[0]["code"] == 429 and "提交太频繁" in refused.json()[0]["description"]
    assert Client().get(f"{BASE}/requests.json").status_code == 200  # reading is not limited
    other = Client(REMOTE_ADDR="10.0.0.9").post(f"{BASE}/requests.json", "", content_type=FORM)
    assert other.status_code == 403  # another address is not affected


def test_an_error_repeats_at_most_forty_characters_of_what_it_was_sent(db):
    response = Client().get(f"{BASE}/services/{'x' * 5000}.json")
    assert response.json() == [{"code": 404, "description": f"service_code provided was not found: {'x' * 40}…"}]


def test_discovery_tells_clients_to_send_the_key_in_a_header(db):
    assert Client().get(BASE + "/discovery.json").json()["key_service"] == (
        "API 密钥由管理员用 linli apikey create NAME 创建，并为其账号授予所在街道的角色；"
        "密钥放在请求头 X-Api-Key 中发送，不得放在网址或请求体中")
