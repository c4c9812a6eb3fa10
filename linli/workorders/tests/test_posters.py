"""A4 QR posters per building and per estate, for the staff who serve them."""

from django.test import Client

from linli.workorders import posters


def test_a_building_poster_is_a_pdf_with_the_signed_link_of_the_phone_page(desk, client_for):
    response = client_for("manager_a").get(f"/workorders/posters/building/{desk.building_a.pk}.pdf")
    token = posters.make_token(building=desk.building_a)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert f"http://testserver/workorders/go/{token}/".encode() in response.content


def test_an_estate_poster_carries_the_estate_token(desk, client_for):
    response = client_for("community_admin").get(f"/workorders/posters/estate/{desk.estate_a.pk}.pdf")
    assert response.content.startswith(b"%PDF")
    assert f"/workorders/go/{posters.make_token(estate=desk.estate_a)}/".encode() in response.content


def test_the_public_address_setting_goes_into_the_poster(desk, client_for, settings):
    settings.LINLI_PUBLIC_URL = "https://linli.example.gov.cn/"
    response = client_for("street_admin").get(f"/workorders/posters/estate/{desk.estate_b.pk}.pdf")
    assert f"https://linli.example.gov.cn/workorders/go/{posters.make_token(estate=desk.estate_b)}/".encode() in \
        response.content


def test_posters_are_only_for_staff_serving_the_place(desk, client_for):
    assert client_for("manager_a").get(f"/workorders/posters/estate/{desk.estate_b.pk}.pdf").status_code == 404
    assert client_for("other_street_admin").get(f"/workorders/posters/building/{desk.building_a.pk}.pdf"
                                                ).status_code == 404
    assert client_for("resident_a").get(f"/workorders/posters/estate/{desk.estate_a.pk}.pdf").status_code == 404
    assert client_for("stranger").get(f"/workorders/posters/estate/{desk.estate_a.pk}.pdf").status_code == 404
    assert Client().get(f"/workorders/posters/estate/{desk.estate_a.pk}.pdf").status_code == 302


def test_the_poster_list_shows_the_estates_the_user_serves(desk, client_for):
    body = client_for("manager_a").get("/workorders/posters/").content.decode()
    assert "锦霞小区" in body and "新工宿舍" not in body
    assert f"/workorders/posters/building/{desk.building_a.pk}.pdf" in body
    assert client_for("resident_a").get("/workorders/posters/").status_code == 404
