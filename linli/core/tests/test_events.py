"""Append-only rows (linli.core.events): every event, log and ledger model refuses to change or delete a stored row,
through the model, its queryset and the admin. The models are found by inheritance, so a new one is tested too."""

import pytest
from django.contrib import admin
from django.test import RequestFactory

from linli.core.events import AppendOnly, AppendOnlyError, Event, append_only_models
from linli.people.models import User

MODELS = append_only_models()
IDS = [m._meta.label for m in MODELS]


def stored(model):
    """An instance as Django holds a row read from the database (no row is needed: the guard refuses first)."""
    obj = model(pk=1)
    obj._state.adding = False
    return obj


def test_the_event_models_are_found_by_inheritance():
    # The known ones; a new event model joins this list by subclassing Event or AppendOnly.
    expected = {"assembly.MeetingEvent", "assembly.BallotEvent", "assembly.MotionEvent", "assembly.SelectionEvent",
                "care.Visit", "fees.FeeEvent", "fees.LedgerEntry", "people.AccessLog", "people.AuditEvent",
                "triage.TaxonomyChange", "triage.TriageCorrection", "volunteers.PointsEntry", "volunteers.WishEvent",
                "workorders.WorkOrderEvent", "services.OrderEvent"}
    assert expected <= set(IDS)


@pytest.mark.parametrize("model", [m for m in MODELS if issubclass(m, Event)], ids=lambda m: m._meta.label)
def test_every_event_has_the_common_columns(model):
    fields = {f.name: f for f in model._meta.get_fields()}
    assert fields["actor"].remote_field.on_delete.__name__ == "PROTECT" and fields["actor"].null
    assert (fields["at"].get_internal_type(), fields["kind"].max_length, fields["data"].get_internal_type()) == (
        "DateTimeField", 40, "JSONField")


@pytest.mark.parametrize("model", MODELS, ids=IDS)
def test_a_stored_row_cannot_be_saved_again(model):
    with pytest.raises(AppendOnlyError, match="append-only"):
        stored(model).save()
    with pytest.raises(AppendOnlyError):
        stored(model).save(update_fields=["pk"])


@pytest.mark.parametrize("model", MODELS, ids=IDS)
def test_a_row_cannot_be_deleted(model):
    with pytest.raises(AppendOnlyError):
        stored(model).delete()


@pytest.mark.parametrize("model", MODELS, ids=IDS)
def test_the_queryset_refuses_update_and_delete(model):
    # Refused before any SQL is sent: an empty queryset would otherwise answer 0 without complaint.
    with pytest.raises(AppendOnlyError):
        model.objects.all().update(pk=1)
    with pytest.raises(AppendOnlyError):
        model.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        model._default_manager.filter(pk=1).update(pk=2)
    with pytest.raises(AppendOnlyError):
        model.objects.bulk_update([stored(model)], ["pk"])


def _superuser_request():
    request = RequestFactory().get("/admin/")
    request.user = User(username="root", is_superuser=True, is_staff=True, is_active=True)
    return request


def _event_admins():
    """(model admin or inline, model) for every admin screen that shows an append-only model."""
    out = []
    for model, model_admin in admin.site._registry.items():
        if issubclass(model, AppendOnly):
            out.append((model_admin, model))
        for inline in model_admin.inlines:
            if issubclass(inline.model, AppendOnly):
                out.append((inline(model, admin.site), inline.model))
    return out


def test_the_event_admins_are_found():
    assert {"workorders.WorkOrderEvent", "people.AuditEvent", "fees.LedgerEntry", "volunteers.PointsEntry",
            "triage.TriageCorrection"} <= {model._meta.label for _a, model in _event_admins()}


@pytest.mark.parametrize("model_admin,model", _event_admins(), ids=lambda x: getattr(x, "__name__", type(x).__name__))
def test_the_admin_offers_no_add_change_or_delete_of_an_event(model_admin, model):
    request = _superuser_request()
    obj = stored(model)
    if isinstance(model_admin, admin.options.InlineModelAdmin):
        assert (model_admin.has_add_permission(request, None), model_admin.has_change_permission(request, obj),
                model_admin.has_delete_permission(request, obj), model_admin.can_delete) == (False, False, False, False)
    else:
        assert (model_admin.has_add_permission(request), model_admin.has_change_permission(request, obj),
                model_admin.has_delete_permission(request, obj)) == (False, False, False)
        assert "delete_selected" not in model_admin.get_actions(request)


def _objects_with_events():
    """(admin, model) for every admin of a model whose history is told by an Event model (an order, a wish …)."""
    subjects = {f.related_model for m in MODELS if issubclass(m, Event) for f in m._meta.fields
                if f.many_to_one and f.name != "actor" and f.related_model in admin.site._registry}
    return [(admin.site._registry[model], model) for model in sorted(subjects, key=lambda m: m._meta.label)]


def test_the_objects_with_events_are_found():
    assert {"workorders.WorkOrder", "volunteers.Wish", "services.ResidentOrder"} <= {
        model._meta.label for _a, model in _objects_with_events()}


@pytest.mark.parametrize("model_admin,model", _objects_with_events(), ids=lambda x: getattr(x, "__name__", ""))
def test_the_admin_never_changes_the_status_of_an_object_with_events(model_admin, model):
    """Its status changes only through the services, which write the event that goes with the change."""
    request = _superuser_request()
    obj = model(pk=1)
    obj._state.adding = False
    editable = model_admin.has_change_permission(request, obj) and (
        "status" not in model_admin.get_readonly_fields(request, obj))
    assert [f.name for f in model._meta.fields if f.name == "status" and editable] == []
