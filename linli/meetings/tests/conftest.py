import pytest
from django.db import transaction


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    """The demo street with the demo work orders and the demo joint meetings, loaded once per test module and rolled
    back after it (the other apps' demos are left out)."""
    from linli.meetings import demo
    from linli.people import demo as street
    from linli.workorders import demo as workorders_demo

    with django_db_blocker.unblock(), transaction.atomic():
        street.load(out=lambda line: None)
        workorders_demo.load(out=lambda line: None)
        demo.load(out=lambda line: None)
        yield
        transaction.set_rollback(True)
