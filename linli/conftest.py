import pytest
from django.http import HttpRequest
from django.test import Client

from linli.core.testing import PASSWORD, build_world
from linli.people.middleware import start_idle_clock


@pytest.fixture(autouse=True)
def _fresh_memos():
    """Rows cached by a rolled-back test must not reach the next one (see linli/core/memo.py)."""
    from linli.core.memo import clear_all

    clear_all()
    yield
    clear_all()


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the default language (zh-hans): a request with Accept-Language: en leaves English active
    in the thread (LocaleMiddleware activates, nothing deactivates), and a later test that calls a service directly
    would read its messages in English."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Every test stores its uploads under its own temporary MEDIA_ROOT (returned), never in the data directory."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def world(db):
    """The named cast (see linli/core/testing.py)."""
    return build_world()


@pytest.fixture
def vworld(world):
    """The cast plus two volunteers of 锦霞社区 (add_volunteers in linli/core/testing.py)."""
    from linli.core.testing import add_volunteers

    return add_volunteers(world)


@pytest.fixture
def cworld(world):
    """The cast plus 锦霞小区's owners' committee: accounts committee_chair and committee_member (add_committee in
    linli/core/testing.py)."""
    from linli.core.testing import add_committee

    return add_committee(world)


@pytest.fixture
def desk(world):
    """The cast plus the organisations work orders are routed to: C1's community committee and the street's
    property service centre (acting through community_admin and street_admin), and the default routing table."""
    from linli.people.models import Organization
    from linli.workorders.routing import ensure_default_rules

    world.committee = Organization.objects.create(name="锦霞社区居委会", kind="community_committee", division=world.c1)
    world.committee2 = Organization.objects.create(name="新工社区居委会", kind="community_committee", division=world.c2)
    world.centre = Organization.objects.create(name="九宫庙街道物业服务中心", kind="property_centre",
                                               division=world.street)
    ensure_default_rules(world.street)
    return world


@pytest.fixture
def client_for(world):
    """client_for("street_admin") → a test client signed in as that member of the cast."""

    def make(name: str) -> Client:
        client = Client()
        # django-axes guards authenticate() and needs a request (Django's test client passes none).
        assert client.login(username=name, password=PASSWORD, request=HttpRequest())
        start_idle_clock(client)
        return client

    return make


def pytest_configure(config):
    from django.conf import settings

    # Tests sign in a dozen users per test; the production hasher would make that take seconds.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pytest_collection_modifyitems(config, items):
    """Tests marked heavy (minutes each: the axe walk, the API fuzz, migrating an old database) run first: under
    xdist each worker starts on one of them and the short tests fill in around them, instead of one worker running a
    four-minute test alone at the end; the longest (given the longest timeout) first. Items keep their order otherwise
    (every worker sorts the same way)."""
    def key(item):
        timeout = item.get_closest_marker("timeout")
        return item.get_closest_marker("heavy") is None, -(timeout.args[0] if timeout else 0)

    items.sort(key=key)
