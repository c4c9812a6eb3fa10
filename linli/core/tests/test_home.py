from django.http import HttpRequest
from django.test import Client
from django.urls import reverse


def test_the_home_page_needs_a_sign_in(db):
    response = Client().get(reverse("home"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_the_sign_in_page_is_in_chinese(db):
    body = Client().get(reverse("login")).content.decode()
    assert "登录邻里" in body and 'lang="zh-hans"' in body


def test_the_sign_in_page_is_available_in_english(db):
    body = Client().get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Sign in to Linli" in body and 'lang="en"' in body


def test_a_stranger_is_told_to_ask_for_a_role(client_for):
    body = client_for("stranger").get(reverse("home")).content.decode()
    assert "还没有任何角色" in body


def test_a_street_admin_is_sent_to_the_dashboard_first_and_may_still_open_the_home_page(client_for):
    client = client_for("street_admin")
    assert client.get(reverse("home"))["Location"] == "/dashboard/"
    response = client.get(reverse("home") + "?home=1")
    assert (response.context["estate_count"], response.context["home_count"]) == (2, 3)
    assert response.context["top_division"].name == "九宫庙街道"


def test_a_resident_home_shows_their_home_and_who_manages_the_estate(world, client_for):
    response = client_for("resident_a").get(reverse("home") + "?home=1")  # residents land on /residents/
    body = response.content.decode()
    assert [o.home for o in response.context["occupancies"]] == [world.home_a1]
    assert "重庆锦绣物业服务有限公司" in body and "市场化物业" in body


def test_the_admin_site_is_in_chinese(world, client_for):
    from linli.people.models import User

    User.objects.create_superuser("root", password="x-long-pass-1")
    client = Client()
    client.login(username="root", password="x-long-pass-1", request=HttpRequest())
    body = client.get("/admin/").content.decode()
    assert "邻里 管理后台" in body and "小区" in body


def test_a_missing_page_is_explained_in_chinese(client_for):
    response = client_for("stranger").get("/places/estates/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_a_refused_write_explains_why_in_chinese(world, client_for):
    response = client_for("auditor").post(f"/places/estates/{world.estate_a.pk}/stewardship/", {})
    assert response.status_code == 403
    assert "您无权修改该小区的登记信息" in response.content.decode()


def test_opening_a_person_with_sensitive_flags_in_the_admin_is_logged(world):
    from linli.people.models import AccessLog, User

    User.objects.create_superuser("root", password="x-long-pass-1")
    client = Client()
    client.login(username="root", password="x-long-pass-1", request=HttpRequest())
    assert client.get(f"/admin/people/person/{world.resident.pk}/change/").status_code == 200
    assert list(AccessLog.objects.values_list("actor__username", "person__name", "kind")) == [
        ("root", "周莲秀", "admin_view")
    ]
