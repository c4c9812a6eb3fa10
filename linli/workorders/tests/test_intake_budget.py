"""The cost budget of one intake through the API (issue 13, item 10): at most 8 SQL statements with warm caches,
however many people are notified; the caller's scope built once per request and read afresh on the next one.

The caches are Django's (Redis in production); here a local-memory cache stands in for Redis, so that a cache hit
is not an SQL statement as it would be with the database cache table the tests otherwise use.
"""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from linli.core.testing import make_user
from linli.notify.models import Notification
from linli.people import scopes
from linli.people.models import ApiKey, Membership, Role
from linli.workorders.models import Status, WorkOrder

URL = "/api/v1/workorders/"
BUDGET = 8


@pytest.fixture
def locmem_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": "intake-budget"}}
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def key_client(user) -> Client:
    key = ApiKey.generate()
    ApiKey.objects.create(name=f"k-{user.username}", user=user, prefix=key[:10], key_hash=ApiKey.hash(key))
    return Client(HTTP_AUTHORIZATION=f"Token {key}")


def intake(client, desk, text="3栋楼道灯坏了，晚上看不见"):
    return client.post(URL, {"text": text, "estate": desk.estate_a.pk, "category": "repair"},
                       content_type="application/json")


def statements(queries) -> list[str]:
    """The statements the database ran, without the SAVEPOINT/RELEASE pair that the test's own transaction makes
    of the service's ``transaction.atomic`` (in production that is BEGIN/COMMIT, which Django does not log)."""
    return [q["sql"] for q in queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]


def kind(sql: str) -> str:
    """``SELECT people_membership``, ``INSERT workorders_workorder`` …: the verb and the first table."""
    verb = sql.split()[0]
    if verb == "SELECT" and "nextval(" in sql:
        return "SELECT nextval"
    table = sql.split(' FROM "' if verb in ("SELECT", "DELETE") else '"', 1)[1].split('"')[0] if '"' in sql else ""
    if verb == "INSERT":
        table = sql.split('INTO "', 1)[1].split('"')[0]
    return f"{verb} {table}"


def test_an_intake_runs_at_most_eight_statements_with_warm_caches(desk, locmem_cache):
    client = key_client(desk.street_admin)
    assert intake(client, desk, "1栋门口垃圾没人清运").status_code == 201  # warms the caches
    with CaptureQueriesContext(connection) as queries:
        response = intake(client, desk)
    assert response.status_code == 201
    assert response.json()["status"] == Status.DISPATCHED
    ran = [kind(sql) for sql in statements(queries)]
    # The API key and its account, the routing table, the time limits, the street's taxonomy, the estate's
    # current management and the system account come from the caches. What is left:
    numbering = (["SELECT nextval", "INSERT workorders_workorder"] if connection.vendor == "postgresql"
                 else ["INSERT workorders_workorder", "UPDATE workorders_workorder"])
    assert ran == [
        "SELECT people_membership",  # the caller's roles: their scope, built once for the request
        "SELECT places_estate",  # the estate of the body, looked up within the caller's scope
        "SELECT workorders_workorder",  # the estate's open orders that the new one may repeat
        *numbering,  # the order, written once with its number (SQLite: the code follows the insert)
        "INSERT workorders_workorderevent",  # its two events (received, dispatched) in one statement
        "SELECT people_user",  # the people of the organisation it was dispatched to
        "INSERT notify_notification",  # one notification each (their channels came with the people), in one statement
    ]
    assert len(ran) <= BUDGET


def test_the_budget_holds_however_many_people_are_notified(desk, locmem_cache):
    client = key_client(desk.street_admin)
    assert intake(client, desk, "1栋门口垃圾没人清运").status_code == 201
    order = WorkOrder.objects.get()
    handlers = Notification.objects.filter(link=f"/workorders/{order.code}/").count()
    for i in range(5):  # five more members of the organisation the order goes to
        make_user(f"handler{i}", Role.PROPERTY_STAFF, organization=order.assignee_org)
    with CaptureQueriesContext(connection) as queries:
        response = intake(client, desk)
    assert response.status_code == 201
    new = WorkOrder.objects.get(code=response.json()["code"])
    assert Notification.objects.filter(link=f"/workorders/{new.code}/").count() == handlers + 5
    assert len(statements(queries)) <= BUDGET


def test_the_callers_scope_is_built_once_per_request(desk, locmem_cache, monkeypatch):
    built = []
    real = scopes.build_scope
    monkeypatch.setattr(scopes, "build_scope", lambda user: built.append(user.pk) or real(user))
    client = key_client(desk.street_admin)
    assert intake(client, desk).status_code == 201
    assert intake(client, desk, "2栋顶楼漏水").status_code == 201
    assert built == [desk.street_admin.pk, desk.street_admin.pk]  # once for each of the two requests


def test_a_withdrawn_role_counts_at_the_next_request(desk, locmem_cache):
    client = key_client(desk.street_admin)
    assert intake(client, desk).status_code == 201
    Membership.objects.filter(user=desk.street_admin).delete()
    response = intake(client, desk, "2栋顶楼漏水")
    assert response.status_code == 404  # no role left: a stranger, who is told nothing exists
    assert WorkOrder.objects.count() == 1


def test_a_granted_role_counts_at_the_next_request(desk, locmem_cache):
    client = key_client(desk.stranger)
    assert intake(client, desk).status_code == 404
    Membership.objects.create(user=desk.stranger, role=Role.STREET_ADMIN, division=desk.street)
    assert intake(client, desk).status_code == 201
