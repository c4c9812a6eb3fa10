"""API keys: `linli apikey create|list|revoke`, and what a key may do."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

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
    assert lines[0].split() == ["name", "prefix", "user", "created", "last", "used", "revoked"]
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
