"""The security audit log: one row per event, never changed or deleted."""

import pytest
from django.test import RequestFactory

from linli.people.models import AuditEvent
from linli.people.services import audit


@pytest.mark.django_db
def test_audit_records_who_what_how_many_and_where(world):
    request = RequestFactory().get("/people/persons/?page=2", REMOTE_ADDR="10.1.2.3")
    event = audit(action=AuditEvent.Action.EXPORT, user=world.street_admin, request=request,
                  target="registry.xlsx", count=42)
    event.refresh_from_db()
    assert (event.username, event.kind, event.target, event.count, event.path, event.ip) == (
        "street_admin", "export", "registry.xlsx", 42, "/people/persons/?page=2", "10.1.2.3")


@pytest.mark.django_db
def test_audit_keeps_the_attempted_name_of_an_anonymous_caller():
    from django.contrib.auth.models import AnonymousUser

    event = audit(action=AuditEvent.Action.LOGIN_FAILED, user=AnonymousUser(), username="nobody")
    assert (event.actor_id, event.username) == (None, "nobody")


@pytest.mark.django_db
def test_an_audit_event_cannot_be_changed_or_deleted(world):
    event = audit(action=AuditEvent.Action.LOGIN, user=world.resident_a)
    event.target = "changed"
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()
    assert AuditEvent.objects.get(pk=event.pk).target == ""
