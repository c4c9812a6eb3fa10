"""A street admin imports a registry sheet in the browser: a messy sheet is refused row by row, a clean one lands."""

from playwright.sync_api import expect

from linli.places.models import Home

HEADER = "社区代码,小区,小区类型,楼栋,单元,楼层,门牌号,面积,姓名,手机,关系\n"


def write(tmp_path, name, rows):
    path = tmp_path / name
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    return str(path)


def test_a_messy_sheet_shows_row_errors_and_a_clean_one_is_imported(world, live_server, sign_in, shot, tmp_path):
    page = sign_in("street_admin")
    before = Home.objects.count()

    messy = write(tmp_path, "messy.csv", [
        "500104001001,錦霞小區,老旧小区,2栋,1,1,101,六十,王芳,13700001111,业主\n",
        "500104001001,锦霞小区,老旧小区,2栋,1,1,102,55.5,,,\n",
        "500104001001,锦霞小区,老旧小区,2栋,1,1,102,55.5,,,\n",
    ])
    page.goto(f"{live_server.url}/places/registry/import/")
    page.set_input_files("input[type=file]", messy)
    page.click("button:has-text('上传并预检')")
    expect(page.locator("[role=alert]")).to_contain_text("没有写入任何数据")
    expect(page.locator("main")).to_contain_text("面积")
    shot("import-errors")
    assert Home.objects.count() == before

    clean = write(tmp_path, "clean.csv", [
        "500104001001,錦霞小區,老旧小区,２栋,1,1,101,60,王芳,13700001111,业主\n",
        "500104001001,锦霞小区,老旧小区,2栋,1,1,102,55.5,,,\n",
    ])
    page.set_input_files("input[type=file]", clean)
    page.click("button:has-text('上传并预检')")
    expect(page.locator("button:has-text('确认导入')")).to_be_visible()
    shot("import-dry-run")
    assert Home.objects.count() == before

    page.click("button:has-text('确认导入')")
    expect(page.locator("[role=status]")).to_contain_text("已导入")
    shot("import-done")
    assert Home.objects.count() == before + 2
    assert sorted(Home.objects.filter(building__number="2栋").values_list("number", flat=True)) == ["101", "102"]
