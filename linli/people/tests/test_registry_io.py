"""Import and export of the registry: the rules read as sentences (see docs/registry-import.md)."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from linli.people.actors import system_actor
from linli.people.models import Occupancy, Person
from linli.people.registry_io import HEADERS, import_registry
from linli.places.models import Building, Estate, Home

C1, C2, C3 = "500104001001", "500104001002", "500104002001"
KEYS = ["community_code", "community", "estate", "estate_kind", "built_year", "address", "building", "entrance",
        "floor", "number", "area", "name", "phone", "relation"]


def row(**cells) -> list:
    """A data row in the template's column order; unnamed cells are blank."""
    return [cells.get(key, "") for key in KEYS]


def xlsx(rows, headers=HEADERS) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def csv_file(rows, headers=HEADERS, encoding="utf-8-sig") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def tally() -> dict:
    return {
        "estates": Estate.objects.count(),
        "buildings": Building.objects.count(),
        "homes": Home.objects.count(),
        "persons": Person.objects.count(),
        "occupancies": Occupancy.objects.count(),
    }


def errors_of(result) -> list[tuple]:
    return [(e.row, e.column, e.message) for e in result.errors]


# A clean sheet: one existing home (unchanged), a new home in an existing building, a new building,
# a new estate in another community with one home and two people in it.
CLEAN = [
    row(community_code=C1, community="锦霞社区", estate="锦霞小区", building="1栋", entrance="1", floor=1,
        number="101", area=62.5, name="周莲秀", phone="13812345678", relation="业主"),
    row(community_code=C1, estate="锦霞小区", building="1栋", entrance="1", floor=1, number="103", area=70,
        name="王芳", phone="13700000001", relation="业主"),
    row(community_code=C1, estate="锦霞小区", building="2栋", entrance="1", number="201", area="55.5"),
    row(community_code=C2, estate="新工新村", estate_kind="保障房", built_year=2001, building="3栋", number="101",
        area=80, name="赵强", relation="租户"),
    row(community_code=C2, estate="新工新村", building="3栋", number="101", area=80, name="孙丽",
        relation="家庭成员"),
]
CLEAN_COUNTS = {
    "estates_created": 1, "estates_changed": 0, "buildings_created": 2, "homes_created": 3, "homes_changed": 0,
    "persons_created": 3, "persons_changed": 0, "occupancies_created": 3, "rows_unchanged": 1,
}


# -- the rules of an import ------------------------------------------------------------------------

def test_a_clean_sheet_creates_exactly_the_new_records(world):
    before = tally()
    result = import_registry(xlsx(CLEAN), "登记.xlsx", user=world.street_admin, commit=True)
    assert errors_of(result) == []
    assert result.committed is True
    assert result.rows == 5
    assert result.counts == CLEAN_COUNTS
    assert tally() == {"estates": before["estates"] + 1, "buildings": before["buildings"] + 2,
                       "homes": before["homes"] + 3, "persons": before["persons"] + 3,
                       "occupancies": before["occupancies"] + 3}
    estate = Estate.objects.get(name="新工新村")
    assert (estate.community, estate.kind, estate.built_year, estate.initials) == (world.c2, "affordable", 2001, "xgxc")
    home = Home.objects.get(building__estate=estate, number="101")
    assert (home.estate_id, home.entrance, home.area) == (estate.pk, "", Decimal("80.00"))
    assert sorted(home.occupancies.values_list("person__name", "relation")) == [("孙丽", "family"), ("赵强", "tenant")]
    assert Person.objects.get(name="王芳").initials == "wf"
    assert Home.objects.get(building__estate=world.estate_a, building__number="1栋", number="103").estate == world.estate_a


def test_importing_the_same_file_again_changes_nothing(world):
    import_registry(xlsx(CLEAN), "登记.xlsx", user=world.street_admin, commit=True)
    before = tally()
    again = import_registry(xlsx(CLEAN), "登记.xlsx", user=world.street_admin, commit=True)
    assert errors_of(again) == []
    assert again.counts == dict.fromkeys(CLEAN_COUNTS, 0) | {"rows_unchanged": 5}
    assert again.writes_anything is False
    assert tally() == before


def test_a_dry_run_reports_what_would_happen_and_writes_nothing(world):
    before = tally()
    result = import_registry(xlsx(CLEAN), "登记.xlsx", user=world.street_admin, commit=False)
    assert result.counts == CLEAN_COUNTS
    assert result.committed is False
    assert tally() == before


def test_a_changed_area_updates_the_home_and_is_reported_as_changed(world):
    sheet = [row(community_code=C1, estate="锦霞小区", building="1栋", entrance="1", number="101", area="65")]
    result = import_registry(xlsx(sheet), "a.xlsx", user=world.street_admin, commit=True)
    assert result.counts["homes_changed"] == 1
    assert result.counts["homes_created"] == 0
    assert result.changes == ["锦霞小区 1栋1单元101：面积 62.50 → 65.00"]
    world.home_a1.refresh_from_db()
    assert world.home_a1.area == Decimal("65.00")


def test_wrong_headers_give_one_error_that_lists_what_is_missing_and_what_was_found(world):
    before = tally()
    data = xlsx([["500104001001", "锦霞小区", "101", "60"]], headers=["区划", "名称", "房间", "大小"])
    result = import_registry(data, "wrong.xlsx", user=world.street_admin, commit=True)
    assert errors_of(result) == [(
        1, "表头",
        "缺少必填列：社区代码、小区、楼栋、门牌号、面积。文件中的列为：区划、名称、房间、大小。请使用导入模板的表头。",
    )]
    assert tally() == before


def test_a_messy_sheet_names_row_and_column_of_each_error_and_writes_nothing(world):
    before = tally()
    sheet = [
        row(community_code=C1, estate="锦霞小区", building="5栋", number="501", area=60),  # fine on its own
        row(community_code=C1, estate="锦霞小区", building="5栋", number="502", area="六十"),
        row(community_code=C1, estate="锦霞小区", building="5栋", number="503", area="-5"),
        row(community_code=C1, estate="锦霞小区", building="5栋", number="504", area="60.123"),
        row(community_code=C1, estate="锦霞小区", building="5栋", number="501", area=60),  # same home as row 2
        row(community_code="999", estate="某小区", building="1栋", number="1", area=50),
        row(community_code=C1, estate="新小区", estate_kind="别墅", built_year="八五年", building="1栋",
            number="1", area=50),
        row(community_code=C1, estate="锦霞小区", building="5栋", number="505", area=50, name="钱七",
            phone="1381234", relation="房东"),
        row(community_code=C1, estate="锦霞小区", building="", number="506", area=50, name="孙八"),
        row(community_code=C3, estate="百花园", building="1栋", number="1002", area=90),
    ]
    result = import_registry(xlsx(sheet), "messy.xlsx", user=world.street_admin, commit=True)
    assert errors_of(result) == [
        (2, "门牌号", "与第6行是同一户（社区代码、小区、楼栋、单元、门牌号都相同）；一户有多人时每行都要填写姓名"),
        (3, "面积", "面积必须是大于0的数字"),
        (4, "面积", "面积必须是大于0的数字"),
        (5, "面积", "面积最多保留两位小数"),
        (6, "门牌号", "与第2行是同一户（社区代码、小区、楼栋、单元、门牌号都相同）；一户有多人时每行都要填写姓名"),
        (7, "社区代码", "社区代码“999”不存在"),
        (8, "小区类型", "未知的小区类型“别墅”，可填：商品房、保障房、老旧小区、平房区、单位宿舍、安置房"),
        (8, "建成年份", "建成年份必须是1900年至今的四位数年份，如 1985"),
        (9, "手机", "手机号必须是以1开头的11位数字；固定电话只能包含数字和“-”，如 023-68812345"),
        (9, "关系", "未知的关系“房东”，可填：业主、共有人、租户、家庭成员"),
        (10, "楼栋", "楼栋不能为空"),
        (10, "关系", "填写了姓名时必须填写关系（业主、共有人、租户、家庭成员）"),
        (11, "社区代码", "您无权导入到百花社区（500104002001）"),
    ]
    assert result.committed is False
    assert tally() == before


def test_traditional_and_full_width_cells_are_normalised_before_matching(world):
    before = tally()
    sheet = [row(community_code="５００１０４００１００１", community="錦霞社區", estate="錦霞小區", building="１棟",
                 entrance="１", number="１０１", area="６２．５０", name="周蓮秀", phone="１３８１２３４５６７８",
                 relation="業主")]
    result = import_registry(xlsx(sheet), "繁體.xlsx", user=world.street_admin, commit=True)
    assert errors_of(result) == []
    assert result.counts["rows_unchanged"] == 1
    assert result.writes_anything is False
    assert tally() == before


def test_a_gbk_csv_from_chinese_excel_is_read(world):
    data = csv_file(CLEAN, encoding="gbk")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    result = import_registry(data, "登记.csv", user=world.street_admin, commit=True)
    assert errors_of(result) == []
    assert result.counts == CLEAN_COUNTS


def test_a_utf8_csv_with_or_without_bom_is_read(world):
    for encoding in ("utf-8-sig", "utf-8"):
        result = import_registry(csv_file(CLEAN, encoding=encoding), "登记.csv", user=world.street_admin)
        assert errors_of(result) == []
        assert result.counts == CLEAN_COUNTS


def test_a_person_is_matched_by_phone_and_name_and_gets_a_second_home(world):
    sheet = [row(community_code=C2, estate="新工宿舍", building="1栋", number="101", area=40, name="周莲秀",
                 phone="13812345678", relation="共有人")]
    result = import_registry(xlsx(sheet), "a.xlsx", user=world.street_admin, commit=True)
    assert (result.counts["persons_created"], result.counts["occupancies_created"]) == (0, 1)
    assert sorted(world.resident.occupancies.values_list("home_id", flat=True)) == [world.home_a1.pk,
                                                                                      world.home_b1.pk]


def test_a_phone_given_later_completes_the_person_of_that_home(world):
    import_registry(xlsx([row(community_code=C2, estate="新工宿舍", building="1栋", number="101", area=40,
                              name="吴婆婆", relation="业主")]), "a.xlsx", user=world.street_admin, commit=True)
    result = import_registry(xlsx([row(community_code=C2, estate="新工宿舍", building="1栋", number="101", area=40,
                                       name="吴婆婆", phone="13600000002", relation="业主")]),
                             "b.xlsx", user=world.street_admin, commit=True)
    assert result.counts["persons_changed"] == 1
    assert result.counts["persons_created"] == 0
    assert list(Person.objects.filter(name="吴婆婆").values_list("phone", flat=True)) == ["13600000002"]


def test_one_estate_described_two_ways_in_one_file_is_an_error(world):
    sheet = [
        row(community_code=C2, estate="新村", estate_kind="商品房", building="1栋", number="1", area=50),
        row(community_code=C2, estate="新村", estate_kind="安置房", building="1栋", number="2", area=50),
    ]
    result = import_registry(xlsx(sheet), "a.xlsx", user=world.street_admin, commit=True)
    assert errors_of(result) == [(3, "小区类型", "同一小区在第2行填写的小区类型为“商品房”，前后不一致")]
    assert not Estate.objects.filter(name="新村").exists()


def test_a_title_row_above_the_header_keeps_excel_row_numbers(world):
    wb = Workbook()
    ws = wb.active
    ws.append(["九宫庙街道房屋登记表"])
    ws.append(HEADERS)
    ws.append(row(community_code=C1, estate="锦霞小区", building="1栋", number="9", area="0"))
    out = io.BytesIO()
    wb.save(out)
    result = import_registry(out.getvalue(), "a.xlsx", user=world.street_admin)
    assert errors_of(result) == [(3, "面积", "面积必须是大于0的数字")]


def test_phones_are_tidied_and_landlines_are_accepted(world):
    sheet = [
        row(community_code=C2, estate="新工宿舍", building="1栋", number="101", area=40, name="甲",
            phone="+86 138-0000-0003", relation="业主"),
        row(community_code=C2, estate="新工宿舍", building="1栋", number="101", area=40, name="乙",
            phone="023-68812345", relation="租户"),
    ]
    import_registry(xlsx(sheet), "a.xlsx", user=world.street_admin, commit=True)
    assert sorted(Person.objects.filter(name__in=["甲", "乙"]).values_list("phone", flat=True)) == [
        "023-68812345", "13800000003"]


def test_the_system_actor_may_import_anywhere(world):
    sheet = [row(community_code=C3, estate="百花园", building="2栋", number="201", area=90)]
    result = import_registry(xlsx(sheet), "a.xlsx", user=system_actor(), commit=True)
    assert result.counts["homes_created"] == 1


def test_an_import_of_many_rows_uses_a_bounded_number_of_queries(world, django_assert_max_num_queries):
    sheet = [row(community_code=C1, estate="大院", building=f"{b}栋", entrance="1", number=f"{n}", area=50,
                 name=f"居民{b}-{n}", phone=f"139{b:04d}{n:04d}", relation="业主")
             for b in range(1, 11) for n in range(1, 31)]
    with django_assert_max_num_queries(40):
        result = import_registry(xlsx(sheet), "big.xlsx", user=world.street_admin, commit=True)
    assert result.counts["homes_created"] == 300
    assert result.counts["occupancies_created"] == 300


# -- the pages -------------------------------------------------------------------------------------

def import_url():
    return reverse("registry:import")


def upload(client, data: bytes, name: str):
    return client.post(import_url(), {"file": SimpleUploadedFile(name, data)})


@pytest.mark.parametrize("url", [
    reverse("registry:import"),
    reverse("registry:template", args=["xlsx"]),
    reverse("registry:export", args=["csv"]),
])
def test_a_stranger_gets_404_on_every_registry_page(client_for, url):
    assert client_for("stranger").get(url).status_code == 404


def test_a_resident_gets_404_on_the_export(client_for):
    assert client_for("resident_a").get(reverse("registry:export", args=["xlsx"])).status_code == 404


@pytest.mark.parametrize("who", ["auditor", "manager_a", "grid_worker"])
def test_a_read_only_role_may_not_import(world, client_for, who):
    before = tally()
    client = client_for(who)
    assert client.get(import_url()).status_code == 403
    assert upload(client, xlsx(CLEAN), "登记.xlsx").status_code == 403
    assert tally() == before


def test_a_street_admin_sees_the_dry_run_then_confirms(world, client_for, media):
    client = client_for("street_admin")
    before = tally()
    page = upload(client, xlsx(CLEAN), "登记.xlsx")
    assert page.status_code == 200
    assert "预检结果（尚未写入）" in page.text
    assert "确认导入" in page.text
    assert page.context["result"].counts == CLEAN_COUNTS
    assert tally() == before
    token = page.context["token"]
    assert [p.name for p in (media / "imports").iterdir()] == [f"{token}.xlsx"]

    done = client.post(import_url(), {"token": token})
    assert done.status_code == 200
    assert "导入完成" in done.text
    assert tally()["homes"] == before["homes"] + 3
    assert list((media / "imports").iterdir()) == []
    # A second click on the same button does nothing.
    again = client.post(import_url(), {"token": token})
    assert "这次导入已经完成或已过期" in again.text
    assert tally()["homes"] == before["homes"] + 3


def test_a_token_from_another_session_or_a_forged_path_is_refused(world, client_for):
    token = upload(client_for("street_admin"), xlsx(CLEAN), "登记.xlsx").context["token"]
    before = tally()
    other = client_for("district_admin")
    for forged in (token, "../../etc/passwd", f"{token}/../x"):
        page = other.post(import_url(), {"token": forged})
        assert "这次导入已经完成或已过期" in page.text
    assert tally() == before


def test_a_sheet_with_errors_shows_the_error_table_and_no_confirm_button(world, client_for, media):
    sheet = [row(community_code=C1, estate="锦霞小区", building="9栋", number="1", area="六十")]
    page = upload(client_for("street_admin"), xlsx(sheet), "bad.xlsx")
    assert page.status_code == 200
    assert "第2行" in page.text
    assert "面积必须是大于0的数字" in page.text
    assert "确认导入" not in page.text
    assert not (media / "imports").exists()


def test_a_street_admin_cannot_import_into_another_streets_community(world, client_for):
    before = tally()
    sheet = [row(community_code=C3, estate="百花园", building="1栋", number="1002", area=90)]
    page = upload(client_for("street_admin"), xlsx(sheet), "登记.xlsx")
    assert errors_of(page.context["result"]) == [(2, "社区代码", "您无权导入到百花社区（500104002001）")]
    assert page.context["token"] is None
    assert tally() == before


def test_an_old_xls_file_is_refused_with_a_clear_message(world, client_for):
    page = upload(client_for("street_admin"), b"\xd0\xcf\x11\xe0", "登记.xls")
    assert "不支持旧版 .xls 文件" in page.text


# -- template and export ---------------------------------------------------------------------------

def test_the_xlsx_template_has_headers_an_example_and_an_explanation_sheet(world, client_for):
    response = client_for("street_admin").get(reverse("registry:template", args=["xlsx"]))
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["登记表", "填写说明"]
    rows = list(wb["登记表"].iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS
    assert len(rows) == 2
    assert rows[1][0] == C1  # the first community the user may write, as text
    explained = [r[0] for r in wb["填写说明"].iter_rows(min_row=2, max_row=len(HEADERS) + 1, values_only=True)]
    assert explained == HEADERS


def test_the_csv_template_is_utf8_with_bom_and_its_example_row_is_refused_if_left_in(world, client_for):
    response = client_for("street_admin").get(reverse("registry:template", args=["csv"]))
    assert response.content.startswith("\ufeff".encode())
    assert response.content.decode("utf-8-sig").splitlines()[0] == ",".join(HEADERS)
    result = import_registry(response.content, "template.csv", user=world.street_admin)
    assert errors_of(result) == [(2, "姓名", "这是模板中的示例行，导入前请删除")]
    edited = response.content.replace("张三".encode(), "张叁".encode())
    result = import_registry(edited, "template.csv", user=world.street_admin)
    assert errors_of(result) == []
    assert result.counts["homes_created"] == 1


def test_an_unknown_format_is_404(client_for):
    client = client_for("street_admin")
    assert client.get(reverse("registry:template", args=["pdf"])).status_code == 404
    assert client.get(reverse("registry:export", args=["xls"])).status_code == 404


def export_rows(client, fmt="csv", **params):
    response = client.get(reverse("registry:export", args=[fmt]), params)
    assert response.status_code == 200
    if fmt == "csv":
        return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    return [list(r) for r in load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True)]


def test_an_export_re_imports_with_everything_unchanged(world, client_for):
    import_registry(xlsx(CLEAN), "登记.xlsx", user=world.street_admin, commit=True)
    client = client_for("street_admin")
    before = tally()
    for fmt in ("xlsx", "csv"):
        response = client.get(reverse("registry:export", args=[fmt]))
        result = import_registry(response.content, f"export.{fmt}", user=world.street_admin, commit=True)
        assert errors_of(result) == []
        assert result.rows == 7  # A: 101, 102, 103, 2栋201; B: 101; 新工新村: 101 with two people
        assert result.writes_anything is False
        assert result.counts["rows_unchanged"] == 7
    assert tally() == before


def test_an_export_holds_only_what_the_user_may_see(world, client_for):
    estates = {r[2] for r in export_rows(client_for("street_admin"))[1:]}
    assert estates == {"锦霞小区", "新工宿舍"}
    assert {r[2] for r in export_rows(client_for("manager_a"))[1:]} == {"锦霞小区"}
    assert {r[2] for r in export_rows(client_for("district_admin"), division=C2)[1:]} == {"新工宿舍"}
    assert client_for("street_admin").get(
        reverse("registry:export", args=["csv"]), {"division": C3}).status_code == 404


def test_phones_are_whole_for_registry_admins_and_masked_for_everyone_else(world, client_for):
    def phones(who):
        return {r[12] for r in export_rows(client_for(who))[1:] if r[11] == "周莲秀"}

    assert phones("street_admin") == {"13812345678"}
    assert phones("auditor") == {"138****5678"}
    assert phones("manager_a") == {"138****5678"}
    rows = export_rows(client_for("auditor"), fmt="xlsx")
    assert rows[0] == HEADERS
    assert "13812345678" not in {r[12] for r in rows}


# -- the command line ------------------------------------------------------------------------------

def test_the_cli_dry_run_prints_the_counts_and_writes_nothing(world, tmp_path):
    path = tmp_path / "登记.xlsx"
    path.write_bytes(xlsx(CLEAN))
    before = tally()
    out = io.StringIO()
    call_command("import-registry", str(path), dry_run=True, stdout=out)
    text = out.getvalue()
    assert "预检（未写入）：登记.xlsx，共 5 行" in text
    assert "新建房屋：3" in text
    assert "无变化的行：1" in text
    assert tally() == before


def test_the_cli_imports_and_refuses_a_file_with_errors(world, tmp_path):
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_bytes(csv_file(CLEAN))
    bad.write_bytes(csv_file([row(community_code=C1, estate="锦霞小区", building="1栋", number="9", area="-5")]))
    call_command("import-registry", str(good), stdout=io.StringIO())
    assert Home.objects.filter(number="103").count() == 1
    before = tally()
    err = io.StringIO()
    with pytest.raises(CommandError, match="发现 1 处错误，没有写入任何数据"):
        call_command("import-registry", str(bad), stdout=io.StringIO(), stderr=err)
    assert "第2行 面积：面积必须是大于0的数字" in err.getvalue()
    assert tally() == before


def test_the_cli_applies_a_users_scope_when_asked(world, tmp_path):
    path = tmp_path / "far.csv"
    path.write_bytes(csv_file([row(community_code=C3, estate="百花园", building="1栋", number="1002", area=90)]))
    with pytest.raises(CommandError):
        call_command("import-registry", str(path), user="street_admin", stdout=io.StringIO(),
                     stderr=io.StringIO())
    with pytest.raises(CommandError, match="只读角色"):
        call_command("import-registry", str(path), user="auditor", stdout=io.StringIO())


def test_the_cli_export_round_trips(world, tmp_path):
    path = tmp_path / "all.xlsx"
    out = io.StringIO()
    call_command("export-registry", str(path), division=C1, stdout=out)
    assert f"已导出 2 户到 {path}" in out.getvalue()
    rows = list(load_workbook(path).worksheets[0].iter_rows(values_only=True))
    assert [r[9] for r in rows[1:]] == ["101", "102"]
    assert rows[1][12] == "13812345678"
    result = import_registry(path.read_bytes(), "all.xlsx", user=system_actor(), commit=True)
    assert result.counts["rows_unchanged"] == 2


def test_an_import_by_nobody_is_refused_and_writes_nothing(world):
    with pytest.raises(PermissionDenied):
        import_registry(xlsx([row(community_code=C2, estate="新工宿舍", building="1栋", number="101", area=40,
                                  name="吴婆婆", relation="业主")]), "a.xlsx", user=None, commit=True)
    assert Person.objects.filter(name="吴婆婆").count() == 0


@pytest.mark.parametrize("actor", [None, "auditor", "manager_a", "other_street_admin"])
def test_a_stewardship_change_by_a_caller_without_the_right_is_refused(world, actor):
    import datetime

    from linli.places.models import Stewardship
    from linli.places.services import stewardship_change

    before = list(Stewardship.objects.values_list("pk", "end"))
    with pytest.raises(PermissionDenied):
        stewardship_change(estate=world.estate_b, mode="self", start=datetime.date(2026, 1, 1),
                           actor=getattr(world, actor) if actor else None)
    assert list(Stewardship.objects.values_list("pk", "end")) == before
