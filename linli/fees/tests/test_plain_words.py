"""Plain words for residents (issue 18, docs/residents-plain-words.md): a resident reads 应交 / 已交 / 还需交 about
their own bills where fee staff read 应收 / 已收 / 欠缴."""


def test_a_resident_reads_plain_words_about_their_bills_and_staff_the_trades(world, client_for):
    resident = client_for("resident_a")
    mine = resident.get("/fees/my/").content.decode()
    account = resident.get(f"/fees/homes/{world.home_a1.pk}/").content.decode()
    staff = client_for("manager_a").get(f"/fees/homes/{world.home_a1.pk}/").content.decode()
    assert "还需交" in mine and "已交" in mine and "欠缴" not in mine and "应收" not in mine
    assert "还需交" in account and "应交" in account and "欠缴" not in account and "应收" not in account
    assert "欠缴" in staff and "应收" in staff and "还需交" not in staff


def test_a_stranger_sees_no_account(world, client_for):
    assert client_for("stranger").get(f"/fees/homes/{world.home_a1.pk}/").status_code == 404
