"""API keys: `linli apikey create|list|revoke`, and what a key may do."""

import datetime
from io import StringIO

import pytest
from django.contrib import admin
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from linli.core.testing import error_messages
from linli.people import api_auth
from linli.people.models import ApiKey, Membership, Role, User


def apikey(*args) -> list[str]:
    out = StringIO()
    call_command("apikey", *args, stdout=out)
    return out.getvalue().splitlines()


def key_client(key: str, keyword: str = "Token") -> Client:
    return Client(HTTP_AUTHORIZATION=f"{keyword} {key}")


def test_create_prints_the_key_once_as_the_last_line_and_stores_only_its_hash(world):
    lines = apikey("create", "hotline", "--user", "street_admin")
    key = lines[-1]
    assert key.startswith("lk_")
    assert sum(key in line for line in lines) == 1
    stored = ApiKey.objects.get(name="hotline")
    assert (stored.user, stored.prefix, stored.key_hash) == (world.street_admin, key[:8], ApiKey.hash(key))
    assert any("Authorization: Token" in line for line in lines[:-1])


def test_the_printed_key_authenticates_as_its_user(world):
    key = apikey("create", "hotline", "--user", "street_admin")[-1]
    response = key_client(key).get("/api/v1/estates/")
    assert response.status_code == 200
    assert [e["name"] for e in response.json()["results"]] == ["锦霞小区", "新工宿舍"]
    assert ApiKey.objects.get(name="hotline").last_used_at is not None


def test_a_key_also_works_as_a_bearer_token(world):
    key = apikey("create", "hotline", "--user", "manager_a")[-1]
    response = key_client(key, "Bearer").get("/api/v1/estates/")
    assert [e["name"] for e in response.json()["results"]] == ["锦霞小区"]


def test_a_key_has_no_session_so_it_writes_without_csrf_within_its_role(world):
    key = apikey("create", "registry-sync", "--user", "community_admin")[-1]
    response = key_client(key).patch(f"/api/v1/estates/{world.estate_a.pk}/", '{"address": "锦霞街2号"}',
                                     content_type="application/json")
    assert response.status_code == 200
    world.estate_a.refresh_from_db()
    assert world.estate_a.address == "锦霞街2号"


def test_a_read_only_key_cannot_write(world):
    key = apikey("create", "audit", "--user", "auditor")[-1]
    response = key_client(key).patch(f"/api/v1/estates/{world.estate_a.pk}/", '{"address": "改"}',
                                     content_type="application/json")
    assert response.status_code == 403
    world.estate_a.refresh_from_db()
    assert world.estate_a.address == "锦霞街1号"


def test_without_user_a_new_account_without_roles_is_made_and_the_output_says_so(world):
    lines = apikey("create", "hotline")
    user = User.objects.get(username="api-hotline")
    assert (user.is_active, user.has_usable_password(), user.memberships.count()) == (True, False, 0)
    assert ApiKey.objects.get(name="hotline").user == user
    assert any("还没有任何角色" in line and "Membership" in line for line in lines)
    # The key authenticates, but an account without roles reads nothing until granted a Membership.
    client = key_client(lines[-1])
    assert client.get("/api/v1/estates/").status_code == 404
    Membership.objects.create(user=user, role=Role.AUDITOR, division=world.street)
    assert client.get("/api/v1/estates/").status_code == 200


def test_call_command_create_hotline_last_line_is_a_working_key(world):
    out = StringIO()
    call_command("apikey", "create", "hotline", "--user", "district_admin", stdout=out)
    key = out.getvalue().strip().splitlines()[-1]
    assert key_client(key).get(f"/api/v1/estates/{world.estate_far.pk}/").json()["name"] == "百花园"


def test_a_second_key_with_the_same_name_is_refused(world):
    apikey("create", "hotline", "--user", "street_admin")
    with pytest.raises(CommandError, match="hotline"):
        apikey("create", "hotline", "--user", "district_admin")
    assert ApiKey.objects.filter(name="hotline").count() == 1
    assert ApiKey.objects.get(name="hotline").user == world.street_admin


def test_a_key_for_an_unknown_user_is_refused(world):
    with pytest.raises(CommandError, match="nobody"):
        apikey("create", "hotline", "--user", "nobody")
    assert ApiKey.objects.count() == 0


def test_list_shows_the_keys_but_never_the_keys_themselves(world):
    key = apikey("create", "hotline", "--user", "street_admin")[-1]
    lines = apikey("list")
    assert lines[0].split() == ["name", "prefix", "user", "created", "last", "used", "expires", "access", "revoked"]
    assert lines[1].split()[:3] == ["hotline", key[:8], "street_admin"]
    assert lines[1].split()[-1] == "-"
    assert all(key not in line for line in lines)


def test_a_revoked_key_no_longer_authenticates(world):
    key = apikey("create", "hotline", "--user", "street_admin")[-1]
    assert key_client(key).get("/api/v1/estates/").status_code == 200
    lines = apikey("revoke", "hotline")
    assert "hotline" in lines[-1]
    assert ApiKey.objects.get(name="hotline").revoked_at is not None
    assert key_client(key).get("/api/v1/estates/").status_code == 401
    assert apikey("list")[1].split()[-1] != "-"


def test_revoking_an_unknown_key_is_an_error(world):
    with pytest.raises(CommandError, match="nope"):
        apikey("revoke", "nope")


def test_a_made_up_key_is_refused(world):
    assert key_client("lk_not-a-real-key").get("/api/v1/estates/").status_code == 401


def test_a_key_name_must_make_a_valid_account_name(world):
    with pytest.raises(CommandError):
        apikey("create", "two words")
    assert (ApiKey.objects.count(), User.objects.filter(username__startswith="api-").count()) == (0, 0)


# -- finding 14: expiry, read-only scope, superusers ---------------------------------------------------------


def test_a_key_created_with_days_works_until_it_expires(world, monkeypatch):
    key = apikey("create", "hotline", "--user", "street_admin", "--days", "30")[-1]
    stored = ApiKey.objects.get(name="hotline")
    assert datetime.timedelta(days=29, hours=23) < stored.expires_at - timezone.now() <= datetime.timedelta(days=30)
    assert key_client(key).get("/api/v1/estates/").status_code == 200  # and the key is now cached
    later = stored.expires_at + datetime.timedelta(seconds=1)
    monkeypatch.setattr(api_auth.timezone, "now", lambda: later)
    response = key_client(key).get("/api/v1/estates/")
    assert (response.status_code, error_messages(response)) == (401, {"": ["API 密钥已过期"]})


def test_expires_takes_the_last_day_the_key_works(world):
    lines = apikey("create", "hotline", "--user", "street_admin", "--expires", "2099-06-30")
    stored = ApiKey.objects.get(name="hotline")
    assert timezone.localtime(stored.expires_at).isoformat()[:19] == "2099-07-01T00:00:00"
    assert "限制：有效期至 2099-07-01 00:00。" in lines


@pytest.mark.parametrize("args,message", [
    (["--expires", "2020-01-01"], "已经过去"),
    (["--expires", "30/06/2027"], "YYYY-MM-DD"),
    (["--days", "0"], "正整数"),
])
def test_a_bad_expiry_is_refused_and_no_key_is_made(world, args, message):
    with pytest.raises(CommandError, match=message):
        apikey("create", "hotline", "--user", "street_admin", *args)
    assert ApiKey.objects.count() == 0


def test_list_shows_expiry_and_access(world):
    apikey("create", "hotline", "--user", "street_admin", "--expires", "2099-06-30", "--read-only")
    row = apikey("list")[1].split()
    assert row[-5:] == ["-", "2099-07-01", "00:00", "read", "-"]


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_a_read_only_key_refuses_every_unsafe_method_with_403(world, method):
    key = apikey("create", "registry-read", "--user", "community_admin", "--read-only")[-1]
    client = key_client(key)
    assert client.get(f"/api/v1/estates/{world.estate_a.pk}/").status_code == 200
    response = getattr(client, method)(f"/api/v1/estates/{world.estate_a.pk}/", '{"address": "改"}',
                                       content_type="application/json")
    assert (response.status_code, error_messages(response)) == (403, {"": ["只读 API 密钥不能修改数据"]})
    world.estate_a.refresh_from_db()
    assert world.estate_a.address == "锦霞街1号"


def test_a_read_only_key_cannot_create_an_open311_request(world):
    key = apikey("create", "o311", "--user", "community_admin", "--read-only")[-1]
    response = Client().post("/open311/v2/requests.json", HTTP_X_API_KEY=key, data={
        "service_code": "facility", "description": "楼道灯坏了", "jurisdiction_id": world.street.code})
    assert response.status_code == 403


def test_a_key_for_a_superuser_is_refused_by_default(world):
    world.district_admin.is_superuser = True
    world.district_admin.save()
    with pytest.raises(CommandError, match="超级用户"):
        apikey("create", "root", "--user", "district_admin")
    with pytest.raises(CommandError, match="超级用户"):
        apikey("create", "root", "--user", "district_admin", "--allow-superuser")
    assert ApiKey.objects.count() == 0


def test_a_superuser_key_needs_both_the_flag_and_the_setting(world, settings):
    settings.LINLI_APIKEY_ALLOW_SUPERUSER = True
    world.district_admin.is_superuser = True
    world.district_admin.save()
    key = apikey("create", "root", "--user", "district_admin", "--allow-superuser")[-1]
    assert key_client(key).get("/api/v1/estates/").status_code == 200
    settings.LINLI_APIKEY_ALLOW_SUPERUSER = False
    response = key_client(key).get("/api/v1/estates/")
    assert (response.status_code, error_messages(response)) == (401, {"": ["代表超级用户的 API 密钥未获准使用"]})


def test_a_key_whose_user_became_a_superuser_stops_working(world):
    key = apikey("create", "hotline", "--user", "street_admin")[-1]
    world.street_admin.is_superuser = True
    world.street_admin.save()
    assert key_client(key).get("/api/v1/estates/").status_code == 401


def test_creating_and_revoking_a_key_is_in_the_audit_log(world):
    from linli.people.models import AuditEvent

    apikey("create", "hotline", "--user", "street_admin", "--read-only")
    apikey("revoke", "hotline")
    rows = list(AuditEvent.objects.order_by("pk").values_list("kind", "target", "data"))
    assert rows == [("apikey", "hotline", {"op": "create", "user": "street_admin", "read_only": True,
                                            "expires_at": None}),
                    ("apikey", "hotline", {"op": "revoke"})]


# -- the key and its account are cached (linli/people/api_auth.py); every way of changing them drops the entry --


def test_a_used_key_is_not_read_from_its_table_again(world):
    key = apikey("create", "hotline", "--user", "street_admin")[-1]
    assert key_client(key).get("/api/v1/estates/").status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert key_client(key).get("/api/v1/estates/").status_code == 200
    assert [q["sql"] for q in queries if "people_apikey" in q["sql"]] == []


def _admin_save(model, obj):
    request = RequestFactory().post("/admin/")
    request.user = User.objects.create_superuser("root", "root@example.org", "x")
    admin.site._registry[model].save_model(request, obj, form=None, change=True)


def test_deactivating_the_account_in_the_admin_refuses_its_key_at_the_next_request(world):
    key = apikey("create", "hotline", "--user", "street_admin")[-1]
    assert key_client(key).get("/api/v1/estates/").status_code == 200
    world.street_admin.is_active = False
    _admin_save(User, world.street_admin)
    assert key_client(key).get("/api/v1/estates/").status_code == 401


def test_revoking_a_key_in_the_admin_refuses_it_at_the_next_request(world):
    key = apikey("create", "hotline", "--user", "street_admin")[-1]
    assert key_client(key).get("/api/v1/estates/").status_code == 200
    stored = ApiKey.objects.get(name="hotline")
    stored.revoked_at = timezone.now()
    _admin_save(ApiKey, stored)
    assert key_client(key).get("/api/v1/estates/").status_code == 401


def test_making_a_key_read_only_in_the_admin_counts_at_the_next_request(world):
    key = apikey("create", "sync", "--user", "community_admin")[-1]
    body = '{"address": "锦霞街2号"}'
    url = f"/api/v1/estates/{world.estate_a.pk}/"
    assert key_client(key).patch(url, body, content_type="application/json").status_code == 200
    stored = ApiKey.objects.get(name="sync")
    stored.read_only = True
    _admin_save(ApiKey, stored)
    assert key_client(key).patch(url, body, content_type="application/json").status_code == 403


def test_the_system_account_made_usable_in_the_admin_is_refused_at_once(world):
    from linli.people.actors import SYSTEM_USERNAME, system_actor

    system_actor()  # now kept by this process
    fresh = User.objects.get(username=SYSTEM_USERNAME)
    fresh.is_active = True
    _admin_save(User, fresh)
    with pytest.raises(RuntimeError):
        system_actor()
