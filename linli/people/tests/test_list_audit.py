"""Lists of people's names, on the page and through the API, are lines of the audit log (PIPL)."""

import pytest
from django.urls import reverse

from linli.people.models import AuditEvent, Person


def only_event():
    event = AuditEvent.objects.get(kind="list_personal")
    return (event.kind, event.actor.username, event.target, event.count, event.ip)


def test_each_page_of_the_person_list_is_logged_with_the_rows_shown(world, client_for):
    response = client_for("manager_a").get(reverse("people:person_list"), {"q": "zlx"})
    assert response.status_code == 200
    assert only_event() == ("list_personal", "manager_a", "people.persons", 1, "127.0.0.1")
    event = AuditEvent.objects.get(kind="list_personal")
    assert (event.path, event.data) == ("/people/persons/?q=zlx", {"page": 1, "search": "name"})


def test_the_second_page_of_a_long_list_is_logged_with_its_own_count(world, client_for):
    Person.objects.bulk_create([Person(name=f"张{i:03d}") for i in range(60)])
    from linli.people.models import Occupancy

    Occupancy.objects.bulk_create([Occupancy(person=p, home=world.home_a2, relation="tenant")
                                   for p in Person.objects.filter(name__startswith="张")])
    client_for("street_admin").get(reverse("people:person_list"), {"page": 2})
    event = AuditEvent.objects.get(kind="list_personal")
    assert (event.count, event.data) == (12, {"page": 2, "search": ""})


def test_a_number_search_is_logged_as_one(world, client_for):
    client_for("street_admin").get(reverse("people:person_list"), {"q": "1381234"})
    event = AuditEvent.objects.get(kind="list_personal")
    assert (event.path, event.data) == ("/people/persons/?q=1381234", {"page": 1, "search": "number"})


def test_a_stranger_is_refused_the_person_list_and_nothing_is_logged(world, client_for):
    assert client_for("stranger").get(reverse("people:person_list")).status_code == 404
    assert AuditEvent.objects.filter(kind="list_personal").count() == 0


@pytest.mark.parametrize(("url", "target", "rows"), [
    ("/api/v1/persons/", "people.persons", 2),
    ("/api/v1/occupancies/", "people.occupancies", 2),
])
def test_each_api_list_of_people_is_logged_with_the_rows_returned(world, client_for, url, target, rows):
    response = client_for("manager_a").get(url)
    assert response.status_code == 200
    assert only_event() == ("list_personal", "manager_a", target, rows, "127.0.0.1")
    assert AuditEvent.objects.get(kind="list_personal").path == url


def test_a_stranger_is_refused_the_persons_api_and_nothing_is_logged(world, client_for):
    assert client_for("stranger").get("/api/v1/persons/").status_code == 404
    assert AuditEvent.objects.filter(kind="list_personal").count() == 0


def test_reading_one_person_or_the_organisations_writes_no_list_row(world, client_for):
    client = client_for("manager_a")
    assert client.get(f"/api/v1/persons/{world.resident.pk}/").status_code == 200
    assert client.get("/api/v1/organizations/").status_code == 200
    assert AuditEvent.objects.filter(kind="list_personal").count() == 0
