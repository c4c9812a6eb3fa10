"""大字模式: one switch in the top bar of every page, remembered on the device (cookie) and on the account."""

from django.test import Client
from django.urls import reverse

from linli.core.large_type import LARGE_TYPE_COOKIE
from linli.people.models import User

SWITCH = '<form method="post" action="/accounts/large-type/"'


def is_large(response) -> bool:
    return '<html lang="zh-hans" class="large"' in response.content.decode()


def test_every_page_has_the_switch_in_the_top_bar_even_before_signing_in(world, client_for):
    assert SWITCH in Client().get(reverse("login")).content.decode()
    assert SWITCH in client_for("resident_a").get(reverse("residents:home")).content.decode()
    assert SWITCH in client_for("street_admin").get(reverse("workorders:inbox")).content.decode()


def test_anyone_may_turn_it_on_and_the_device_remembers(world):
    client = Client()
    response = client.post(reverse("large_type"), {"next": reverse("login")})
    assert (response.status_code, response.url) == (302, reverse("login"))
    assert client.cookies[LARGE_TYPE_COOKIE].value == "1"
    page = client.get(reverse("login"))
    assert is_large(page)
    assert "标准字号" in page.content.decode()
    client.post(reverse("large_type"), {"next": reverse("login")})
    assert client.cookies[LARGE_TYPE_COOKIE].value == "0"
    assert not is_large(client.get(reverse("login")))


def test_a_signed_in_choice_is_kept_on_the_account_and_follows_to_a_new_device(world, client_for):
    phone = client_for("resident_a")
    phone.post(reverse("large_type"), {"next": "/"})
    assert User.objects.get(username="resident_a").large_type is True
    tablet = client_for("resident_a")  # no cookie: the account decides
    assert LARGE_TYPE_COOKIE not in tablet.cookies
    assert is_large(tablet.get(reverse("residents:home")))
    assert 'data-large-type="1"' in tablet.get(reverse("residents:home")).content.decode()  # linli.js stores it on the device
    tablet.post(reverse("large_type"), {"next": "/"})
    assert User.objects.get(username="resident_a").large_type is False
    assert not is_large(tablet.get(reverse("residents:home")))


def test_a_device_that_chose_standard_type_keeps_it(world, client_for):
    User.objects.filter(username="resident_a").update(large_type=True)
    client = client_for("resident_a")
    client.cookies[LARGE_TYPE_COOKIE] = "0"
    assert not is_large(client.get(reverse("residents:home")))


def test_the_switch_is_post_only_and_never_sends_anyone_off_the_site(world):
    client = Client()
    assert client.get(reverse("large_type")).status_code == 405
    response = client.post(reverse("large_type"), {"next": "https://evil.example/"})
    assert response.url == reverse("home")
    assert User.objects.filter(large_type=True).count() == 0


def test_the_switch_is_apart_from_the_sign_out_button(world, client_for):
    html = client_for("resident_a").get(reverse("residents:home")).content.decode()
    prefs, nav = html.index('class="prefs"'), html.index('class="nav"')
    assert prefs < html.index('id="large-type"') < nav < html.index(reverse("logout"))
