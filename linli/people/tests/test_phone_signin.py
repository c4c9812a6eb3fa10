"""Issue 18 item 3: signing in with a phone number and a one-time code sent by SMS (linli/people/signin.py): the
happy path, wrong and expired codes, too many tries, the limits per number and per address, and a page that
answers the same whether a number is registered or not."""

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone

from linli.notify.tests.fakes import FakeChannel
from linli.people.models import AuditEvent, HouseholdInvitation, Occupancy, Person, SignInCode, User
from linli.people.phones import normalize_phone

START = "/accounts/login/code/"
VERIFY = "/accounts/login/code/verify/"
PHONE = "13812345678"  # resident_a's person, 周莲秀 (linli/core/testing.py)


@pytest.fixture
def sms(settings):
    """The SMS channel is the fake one (it records every text); tasks run in-process, as in the demo."""
    settings.LINLI_NOTIFY_CHANNELS = {"sms": "linli.notify.tests.fakes.FakeChannel"}
    settings.CELERY_TASK_ALWAYS_EAGER = True
    FakeChannel.reset()
    yield FakeChannel
    FakeChannel.reset()


@pytest.fixture
def ask(django_capture_on_commit_callbacks):
    """ask(client, phone) posts the phone number (the SMS goes out after the commit, as in production)."""

    def do(client, phone, ip="10.1.1.1", **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(START, {"phone": phone, **extra}, REMOTE_ADDR=ip)

    return do


def last_code(fake) -> str:
    address, title, key = fake.sent[-1]
    return re.search(r"\b(\d{6})\b", title).group(1)


def verify(client, code, ip="10.1.1.1", **extra):
    return client.post(VERIFY, {"code": code, **extra}, REMOTE_ADDR=ip)


def signed_in_as(client):
    return client.session.get("_auth_user_id")


# -- phone numbers as people type them ------------------------------------------------------------------------------

@pytest.mark.parametrize("typed", ["13812345678", "138 1234 5678", "+86 138-1234-5678", "0086 13812345678",
                                   "８６１３８１２３４５６７８", "＋８６ １３８１２３４５６７８", "(138)1234-5678"])
def test_a_number_is_normalised_whatever_the_spelling(typed):
    assert normalize_phone(typed) == "13812345678"


@pytest.mark.parametrize("typed", ["023-68812345", "1381234567", "12812345678", "abc", "", "138123456789"])
def test_what_is_not_a_mobile_number_is_refused(typed):
    assert normalize_phone(typed) == ""


# -- the happy path ---------------------------------------------------------------------------------------------------

def test_a_resident_signs_in_with_the_code_sent_to_their_phone(world, sms, ask):
    client = Client()
    assert "手机验证码登录" in client.get("/accounts/login/").content.decode()
    response = ask(client, "＋86 138 1234 5678")
    assert response.status_code == 302 and response["Location"] == VERIFY
    assert [(address, key[:7]) for address, _title, key in sms.sent] == [(PHONE, "signin:")]
    page = client.get(VERIFY).content.decode()
    assert "138****5678" in page and PHONE not in page
    response = verify(client, last_code(sms))
    assert response.status_code == 302 and response["Location"] == "/"
    assert signed_in_as(client) == str(world.resident_a.pk)
    assert client.get("/", follow=True).redirect_chain == [("/residents/", 302)]  # the resident home: signed in
    assert list(AuditEvent.objects.order_by("pk").values_list("kind", "actor_id", "target", "data")) == [
        ("code_sent", None, "138****5678", {}),
        ("login", world.resident_a.pk, "138****5678", {"by": "sms_code"})]


def test_only_a_keyed_hash_of_the_code_is_stored(world, sms, ask):
    ask(Client(), PHONE)
    code = last_code(sms)
    row = SignInCode.objects.get()
    stored = " ".join(str(v) for v in row.__dict__.values())
    assert code not in stored and len(row.code_hash) == 64 and row.phone == PHONE
    assert row.expires_at - row.created_at == datetime.timedelta(minutes=5)
    from linli.notify.models import Delivery, Notification

    assert Notification.objects.count() == 0 and Delivery.objects.count() == 0  # not through the outbox either


def test_the_code_takes_the_visitor_to_the_page_they_asked_for(world, sms, ask):
    client = Client()
    ask(client, PHONE, next="/notify/")
    assert verify(client, last_code(sms), next="/notify/")["Location"] == "/notify/"


def test_a_next_address_of_another_site_is_ignored(world, sms, ask):
    client = Client()
    ask(client, PHONE)
    assert verify(client, last_code(sms), next="https://evil.example/")["Location"] == "/"


def test_a_code_is_used_once(world, sms, ask):
    client = Client()
    ask(client, PHONE)
    code = last_code(sms)
    assert verify(client, code).status_code == 302
    other = Client()
    session = other.session
    session["_linli_signin_phone"] = PHONE
    session.save()
    again = verify(other, code)
    assert again.status_code == 200 and "验证码已失效" in again.content.decode() and not signed_in_as(other)


# -- wrong, expired, too many ---------------------------------------------------------------------------------------

def test_a_wrong_code_says_how_many_tries_are_left_and_signs_in_nobody(world, sms, ask):
    client = Client()
    ask(client, PHONE)
    wrong = f"{(int(last_code(sms)) + 1) % 10 ** 6:06d}"
    response = verify(client, wrong)
    assert response.status_code == 200 and "验证码不正确，还可以再试 4 次" in response.content.decode()
    assert not signed_in_as(client)
    assert AuditEvent.objects.filter(kind="login_failed", target="138****5678").count() == 1


def test_an_expired_code_is_refused(world, sms, ask):
    client = Client()
    ask(client, PHONE)
    SignInCode.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    response = verify(client, last_code(sms))
    assert "验证码已失效" in response.content.decode() and not signed_in_as(client)


def test_five_wrong_tries_kill_the_code_even_for_the_right_one(world, sms, ask):
    client = Client()
    ask(client, PHONE)
    code = last_code(sms)
    wrong = f"{(int(code) + 1) % 10 ** 6:06d}"
    for left in (4, 3, 2, 1):
        assert f"还可以再试 {left} 次" in verify(client, wrong).content.decode()
    assert "输错次数过多" in verify(client, wrong).content.decode()
    refused = verify(client, code)
    assert "输错次数过多" in refused.content.decode() and not signed_in_as(client)
    assert SignInCode.objects.get().attempts == 5
    assert AuditEvent.objects.filter(kind="lockout", data__by="sms_code").count() == 2


def test_a_new_code_replaces_the_earlier_one(world, sms, ask, settings):
    settings.LINLI_SIGNIN_CODE_INTERVAL_SECONDS = 0
    client = Client()
    ask(client, PHONE)
    first = last_code(sms)
    ask(client, PHONE)
    second = last_code(sms)
    if first != second:
        assert "不正确" in verify(client, first).content.decode()
    assert verify(client, second).status_code == 302


# -- limits ------------------------------------------------------------------------------------------------------

def test_one_code_per_number_per_minute(world, sms, ask):
    client = Client()
    ask(client, PHONE)
    again = ask(client, PHONE)
    assert again.status_code == 302 and again["Location"] == VERIFY
    assert len(sms.sent) == 1 and SignInCode.objects.count() == 1
    assert "秒后再重新获取" in client.get(VERIFY).content.decode()
    SignInCode.objects.update(created_at=timezone.now() - datetime.timedelta(seconds=61))
    ask(client, PHONE)
    assert len(sms.sent) == 2


def test_get_a_new_code_uses_the_number_of_the_session(world, sms, ask, settings):
    settings.LINLI_SIGNIN_CODE_INTERVAL_SECONDS = 0
    client = Client()
    ask(client, PHONE)
    response = ask(client, "", resend="1")
    assert response.status_code == 302 and response["Location"] == VERIFY
    assert [address for address, _t, _k in sms.sent] == [PHONE, PHONE]
    assert verify(client, last_code(sms)).status_code == 302


def test_at_most_n_codes_per_number_a_day(world, sms, ask, settings):
    settings.LINLI_SIGNIN_CODE_INTERVAL_SECONDS = 0
    settings.LINLI_SIGNIN_CODES_PER_PHONE_DAY = 3
    for n in range(3):
        assert ask(Client(), PHONE, ip=f"10.2.0.{n}").status_code == 302
    refused = ask(Client(), PHONE, ip="10.2.0.9")
    assert refused.status_code == 200 and "今天获取验证码的次数已达上限" in refused.content.decode()
    assert SignInCode.objects.count() == 3 and len(sms.sent) == 3


def test_at_most_n_code_requests_per_address_an_hour(world, sms, ask, settings):
    settings.LINLI_RATELIMIT_SIGNIN_CODE = "3/h"
    for n in range(3):
        assert ask(Client(), f"1390000000{n}", ip="10.3.3.3").status_code == 302
    refused = ask(Client(), PHONE, ip="10.3.3.3")
    assert refused.status_code == 200 and "获取验证码太频繁" in refused.content.decode()
    assert sms.sent == [] and SignInCode.objects.count() == 3
    assert ask(Client(), PHONE, ip="10.3.3.4").status_code == 302 and len(sms.sent) == 1


def test_at_most_n_tries_per_address_an_hour(world, sms, ask, settings):
    settings.LINLI_RATELIMIT_SIGNIN_VERIFY = "2/h"
    client = Client()
    ask(client, PHONE)
    code = last_code(sms)
    wrong = f"{(int(code) + 1) % 10 ** 6:06d}"
    verify(client, wrong)
    verify(client, wrong)
    refused = verify(client, code)
    assert "尝试验证码太频繁" in refused.content.decode() and not signed_in_as(client)


# -- nobody learns whether a number is registered -----------------------------------------------------------------

def _answer(client, response):
    page = client.get(response["Location"]).content.decode()
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"|"X-CSRFToken": "[^"]*"', "", page)
    # The number the visitor typed, shown back to them masked: the rest is the same.
    return response.status_code, response["Location"], re.sub(r"\d{3}\*{4}\d{4}", "NUMBER", page)


def test_the_answer_is_the_same_for_a_registered_and_an_unknown_number(world, sms, ask):
    registered, unknown = Client(), Client()
    a = _answer(registered, ask(registered, PHONE))
    b = _answer(unknown, ask(unknown, "13511112222"))
    assert a[:2] == b[:2]
    assert a[2].splitlines() == b[2].splitlines()
    assert [address for address, _t, _k in sms.sent] == [PHONE]  # only a registered number gets a text
    assert SignInCode.objects.count() == 2  # and both count against their limits alike
    again_a, again_b = ask(registered, PHONE), ask(unknown, "13511112222")
    assert (again_a.status_code, again_a["Location"]) == (again_b.status_code, again_b["Location"])


def test_a_code_typed_for_an_unknown_number_signs_in_nobody(world, sms, ask):
    client = Client()
    accounts = User.objects.count()
    ask(client, "13511112222")
    for guess in ("000000", "123456"):
        assert "不正确" in verify(client, guess).content.decode()
    assert not signed_in_as(client) and User.objects.count() == accounts


def test_an_invalid_number_is_refused_with_a_plain_message(world, sms, ask):
    response = ask(Client(), "023-68812345")
    assert response.status_code == 200 and "请输入正确的11位手机号码" in response.content.decode()
    assert SignInCode.objects.count() == 0


# -- who a number signs in as ---------------------------------------------------------------------------------------

def test_a_registered_resident_without_an_account_gets_one(world, sms, ask):
    wang = Person.objects.create(name="王小红", phone="+86 137 0000 3333")
    Occupancy.objects.create(person=wang, home=world.home_a2, relation="tenant")
    client = Client()
    ask(client, "13700003333")
    assert verify(client, last_code(sms)).status_code == 302
    user = User.objects.get(person=wang)
    assert signed_in_as(client) == str(user.pk) and not user.has_usable_password()
    assert user.display_name == "王小红" and user.memberships.get().estate == world.estate_a


def test_staff_accounts_of_the_admin_site_never_sign_in_by_code(world, sms, ask):
    boss = Person.objects.create(name="管理员", phone="13600006666")
    User.objects.create_user(username="boss", password="x", is_staff=True, is_superuser=True, person=boss)
    client = Client()
    ask(client, "13600006666")
    assert sms.sent == []


CHOOSE = "/accounts/login/code/choose/"


def test_a_number_shared_by_two_accounts_asks_who_is_signing_in(world, sms, ask):
    twin = Person.objects.create(name="赵山", phone=PHONE)  # her husband, on her phone
    Occupancy.objects.create(person=twin, home=world.home_a1, relation="co_owner")
    husband = User.objects.create_user(username="husband", person=twin)
    client = Client()
    ask(client, PHONE)
    response = verify(client, last_code(sms))
    assert response.status_code == 302 and response["Location"] == CHOOSE and not signed_in_as(client)
    page = client.get(CHOOSE).content.decode()
    assert "周莲秀" in page and "赵山" in page and "锦霞小区 1栋1单元101" in page
    response = client.post(CHOOSE, {"account": f"u{husband.pk}"})
    assert response.status_code == 302 and signed_in_as(client) == str(husband.pk)
    assert AuditEvent.objects.filter(kind="login", actor=husband, data={"by": "sms_code"}).count() == 1
    assert client.get(CHOOSE)["Location"] == START  # used up


def test_the_choice_is_only_among_the_numbers_accounts(world, sms, ask):
    twin = Person.objects.create(name="赵山", phone=PHONE)
    User.objects.create_user(username="husband", person=twin)
    client = Client()
    ask(client, PHONE)
    verify(client, last_code(sms))
    refused = client.post(CHOOSE, {"account": f"u{world.staff_a.pk}"})
    assert refused.status_code == 200 and "请选择您是哪一位" in refused.content.decode()
    assert not signed_in_as(client)


def test_the_choice_needs_a_right_code_first_and_expires(world, sms, ask):
    client = Client()
    assert client.get(CHOOSE)["Location"] == START
    assert client.post(CHOOSE, {"account": f"u{world.resident_a.pk}"})["Location"] == START
    session = client.session
    session["_linli_signin_choice"] = {"phone": PHONE, "until": 0}
    session.save()
    assert client.post(CHOOSE, {"account": f"u{world.resident_a.pk}"})["Location"] == START
    assert not signed_in_as(client)


def test_an_invited_family_member_signs_in_and_joins_the_home(world, sms, ask):
    HouseholdInvitation.objects.create(home=world.home_a1, phone="13566667777", name="周小明",
                                       invited_by=world.resident_a,
                                       expires_at=timezone.now() + datetime.timedelta(days=7))
    client = Client()
    ask(client, "135 6666 7777")
    assert verify(client, last_code(sms)).status_code == 302
    user = User.objects.get(pk=signed_in_as(client))
    assert user.person.name == "周小明" and user.person.phone == "13566667777"
    assert list(Occupancy.objects.current().filter(person=user.person).values_list("home_id", "relation")) == [
        (world.home_a1.pk, "family")]
    assert HouseholdInvitation.objects.get().accepted_at is not None
    assert client.get("/people/household/").status_code == 200


def test_an_expired_invitation_gets_no_code(world, sms, ask):
    HouseholdInvitation.objects.create(home=world.home_a1, phone="13566667777", name="周小明",
                                       invited_by=world.resident_a,
                                       expires_at=timezone.now() - datetime.timedelta(minutes=1))
    ask(Client(), "13566667777")
    assert sms.sent == []


def test_an_account_made_for_phone_sign_in_may_set_a_password_without_an_old_one(world, sms, ask):
    wang = Person.objects.create(name="王小红", phone="13700003333")
    Occupancy.objects.create(person=wang, home=world.home_a2, relation="tenant")
    client = Client()
    ask(client, "13700003333")
    verify(client, last_code(sms))
    page = client.get("/accounts/password/").content.decode()
    assert "old_password" not in page and "new_password1" in page
    response = client.post("/accounts/password/", {"new_password1": "Jinxia-2026-home", "new_password2": "Jinxia-2026-home"})
    assert response.status_code == 302
    assert User.objects.get(person=wang).check_password("Jinxia-2026-home")


def test_the_pages_speak_english_too(world, sms, ask):
    client = Client()
    client.cookies["django_language"] = "en"
    assert "Get a code" in client.get(START).content.decode()
    ask(client, PHONE)
    page = client.get(VERIFY).content.decode()
    assert "If 138****5678 is registered in Linli, a code has been texted to it" in page
    assert "Wrong code; 4 tries left." in verify(client, f"{(int(last_code(sms)) + 1) % 10 ** 6:06d}").content.decode()
