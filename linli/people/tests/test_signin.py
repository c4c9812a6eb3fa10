"""Issue 12, finding 4: lockout after repeated failures (per account and per address, in the database), password
rules, changing one's own password, idle sessions, and every step in the audit log."""

import datetime
import time

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from linli.core.testing import PASSWORD
from linli.people.middleware import SEEN_KEY
from linli.people.models import AuditEvent, User
from linli.people.passwords import CharacterClassValidator

LOGIN = "/accounts/login/"


def sign_in(client, username, password, ip="10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def actions():
    return list(AuditEvent.objects.order_by("pk").values_list("kind", "username", "ip"))


def test_a_sign_in_and_a_sign_out_are_audited(world):
    client = Client()
    response = sign_in(client, "resident_a", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.post("/accounts/logout/", REMOTE_ADDR="10.0.0.1").status_code == 302
    assert actions() == [("login", "resident_a", "10.0.0.1"), ("logout", "resident_a", "10.0.0.1")]


def test_five_failures_lock_the_account_even_with_the_right_password(world, settings):
    client = Client()
    for n in range(4):
        response = sign_in(client, "staff_a", f"wrong-{n}", ip=f"10.0.1.{n}")
        assert response.status_code == 200 and "用户名或密码不正确" in response.content.decode()
    locked = sign_in(client, "staff_a", "wrong-4", ip="10.0.1.4")
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "暂时无法登录" in page and "密码连续输错5次" in page and "约 15 分钟后" in page
    again = sign_in(client, "staff_a", PASSWORD, ip="10.0.1.9")
    assert again.status_code == 429 and "_auth_user_id" not in client.session
    assert actions() == [("login_failed", "staff_a", f"10.0.1.{n}") for n in range(4)] + [
        ("lockout", "staff_a", "10.0.1.4"), ("lockout", "staff_a", "10.0.1.9")]
    # Another account from another address is not affected.
    assert sign_in(Client(), "manager_a", PASSWORD, ip="10.0.2.1").status_code == 302


def test_failures_from_one_address_up_to_its_own_limit_lock_that_address(world, settings):
    settings.LINLI_LOGIN_ADDRESS_FAILURE_LIMIT = 8
    for n in range(8):
        assert sign_in(Client(), f"guess{n}", "wrong", ip="10.9.9.9").status_code == 200
    refused = sign_in(Client(), "resident_a", PASSWORD, ip="10.9.9.9")
    assert refused.status_code == 429 and "暂时无法登录" in refused.content.decode()
    assert AuditEvent.objects.filter(kind="lockout", ip="10.9.9.9", data={"by": "address"}).count() == 1
    assert sign_in(Client(), "resident_a", PASSWORD, ip="10.9.9.8").status_code == 302


def test_one_colleague_locked_out_does_not_lock_the_office_address(world):
    for n in range(5):
        sign_in(Client(), "staff_a", f"wrong-{n}", ip="10.8.8.8")
    assert sign_in(Client(), "staff_a", PASSWORD, ip="10.8.8.8").status_code == 429
    assert sign_in(Client(), "manager_a", PASSWORD, ip="10.8.8.8").status_code == 302


def test_the_lockout_ends_after_the_cooloff_and_is_kept_in_the_database(world):
    for n in range(5):
        sign_in(Client(), "staff_a", "wrong", ip=f"10.0.3.{n}")
    assert AccessAttempt.objects.filter(username="staff_a").count() == 5
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=16))
    assert sign_in(Client(), "staff_a", PASSWORD, ip="10.0.3.9").status_code == 302


def test_a_success_clears_the_count(world):
    for _n in range(4):
        sign_in(Client(), "staff_a", "wrong", ip="10.0.4.1")
    assert sign_in(Client(), "staff_a", PASSWORD, ip="10.0.4.1").status_code == 302
    assert sign_in(Client(), "staff_a", "wrong", ip="10.0.4.1").status_code == 200
    assert sign_in(Client(), "staff_a", PASSWORD, ip="10.0.4.1").status_code == 302


def test_the_admin_signs_in_through_the_same_guarded_page(world):
    for _n in range(5):
        Client().post("/admin/login/", {"username": "district_admin", "password": "x"}, REMOTE_ADDR="10.0.5.1")
    assert Client().post("/admin/login/", {"username": "district_admin", "password": PASSWORD},
                         REMOTE_ADDR="10.0.5.2").status_code == 429
    assert [a for a, _u, _i in actions()] == ["login_failed"] * 4 + ["lockout", "lockout"]


def test_signing_out_of_the_admin_is_audited(world, client_for):
    client = client_for("district_admin")
    response = client.post("/admin/logout/", REMOTE_ADDR="10.0.5.3")
    assert response.status_code == 302 and "_auth_user_id" not in client.session
    assert actions() == [("logout", "district_admin", "10.0.5.3")]


def test_behind_a_trusted_proxy_the_client_address_comes_from_x_forwarded_for(world, settings):
    settings.LINLI_TRUSTED_PROXIES = 1
    Client().post(LOGIN, {"username": "staff_a", "password": "x"}, REMOTE_ADDR="10.0.0.254",
                  HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7")
    assert actions() == [("login_failed", "staff_a", "203.0.113.7")]
    assert AccessAttempt.objects.get().ip_address == "203.0.113.7"


@pytest.mark.parametrize(("password", "code"), [
    ("Ab1!", "password_too_short"),
    ("abcdefghijk1", "password_too_simple"),
    ("ABCDEFGHIJ12", "password_too_simple"),
    ("Qwerty123456", "password_too_common"),
    ("73829104857362", "password_entirely_numeric"),
    ("Resident_a2026", "password_too_similar"),
])
def test_weak_passwords_are_refused(world, password, code):
    with pytest.raises(ValidationError) as caught:
        validate_password(password, world.resident_a)
    assert code in [e.code for e in caught.value.error_list]


def test_a_strong_password_passes():
    assert validate_password("Qiao-men-7shan") is None
    assert CharacterClassValidator.classes("aA1!") == 4 and CharacterClassValidator.classes("邻里abc1") == 2


PASSWORD_URL = "/accounts/password/"


def test_a_user_changes_their_own_password_with_the_old_one(world, client_for):
    client = client_for("resident_a")
    page = client.get(PASSWORD_URL)
    assert page.status_code == 200 and "修改密码" in page.content.decode()
    wrong = client.post(PASSWORD_URL, {"old_password": "nope", "new_password1": "Qiao-men-7shan",
                                       "new_password2": "Qiao-men-7shan"})
    assert wrong.status_code == 200
    assert User.objects.get(username="resident_a").check_password(PASSWORD)
    weak = client.post(PASSWORD_URL, {"old_password": PASSWORD, "new_password1": "abcdefghijk",
                                      "new_password2": "abcdefghijk"})
    assert weak.status_code == 200 and "大写字母、小写字母、数字、符号中的3种" in weak.content.decode()
    assert User.objects.get(username="resident_a").check_password(PASSWORD)
    done = client.post(PASSWORD_URL, {"old_password": PASSWORD, "new_password1": "Qiao-men-7shan",
                                      "new_password2": "Qiao-men-7shan"}, REMOTE_ADDR="10.0.6.1")
    assert done.status_code == 302 and done["Location"] == "/"
    assert User.objects.get(username="resident_a").check_password("Qiao-men-7shan")
    assert client.get("/?home=1").status_code == 200 and "_auth_user_id" in client.session  # still signed in
    assert actions() == [("password_change", "resident_a", "10.0.6.1")]


def test_the_password_page_refuses_strangers_and_anonymous_callers(world, client_for):
    assert client_for("stranger").get(PASSWORD_URL).status_code == 404
    assert client_for("stranger").post(PASSWORD_URL, {"old_password": PASSWORD, "new_password1": "Qiao-men-7shan",
                                                      "new_password2": "Qiao-men-7shan"}).status_code == 404
    assert User.objects.get(username="stranger").check_password(PASSWORD)
    anonymous = Client().get(PASSWORD_URL)
    assert anonymous.status_code == 302 and anonymous["Location"] == "/accounts/login/?next=/accounts/password/"


def test_the_nav_links_to_the_password_page(world, client_for):
    assert f'href="{PASSWORD_URL}"' in client_for("staff_a").get("/").content.decode()


def age_session(client, seconds):
    session = client.session
    session[SEEN_KEY] = int(time.time()) - seconds
    session.save()


def test_a_staff_session_ends_after_30_idle_minutes(world, client_for):
    client = client_for("staff_a")
    age_session(client, 29 * 60)
    assert client.get("/people/persons/").status_code == 200
    age_session(client, 31 * 60)
    response = client.get("/people/persons/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session
    assert list(AuditEvent.objects.filter(kind="logout").values_list("kind", "username", "data")) == [
        ("logout", "staff_a", {"reason": "idle", "idle_seconds": 1800})]


def test_a_resident_session_lasts_days_and_the_idle_time_is_configurable(world, client_for, settings):
    client = client_for("resident_a")
    age_session(client, 2 * 24 * 3600)
    assert client.get("/?home=1").status_code == 200 and "_auth_user_id" in client.session
    assert client.session.get_expiry_age() == 3 * 24 * 3600
    settings.LINLI_RESIDENT_SESSION_IDLE_MINUTES = 60
    age_session(client, 61 * 60)
    client.get("/")
    assert "_auth_user_id" not in client.session


def test_an_active_session_records_activity_at_most_once_a_minute(world, client_for):
    client = client_for("staff_a")
    first = client.session[SEEN_KEY]
    client.get("/")
    assert client.session[SEEN_KEY] == first
    age_session(client, 120)
    client.get("/")
    assert client.session[SEEN_KEY] >= int(time.time()) - 1
    assert client.session.get_expiry_age() == 1800


def test_api_keys_and_sessions_still_authenticate_the_api(world, client_for):
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("apikey", "create", "robot", "--user", "street_admin", stdout=out)
    key = out.getvalue().splitlines()[-1]
    by_key = Client(HTTP_AUTHORIZATION=f"Token {key}").get("/api/v1/estates/")
    by_session = client_for("street_admin").get("/api/v1/estates/")
    assert by_key.status_code == by_session.status_code == 200
    assert by_key.json() == by_session.json()


def test_a_short_password_is_refused_in_chinese(world):
    from django.utils import translation

    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        validate_password("Ab1!x", world.staff_a)
    assert "密码太短，至少要有10个字符" in refused.value.messages
