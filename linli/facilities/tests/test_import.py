"""Importing an estate's facilities from a sheet: the template, limits, every bad row named with its column, all or
nothing, and the same sheet imported twice adds nothing."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from linli.core import exports
from linli.facilities import excel
from linli.facilities.models import Facility, FacilityEvent

pytestmark = pytest.mark.django_db
HEADER = ["类别", "名称", "楼栋", "编号", "位置", "安装日期", "法定检验到期", "向居民公示"]


def xlsx(rows, header=HEADER, name="facilities.xlsx"):
    wb = exports.new_workbook()
    ws = wb.active
    ws.title = excel.DATA_SHEET
    ws.append(header)
    for row in rows:
        ws.append(row)
    return SimpleUploadedFile(name, exports.workbook_bytes(wb))


GOOD = [["电梯", "1栋1单元电梯", "1栋", "T-1", "1栋北侧", "2023-06-30", "2027-01-15", "是"],
        ["水泵与水箱", "二次供水水泵", "", "", "泵房", "", "", ""],
        ["消防设施", "灭火器", "", "F-1", "各楼道", "2024/3/1", "", "否"]]


def test_a_clean_sheet_is_imported_and_the_same_sheet_again_adds_nothing(world):
    result = excel.import_sheet(xlsx(GOOD), estate=world.estate_a, actor=world.manager_a)
    assert result.errors == [] and len(result.created) == 3
    lift = Facility.objects.get(code="T-1")
    assert (lift.kind, lift.building, str(lift.inspection_due), lift.is_public) == (
        "lift", world.building_a, "2027-01-15", True)
    assert Facility.objects.get(code="F-1").is_public is False
    assert FacilityEvent.objects.filter(kind="imported").count() == 3

    again = excel.import_sheet(xlsx(GOOD), estate=world.estate_a, actor=world.manager_a)
    assert again.errors == [] and again.created == [] and [row for row, _f in again.existing] == [2, 3, 4]
    assert Facility.objects.count() == 3


def test_a_row_matches_by_code_before_name(world):
    excel.import_sheet(xlsx(GOOD), estate=world.estate_a, actor=world.manager_a)
    renamed = [["电梯", "1号楼电梯（改名）", "1栋", "T-1", "", "", "", ""]]
    result = excel.import_sheet(xlsx(renamed), estate=world.estate_a, actor=world.manager_a)
    assert result.created == [] and result.existing[0][1].code == "T-1"


def test_every_bad_row_is_named_with_its_column_and_nothing_is_written(world):
    rows = GOOD + [["火箭", "x", "", "", "", "", "", ""],
                   ["电梯", "", "", "", "", "", "", ""],
                   ["电梯", "9栋电梯", "9栋", "", "", "", "", ""],
                   ["电梯", "日期错", "", "", "", "2023-13-40", "", ""],
                   ["电梯", "公示错", "", "", "", "", "", "也许"],
                   ["电梯", "1栋1单元电梯", "", "", "", "", "", ""],
                   ["电梯", "未来电梯", "", "", "", "2999-01-01", "", ""]]
    result = excel.import_sheet(xlsx(rows), estate=world.estate_a, actor=world.manager_a)
    assert [str(e) for e in result.errors] == [
        "第 5 行“类别”：不认识的类别“火箭”",
        "第 6 行“名称”：必填",
        "第 7 行“楼栋”：该小区没有楼栋“9栋”",
        "第 8 行“安装日期”：日期格式应为 2024-01-31：“2023-13-40”",
        "第 9 行“向居民公示”：填“是”或“否”",
        "第 10 行“名称”：与第 2 行重复",
        "第 11 行“安装日期”：安装日期不能晚于今天",
    ]
    assert result.created == [] and not Facility.objects.exists()


def test_a_sheet_without_the_required_columns_is_refused(world):
    result = excel.import_sheet(xlsx([["1栋", "x"]], header=["楼栋", "位置"]), estate=world.estate_a,
                                actor=world.manager_a)
    assert [str(e) for e in result.errors] == ["第 1 行“表头”：缺少必填列：类别、名称"]


def test_other_types_big_files_and_too_many_rows_are_refused(world, monkeypatch):
    result = excel.import_sheet(SimpleUploadedFile("x.xls", b"\xd0\xcf\x11\xe0"), estate=world.estate_a,
                                actor=world.manager_a)
    assert [e.message for e in result.errors] == ["只支持 .xlsx 和 .csv 文件"]
    big = SimpleUploadedFile("x.csv", b"a" * (excel.MAX_BYTES + 1))
    result = excel.import_sheet(big, estate=world.estate_a, actor=world.manager_a)
    assert [e.message for e in result.errors] == ["文件过大（最大 2 MB）"]
    fake = SimpleUploadedFile("x.xlsx", b"not a zip at all")
    result = excel.import_sheet(fake, estate=world.estate_a, actor=world.manager_a)
    assert [e.message for e in result.errors] == ["文件不是 .xlsx 格式的 Excel 文件"]
    monkeypatch.setattr(excel, "MAX_ROWS", 2)
    rows = [["电梯", f"电梯{i}"] for i in range(5)]
    result = excel.import_sheet(xlsx(rows, header=["类别", "名称"]), estate=world.estate_a, actor=world.manager_a)
    assert [e.message for e in result.errors] == ["文件行数过多（最多 3 行），请拆分后分批导入"]
    assert not Facility.objects.exists()


def test_a_csv_sheet_is_read_too(world):
    data = "类别,名称,位置\n监控,公共监控,门卫室\n".encode("gb18030")
    result = excel.import_sheet(SimpleUploadedFile("f.csv", data), estate=world.estate_a, actor=world.manager_a)
    assert result.errors == [] and [f.name for f in result.created] == ["公共监控"]


def test_only_a_manager_imports(world):
    with pytest.raises(PermissionDenied):
        excel.import_sheet(xlsx(GOOD), estate=world.estate_a, actor=world.auditor)
    assert not Facility.objects.exists()


def test_the_import_page_shows_the_named_errors(world, client_for):
    rows = [["火箭", "x"]]
    response = client_for("manager_a").post(f"/facilities/estates/{world.estate_a.pk}/import/",
                                            {"file": xlsx(rows, header=["类别", "名称"])})
    page = response.content.decode()
    assert response.status_code == 200 and "第 2 行“类别”：不认识的类别“火箭”" in page and "未导入任何记录" in page


def test_the_template_round_trips(world):
    from linli.core.uploads import read_xlsx

    rows = read_xlsx(excel.template_bytes(), rows=10, sheet=excel.DATA_SHEET)
    assert rows[0][1] == [str(h) for _k, h, _r, _e in excel.COLUMNS]
