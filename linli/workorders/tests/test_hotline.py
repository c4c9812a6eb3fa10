"""12345 hotline: import from CSV (UTF-8/GBK), Excel and JSON, idempotent by 工单编号; replies exported back."""

import csv
import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from linli.core.testing import error_messages, post
from linli.people.actors import system_actor
from linli.people.models import ApiKey, Membership, Role
from linli.places.models import Estate
from linli.workorders import hotline
from linli.workorders import services as s
from linli.workorders.models import Status, WorkOrder, WorkOrderEvent

HEADER = ["工单编号", "标题", "主要内容", "问题分类", "来电时间", "被反映区/街乡镇", "社区", "小区点位", "联系人",
          "联系电话", "办理时限"]

ROWS = [
    ["GD2026001", "楼道灯不亮", "锦霞小区1栋楼道灯坏了一周", "城乡建设/住房保障与房地产/物业服务", "2026-03-02 09:15:00",
     "大渡口区九宫庙街道", "锦霞社区", "锦霞小区1栋", "王先生", "13800001111", "2026-03-09"],
    ["GD2026002", "垃圾没人清", "新工宿舍门口垃圾堆积", "城乡建设/城市建设和市政管理/环境卫生", "2026/3/2 10:00",
     "九宫庙街道", "新工社区", "新工宿舍", "李女士", "13900002222", "5个工作日"],
    ["GD2026003", "噪音", "夜里施工噪音", "噪音扰民", "2026-03-02 11:00:00", "九宫庙街道", "锦霞社区", "不存在的小区",
     "", "", ""],
    ["GD2026004", "问路", "某地在哪", "交通运输/交通运输/其他", "2026-03-02 12:00:00", "火星街道", "", "", "", "", ""],
    ["", "无编号", "没有编号的一行", "", "2026-03-02 12:00:00", "九宫庙街道", "", "", "", "", ""],
]


def csv_bytes(rows, encoding="utf-8"):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows):
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def statuses(result):
    return [(i.row, i.external_id, i.status) for i in result.items]


def test_a_csv_file_creates_orders_and_reports_every_row(desk):
    result = hotline.import_file(csv_bytes(ROWS), "orders.csv", actor=system_actor())
    assert statuses(result) == [(2, "GD2026001", "created"), (3, "GD2026002", "created"), (4, "GD2026003", "created"),
                                (5, "GD2026004", "rejected"), (6, "", "rejected")]
    assert [(i.row, i.reason) for i in result.rejected] == [(5, "找不到街道“火星街道”"), (6, "缺少工单编号")]
    order = WorkOrder.objects.get(external_id="GD2026001")
    assert (order.channel, order.estate, order.community, order.street) == ("hotline", desk.estate_a, desk.c1,
                                                                             desk.street)
    assert (order.category, order.title, order.contact_phone, order.kind) == ("service", "楼道灯不亮", "13800001111",
                                                                              "complaint")
    assert order.status == Status.DISPATCHED and order.assignee_org == desk.company
    assert timezone.localtime(order.received_at).strftime("%Y-%m-%d %H:%M") == "2026-03-02 09:15"
    assert timezone.localtime(order.reply_due).strftime("%Y-%m-%d %H:%M:%S") == "2026-03-09 23:59:59"
    second = WorkOrder.objects.get(external_id="GD2026002")
    assert (second.estate, second.category, second.subcategory) == (desk.estate_b, "sanitation", "sanitation.cleaning")
    # 2026-03-02 is a Monday: five working days later is Monday 9 March.
    assert timezone.localtime(second.reply_due).date() == datetime.date(2026, 3, 9)


def test_an_unmatched_estate_is_created_in_the_community_and_queued_for_a_person(desk):
    hotline.import_file(csv_bytes(ROWS[2:3]), "orders.csv", actor=system_actor())
    order = WorkOrder.objects.get(external_id="GD2026003")
    assert (order.estate, order.community, order.street) == (None, desk.c1, desk.street)
    assert (order.needs_triage, order.status, order.assignee_org) == (True, Status.RECEIVED, None)
    assert (order.category, order.subcategory) == ("neighbor", "neighbor.noise")


def test_importing_the_same_file_twice_creates_nothing_new(desk):
    data = csv_bytes(ROWS)
    hotline.import_file(data, "orders.csv", actor=system_actor())
    before = (WorkOrder.objects.count(), WorkOrderEvent.objects.count())
    again = hotline.import_file(data, "orders.csv", actor=system_actor())
    assert (WorkOrder.objects.count(), WorkOrderEvent.objects.count()) == before
    assert [i.status for i in again.items] == ["duplicate", "duplicate", "duplicate", "rejected", "rejected"]
    assert again.items[0].reason == "已导入过（工单编号重复），未作改动"
    assert again.items[0].code == WorkOrder.objects.get(external_id="GD2026001").code


def test_a_number_repeated_inside_one_file_is_imported_once(desk):
    result = hotline.import_file(csv_bytes([ROWS[0], ROWS[0]]), "orders.csv", actor=system_actor())
    assert [i.status for i in result.items] == ["created", "duplicate"]
    assert result.items[1].reason == "文件中重复出现，只导入第一条"
    assert WorkOrder.objects.filter(external_id="GD2026001").count() == 1


def test_traditional_and_full_width_place_names_are_matched(desk):
    row = ["ＧＤ９", "樓道燈", "錦霞小區１棟樓道燈壞了", "物業服務", "2026-03-02 09:15", "九宮廟街道", "錦霞社區",
           "錦霞小區", "", "", ""]
    result = hotline.import_file(csv_bytes([row]), "orders.csv", actor=system_actor())
    assert statuses(result) == [(2, "GD9", "created")]
    order = WorkOrder.objects.get(external_id="GD9")
    assert (order.estate, order.needs_triage, order.category) == (desk.estate_a, False, "service")


def test_an_estate_is_found_by_its_address(desk):
    row = ["GD10", "", "楼道灯坏了", "", "2026-03-02 09:15", "九宫庙街道", "", "锦霞街1号", "", "", ""]
    hotline.import_file(csv_bytes([row]), "orders.csv", actor=system_actor())
    order = WorkOrder.objects.get(external_id="GD10")
    # No 问题分类 in the row: the intake's triage classifies the text.
    assert (order.estate, order.title, order.text, order.category) == (desk.estate_a, "", "楼道灯坏了", "facility")


def test_a_gbk_csv_is_read(desk):
    result = hotline.import_file(csv_bytes(ROWS[:1], encoding="gbk"), "orders.csv", actor=system_actor())
    assert statuses(result) == [(2, "GD2026001", "created")]
    assert WorkOrder.objects.get(external_id="GD2026001").text == "锦霞小区1栋楼道灯坏了一周"


def test_an_excel_file_is_read(desk):
    rows = [list(ROWS[0])]
    rows[0][4] = datetime.datetime(2026, 3, 2, 9, 15)
    result = hotline.import_file(xlsx_bytes(rows), "orders.xlsx", actor=system_actor())
    assert statuses(result) == [(2, "GD2026001", "created")]
    order = WorkOrder.objects.get(external_id="GD2026001")
    assert timezone.localtime(order.received_at).strftime("%Y-%m-%d %H:%M") == "2026-03-02 09:15"


def test_a_json_file_with_header_variants_is_read(desk):
    payload = {"orders": [{"工单号": "J1", "诉求内容": "电梯坏了", "诉求分类": "电梯故障", "受理时间": "2026-03-02T08:00:00+08:00",
                           "街乡镇": "九宫庙街道", "小区": "锦霞小区", "来电人": "张三", "来电号码": "13700003333",
                           "办理时限": "24小时"}]}
    result = hotline.import_file(json.dumps(payload, ensure_ascii=False).encode(), "orders.json", actor=system_actor())
    assert statuses(result) == [(1, "J1", "created")]
    order = WorkOrder.objects.get(external_id="J1")
    assert (order.category, order.subcategory, order.contact_name) == ("facility", "facility.lift", "张三")
    assert order.reply_due == order.received_at + datetime.timedelta(hours=24)


def test_a_dry_run_writes_nothing(desk):
    result = hotline.import_file(csv_bytes(ROWS), "orders.csv", actor=system_actor(), dry_run=True)
    assert [i.status for i in result.items] == ["created", "created", "created", "rejected", "rejected"]
    assert WorkOrder.objects.count() == 0


def test_a_bad_date_is_rejected_with_its_reason(desk):
    row = list(ROWS[0])
    row[4] = "昨天下午"
    result = hotline.import_file(csv_bytes([row]), "orders.csv", actor=system_actor())
    assert [(i.row, i.status, i.reason) for i in result.items] == [(2, "rejected", "来电时间“昨天下午”无法识别")]


def test_a_file_without_the_number_column_is_refused(desk):
    with pytest.raises(hotline.FileError):
        hotline.read_rows("标题,主要内容\n a,b\n".encode(), "x.csv")


def test_categories_are_mapped_from_the_hotline_tree():
    assert hotline.map_category("城乡建设-住房保障与房地产-物业服务") == ("service", "")
    assert hotline.map_category("环境保护/环境污染/噪音污染") == ("neighbor", "neighbor.noise")
    assert hotline.map_category("劳动和社会保障/工资福利/拖欠工资") == ("other", "other.public_service")
    assert hotline.map_category("燃气供应") == ("utilities", "utilities.gas")
    assert hotline.map_category("其他") == ("", "")
    assert hotline.map_category("") == ("", "")


def test_the_command_prints_rejected_rows_and_exits_1(desk, tmp_path, capsys):
    path = tmp_path / "orders.csv"
    path.write_bytes(csv_bytes(ROWS))
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("import-12345", str(path), stdout=out)
    assert exit_info.value.code == 1
    assert out.getvalue().splitlines() == [
        "新建 3 条（其中待人工分拣 1 条），重复 0 条（未改动），拒收 2 条。",
        "第5行 GD2026004：找不到街道“火星街道”",
        "第6行 -：缺少工单编号",
    ]


def test_the_dry_run_command_writes_nothing(desk, tmp_path):
    path = tmp_path / "orders.csv"
    path.write_bytes(csv_bytes(ROWS[:2]))
    out = io.StringIO()
    call_command("import-12345", str(path), "--dry-run", stdout=out)
    assert out.getvalue() == "预检（未写入）：将新建 2 条（其中待人工分拣 0 条），重复 0 条（未改动），拒收 0 条。\n"
    assert WorkOrder.objects.count() == 0


# -- export -------------------------------------------------------------------------------------------


def replied_world(desk):
    hotline.import_file(csv_bytes(ROWS[:2]), "orders.csv", actor=system_actor())
    first = WorkOrder.objects.get(external_id="GD2026001")
    first = s.workorder_accept(order=first, actor=desk.manager_a)
    first = s.workorder_reply(order=first, actor=desk.manager_a, text="已更换灯泡，恢复照明",
                              now=timezone.make_aware(datetime.datetime(2026, 3, 3, 15, 30)))
    s.workorder_visit(order=first, actor=desk.street_admin, solved=True, satisfaction="satisfied")
    return first


@pytest.mark.parametrize("ext", ["csv", "xlsx", "json"])
def test_replies_are_exported_in_the_hotline_columns(desk, tmp_path, ext):
    replied_world(desk)
    path = tmp_path / f"replies.{ext}"
    out = io.StringIO()
    call_command("export-12345", str(path), stdout=out)
    assert out.getvalue() == f"已导出 1 条办理结果到 {path}\n"
    expected = {"工单编号": "GD2026001", "办理结果": "已解决", "回复内容": "已更换灯泡，恢复照明",
                "办结时间": "2026-03-03 15:30:00", "办理单位": "重庆锦绣物业服务有限公司"}
    if ext == "json":
        assert json.loads(path.read_text(encoding="utf-8")) == [expected]
        return
    if ext == "csv":
        data = path.read_bytes()
        assert data.startswith(b"\xef\xbb\xbf")
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    else:
        rows = [list(r) for r in load_workbook(path).active.iter_rows(values_only=True)]
    assert rows == [list(expected), list(expected.values())]


def test_export_since_a_day_leaves_out_older_replies(desk, tmp_path):
    replied_world(desk)
    path = tmp_path / "replies.json"
    call_command("export-12345", str(path), "--since", "2026-03-04", stdout=io.StringIO())
    assert json.loads(path.read_text(encoding="utf-8")) == []


def test_an_exported_file_reads_back_with_the_same_numbers(desk):
    replied_world(desk)
    data = hotline.export_bytes("csv", hotline.export_rows(), encoding="gbk")
    records = hotline.read_rows(data, "replies.csv")
    assert [(n, hotline.cell_text(r["external_id"])) for n, r in records] == [(2, "GD2026001")]


# -- the push endpoint ---------------------------------------------------------------------------------

URL = "/api/v1/hotline/orders/"


def payload(*rows):
    return [dict(zip(HEADER, row, strict=True)) for row in rows]


def key_for(user, name="hotline"):
    key = ApiKey.generate()
    ApiKey.objects.create(name=name, user=user, prefix=key[:8], key_hash=ApiKey.hash(key))
    return key


def test_the_push_endpoint_without_credentials_is_401(desk):
    response = post(Client(), URL, payload(ROWS[0]))
    assert response.status_code == 401
    assert WorkOrder.objects.count() == 0


def test_the_push_endpoint_with_a_bad_key_is_401(desk):
    response = Client().post(URL, json.dumps(payload(ROWS[0])), content_type="application/json",
                             HTTP_AUTHORIZATION="Token not-a-key")
    assert response.status_code == 401
    assert WorkOrder.objects.count() == 0


def test_the_push_endpoint_with_a_key_of_a_read_only_account_is_403(desk):
    key = key_for(desk.auditor)
    response = Client().post(URL, json.dumps(payload(ROWS[0])), content_type="application/json",
                             HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 403
    assert WorkOrder.objects.count() == 0


def test_a_stranger_gets_404_from_the_push_endpoint(desk, client_for):
    assert post(client_for("stranger"), URL, payload(ROWS[0])).status_code == 404
    assert WorkOrder.objects.count() == 0


def test_a_street_key_creates_orders_and_reports_each_item(desk):
    key = key_for(desk.street_admin)
    client = Client(HTTP_AUTHORIZATION=f"Token {key}")
    response = client.post(URL, json.dumps(payload(*ROWS[:4]), ensure_ascii=False), content_type="application/json")
    assert response.status_code == 200
    body = response.json()
    assert (body["created"], body["duplicates"], body["rejected"]) == (3, 0, 1)
    assert [(i["row"], i["external_id"], i["status"]) for i in body["items"]] == [
        (1, "GD2026001", "created"), (2, "GD2026002", "created"), (3, "GD2026003", "created"),
        (4, "GD2026004", "rejected")]
    assert body["items"][3]["reason"] == "找不到街道“火星街道”"
    assert body["items"][0]["code"] == WorkOrder.objects.get(external_id="GD2026001").code
    assert WorkOrder.objects.get(external_id="GD2026001").created_by == desk.street_admin
    # one object on its own, pushed again: a duplicate, nothing new
    again = client.post(URL, json.dumps(payload(ROWS[0])[0], ensure_ascii=False), content_type="application/json")
    assert [i["status"] for i in again.json()["items"]] == ["duplicate"]
    assert WorkOrder.objects.count() == 3


def test_a_street_admin_cannot_push_into_another_street(desk, client_for):
    row = list(ROWS[0])
    row[5] = "新山村街道"
    response = post(client_for("other_street_admin"), URL, payload(ROWS[0]) + payload(row))
    assert [(i["status"], i["reason"]) for i in response.json()["items"]] == [
        ("rejected", "找不到街道“大渡口区九宫庙街道”"), ("created", "未能匹配到小区，已建在街道/社区层级，待人工分拣")]
    assert WorkOrder.objects.get().street == desk.street2


def test_a_body_that_is_not_orders_is_400(desk, client_for):
    response = post(client_for("street_admin"), URL, "hello")
    assert response.status_code == 400
    assert error_messages(response) == {"": ["JSON 应为一个工单对象或工单对象的列表"]}


def test_a_resident_cannot_push(desk, client_for):
    assert post(client_for("resident_a"), URL, payload(ROWS[0])).status_code == 403
    assert WorkOrder.objects.count() == 0


def test_a_new_street_admin_membership_is_enough_to_push(desk):
    from linli.core.testing import make_user

    user = make_user("api-hotline")
    Membership.objects.create(user=user, role=Role.STREET_ADMIN, division=desk.street)
    key = key_for(user, "hotline2")
    response = Client().post(URL, json.dumps(payload(ROWS[0]), ensure_ascii=False), content_type="application/json",
                             HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.json()["created"] == 1
    assert Estate.objects.count() == 3


def test_a_community_admin_cannot_push(desk, client_for):
    response = post(client_for("community_admin"), URL, payload(ROWS[0]))
    assert (response.status_code, error_messages(response)) == (403, {"": ["只有区、街道管理员账号可以推送 12345 工单"]})
    assert WorkOrder.objects.count() == 0


def test_a_dry_run_push_writes_nothing(desk, client_for):
    response = post(client_for("street_admin"), URL + "?dry_run=1", payload(ROWS[0]))
    assert response.json()["dry_run"] is True
    assert [i["status"] for i in response.json()["items"]] == ["created"]
    assert WorkOrder.objects.count() == 0
