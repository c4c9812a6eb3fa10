"""Schema-driven fuzzing of the whole REST API (issue 12, finding 15): no operation of /api/schema/ answers 500.

schemathesis reads the OpenAPI schema the app serves, generates requests for every operation, valid ones (positive)
and invalid ones (negative), and sends them in-process to the WSGI app (no server, no network), signed with the
demo street admin's API key. The demo street has rows of every kind, so ``{id}`` paths name real objects and
references in bodies and filters (``estate``, ``home``, ``person`` …) are swapped for keys the admin may use: a key
that does not exist is refused by any API whatever its schema says. The seed is fixed, so a run is repeatable; each
request runs in a savepoint that is rolled back, so every request meets the same street.

More examples locally: ``LINLI_FUZZ_EXAMPLES=50 python -m pytest linli/core/tests/test_api_fuzz.py``; one part of
the API: ``LINLI_FUZZ_ONLY=/api/v1/fees/``; with ``LINLI_FUZZ_REPORT=1 … -s`` it prints the operations that refuse
most valid requests, and why. See docs/deploy.md, "API fuzzing".
"""

import collections
import json
import logging
import os
import time

import hypothesis
import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from werkzeug.test import Client

from linli.core.memo import clear_all
from linli.people.models import ApiKey, Membership, Role

EXAMPLES = int(os.environ.get("LINLI_FUZZ_EXAMPLES", "4"))
ONLY = os.environ.get("LINLI_FUZZ_ONLY", "")
REPORT = os.environ.get("LINLI_FUZZ_REPORT", "") not in ("", "0")
# Statuses that say who may do what to which row, not whether the data was well formed.
SCOPE_STATUSES = {401, 403, 404}


@pytest.fixture(scope="module")
def demo_street(django_db_setup, django_db_blocker):
    """The demo street, loaded once for this module and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic(), open(os.devnull, "w") as devnull:
        call_command("demo", stdout=devnull)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def api_key(demo_street, db):
    """A key of the demo street's admin (九宫庙街道)."""
    admin = Membership.objects.get(role=Role.STREET_ADMIN, user__username="street_admin").user
    key = ApiKey.generate()
    ApiKey.objects.create(name="fuzz", user=admin, prefix=key[:8], key_hash=ApiKey.hash(key))
    return key


@pytest.fixture
def app(settings):
    """The WSGI app, answering inside the test's transaction as it does for Django's test client."""
    settings.ALLOWED_HOSTS = ["localhost"]
    # The test client does the same: closing "old" connections at a request's end would end the test's transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


class LastError(logging.Handler):
    """The last exception Django logged for a 500, to name it (and where it was raised) in the failure message."""

    def __init__(self):
        super().__init__(logging.ERROR)
        self.last = None

    def emit(self, record):
        if record.exc_info and record.exc_info[1] is not None:
            exc, tb = record.exc_info[1], record.exc_info[2]
            while tb.tb_next is not None:
                tb = tb.tb_next
            where = f"{tb.tb_frame.f_code.co_filename.rsplit('/site-packages/', 1)[-1]}:{tb.tb_lineno}"
            self.last = f"{type(exc).__name__}: {str(exc)[:200]} ({where})"


def first_rows(schema, get):
    """The first page of every list the admin may read, by path."""
    rows = {}
    for result in schema.get_all_operations():
        op = result.ok()
        if op.method.upper() == "GET" and "{" not in op.path:
            response = get(op.path)
            body = json.loads(response.get_data()) if response.status_code == 200 else None
            found = body.get("results") if isinstance(body, dict) else body
            if isinstance(found, list) and found and isinstance(found[0], dict):
                rows[op.path] = found
    return rows


def real_keys(rows):
    """Keys of objects that belong together (a home, its building and estate, a person …), by field name."""
    home = rows["/api/v1/homes/"][0]
    estates = rows["/api/v1/estates/"]
    estate = next((e for e in estates if e["id"] == home["estate"]), estates[0])
    keys = {"home": home["id"], "building": home["building"], "estate": estate["id"],
            "community": estate["community"]}
    for name, path in (("person", "/api/v1/persons/"), ("beneficiary", "/api/v1/persons/"),
                       ("account__person", "/api/v1/persons/"),
                       ("recipient", "/api/v1/persons/"), ("subject", "/api/v1/care-subjects/"),
                       ("offering", "/api/v1/order-offerings/"), ("organization", "/api/v1/organizations/"),
                       ("cluster", "/api/v1/clusters/"), ("team", "/api/v1/volunteer-teams/"),
                       ("plan", "/api/v1/fee-plans/")):
        if rows.get(path):
            keys[name] = rows[path][0]["id"]
    streets = [d for d in rows.get("/api/v1/divisions/", []) if d.get("level") == "street"]
    if streets:
        keys["street"] = streets[0]["id"]
    return keys


def path_parameters(op, rows):
    """Real values for an operation's path parameters, from the first row of the list it belongs to."""
    names = [p.name for p in op.path_parameters]
    found = rows.get(op.path.split("{", 1)[0])
    if not names or not found:
        return None
    values = {name: found[0].get(name) for name in names}
    return values if None not in values.values() else None


def with_real_keys(case, keys):
    """Swap generated references (whole numbers in fields named like a model) for keys of real objects."""
    def swap(container):
        if isinstance(container, dict):
            for name, value in container.items():
                if name in keys and isinstance(value, int) and not isinstance(value, bool):
                    container[name] = keys[name]
                elif name in keys and isinstance(value, list) and value and all(isinstance(v, int) for v in value):
                    container[name] = [keys[name]]

    if case.operation.method.upper() != "GET":
        swap(case.body)
    swap(case.query)
    return case


def fuzz(strategy, check):
    """Run ``check`` on EXAMPLES cases drawn from ``strategy``: the same cases on every run (derandomized)."""

    @hypothesis.given(case=strategy)
    @hypothesis.settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
                         suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
    def run(case):
        check(case)

    run()


@pytest.mark.heavy
@pytest.mark.timeout(900)  # about a minute on an idle machine; minutes on a loaded one
def test_no_operation_answers_a_server_error(api_key, app):
    started = time.monotonic()
    auth = {"Authorization": f"Token {api_key}"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", app, config=schemathesis.Config())
    client = Client(app)
    rows = first_rows(schema, lambda path: client.get(path, headers=auth))
    keys = real_keys(rows)
    errors = LastError()
    failures, outcomes, reasons, unsatisfiable = {}, collections.defaultdict(collections.Counter), \
        collections.defaultdict(collections.Counter), []

    def check(case, mode):
        label = case.operation.label
        errors.last = None
        with transaction.atomic():
            response = case.call(headers=auth)
            transaction.set_rollback(True)
        clear_all()  # rows cached by the rolled-back request must not reach the next one
        outcomes[label][(mode, response.status_code)] += 1
        if mode is GenerationMode.POSITIVE and 400 <= response.status_code < 500:
            reasons[label][response.content[:200].decode("utf-8", "replace")] += 1
        try:
            case.validate_response(response, checks=[not_a_server_error], headers=auth)
        except (Failure, FailureGroup):
            failures.setdefault(label, (errors.last, case.as_curl_command(headers=auth)))

    logging.getLogger("django.request").addHandler(errors)
    operations = 0
    try:
        for result in schema.get_all_operations():
            op = result.ok()
            if ONLY and not op.path.startswith(ONLY):
                continue
            operations += 1
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                strategy = op.as_strategy(generation_mode=mode, path_parameters=path_parameters(op, rows))
                if mode is GenerationMode.POSITIVE:
                    strategy = strategy.map(lambda case: with_real_keys(case, keys))
                try:
                    fuzz(strategy, lambda case, mode=mode: check(case, mode))
                except hypothesis.errors.Unsatisfiable:
                    # Nothing invalid can be sent (a path whose only parameter is a real row's key).
                    unsatisfiable.append(f"{op.label} ({mode.value})")
    finally:
        logging.getLogger("django.request").removeHandler(errors)

    if REPORT:
        refusing = refusing_most_valid_requests(outcomes)
        print(f"\n{operations} operations, {EXAMPLES} examples each way, in {time.monotonic() - started:.0f} s; "
              f"no invalid case for: {', '.join(unsatisfiable) or '-'}")
        print(f"{len(refusing)} operations refuse most valid requests:")
        for label, statuses in refusing:
            print(f"  {label}  {statuses}")
            for reason, n in reasons[label].most_common(2):
                print(f"      {n}× {reason}")
    assert not failures, f"{len(failures)} operation(s) answered 500:\n" + "\n".join(
        f"- {label}: {why}\n    {curl}" for label, (why, curl) in sorted(failures.items()))


def refusing_most_valid_requests(outcomes):
    """Operations that answer 4xx (other than 401/403/404, which are about scope) to most valid requests."""
    refusing = []
    for label, counter in sorted(outcomes.items()):
        positive = {status: n for (mode, status), n in sorted(counter.items()) if mode is GenerationMode.POSITIVE}
        judged = {status: n for status, n in positive.items() if status not in SCOPE_STATUSES}
        refused = sum(n for status, n in judged.items() if 400 <= status < 500)
        if judged and refused * 2 > sum(judged.values()):
            refusing.append((label, positive))
    return refusing
