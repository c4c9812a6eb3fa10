"""The registry import through the upload gate: zip bombs, caps on size, rows and cells, clipped error values."""

from unittest import mock

import openpyxl

from linli.core.tests import samples
from linli.people.actors import system_actor
from linli.people.registry_io import import_registry

from .test_registry_io import C1, csv_file, errors_of, row, tally, upload, xlsx


def test_an_xlsx_zip_bomb_is_refused_before_openpyxl_opens_it_and_nothing_is_kept(world, client_for, media):
    before = tally()
    with mock.patch.object(openpyxl, "load_workbook", wraps=openpyxl.load_workbook) as opened:
        page = upload(client_for("street_admin"), samples.xlsx_bomb(), "登记.xlsx")
    assert opened.call_count == 0
    assert errors_of(page.context["result"]) == [(None, "", "文件压缩比异常（超过 100 倍），疑似压缩炸弹，已拒绝")]
    assert page.context["token"] is None and not (media / "imports").exists()
    assert tally() == before


def test_a_file_over_the_sheet_cap_is_refused_before_it_is_read(world, client_for, settings):
    settings.LINLI_UPLOAD_MAX_SHEET_MB = 1
    page = upload(client_for("street_admin"), b"a," * (600 * 1024), "登记.csv")
    assert page.context["error"] == "文件太大，最大 1 MB，请拆分后分批导入"
    assert page.context["result"] is None


def test_a_one_megabyte_csv_cell_is_refused_without_being_echoed(world, client_for):
    data = csv_file([row(community_code=C1, estate="锦霞小区", building="1栋", number="101",
                         estate_kind=samples.random_text(1024 * 1024))])
    page = upload(client_for("street_admin"), data, "登记.csv")
    assert errors_of(page.context["result"]) == [(None, "", "文件第2行有单元格超过 32767 个字符")]
    assert len(page.content) < 100_000


def test_an_unknown_value_is_clipped_in_the_error_table(world):
    kind = "商" * 20_000
    result = import_registry(xlsx([row(community_code=C1, estate="锦霞小区", building="1栋", number="101", area=50,
                                       estate_kind=kind)]), "登记.xlsx", user=system_actor())
    [(number, column, message)] = errors_of(result)
    assert (number, column) == (2, "小区类型")
    assert message.startswith("未知的小区类型“" + "商" * 50 + "…”，可填：") and len(message) < 200

