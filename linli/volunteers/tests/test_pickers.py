"""Issue 15 item 8: where staff pick a person (registering a volunteer, points, the board, a need), a search by name,
building and room replaces a list of hundreds of names; two 刘旭 are told apart by masked phone and home."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from linli.people.models import Occupancy, Person
from linli.volunteers.models import Volunteer

URL = "/volunteers/people/search/"


@pytest.fixture
def two_liu_xu(vworld):
    a = Person.objects.create(name="刘旭", phone="13511112222")
    b = Person.objects.create(name="刘旭", phone="13633334444")
    Occupancy.objects.create(person=a, home=vworld.home_a1, relation="tenant")
    Occupancy.objects.create(person=b, home=vworld.home_a2, relation="tenant")
    far = Person.objects.create(name="刘旭", phone="13755556666")
    Occupancy.objects.create(person=far, home=vworld.home_b1.building.estate.buildings.get().homes.get(),
                             relation="owner")
    return a, b, far


def test_the_search_tells_the_two_apart_within_what_the_admin_sees(vworld, two_liu_xu, client_for):
    a, b, far = two_liu_xu
    body = client_for("community_admin").get(URL, {"person_q": "刘旭"}).content.decode()
    assert body.count('type="radio" name="person"') == 2  # the third lives in another community
    assert "锦霞小区 1栋1单元101" in body and "锦霞小区 1栋1单元102" in body
    assert "135****2222" in body and "136****4444" in body and "13511112222" not in body
    one = client_for("community_admin").get(URL, {"person_q": "刘旭 102"}).content.decode()
    assert f'value="{b.pk}"' in one and f'value="{a.pk}"' not in one


def test_anonymous_visitors_are_sent_to_sign_in():
    response = Client().get(URL, {"person_q": "刘旭"})
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize("name", ["stranger", "resident_a", "volunteer_a", "manager_a", "staff_a",
                                  "department_handler"])
def test_who_runs_no_volunteers_gets_nothing(vworld, two_liu_xu, client_for, name):
    response = client_for(name).get(URL, {"person_q": "刘旭"})
    assert response.status_code in (403, 404) and "135****2222" not in response.content.decode()


def test_registering_a_volunteer_picks_the_right_one_without_javascript(vworld, two_liu_xu, client_for):
    a, b, far = two_liu_xu
    client = client_for("community_admin")
    page = client.get(reverse("volunteers:volunteer_new"), {"person_q": "刘旭 1-1-102", "person_search": "1"})
    body = page.content.decode()
    assert f'name="person" value="{b.pk}"' in body and f'name="person" value="{a.pk}"' not in body
    client.post(reverse("volunteers:volunteer_new"), {"person": b.pk, "community": vworld.c1.pk})
    assert Volunteer.objects.filter(person__name="刘旭").get().person == b


def test_a_person_outside_the_admins_area_cannot_be_forged_in(vworld, two_liu_xu, client_for):
    far = two_liu_xu[2]
    client_for("community_admin").post(reverse("volunteers:volunteer_new"), {"person": far.pk,
                                                                             "community": vworld.c1.pk})
    assert not Volunteer.objects.filter(person=far).exists()


# -- issue 18 item 6: no form lists every person -------------------------------------------------------------------

PERSON_FORMS = ["/volunteers/wishes/new/", "/volunteers/points/", "/volunteers/people/new/", "/volunteers/lists/"]
OPTION_OF_A_PERSON = re.compile(r"<option[^>]*>[^<]*(刘旭|李建国|王芳)")


@pytest.mark.parametrize("who", ["community_admin", "street_admin", "grid_worker"])
def test_no_volunteer_form_lists_the_people_in_a_dropdown(vworld, two_liu_xu, client_for, who):
    """The wish form listed all 4,470 people of the demo street for a street admin: now every form that picks a
    person searches instead (name, masked phone, home), and an empty search lists nobody."""
    client = client_for(who)
    opened = 0
    for url in PERSON_FORMS + [reverse("volunteers:board", args=[vworld.c1.code])]:
        response = client.get(url)
        if response.status_code != 200:
            continue
        opened += 1
        body = response.content.decode()
        assert not OPTION_OF_A_PERSON.search(body), url
        assert 'type="radio" name="beneficiary"' not in body and 'type="radio" name="person"' not in body, url
    assert opened >= 2


def test_the_wish_form_finds_the_beneficiary_by_name_and_room_without_javascript(vworld, two_liu_xu, client_for):
    a, b, far = two_liu_xu
    client = client_for("community_admin")
    body = client.get(reverse("volunteers:wish_new"), {"beneficiary_q": "刘旭 102",
                                                         "beneficiary_search": "1"}).content.decode()
    assert f'name="beneficiary" value="{b.pk}"' in body and f'value="{a.pk}"' not in body
    assert "136****4444" in body and "13633334444" not in body
    htmx = client.get(reverse("volunteers:people_search"), {"beneficiary_q": "刘旭"}, HTTP_HX_REQUEST="true")
    assert htmx.content.decode().count('type="radio" name="beneficiary"') == 2
    client.post(reverse("volunteers:wish_new"), {"beneficiary": b.pk, "title": "理发", "category": "goods",
                                                 "source": "paper"})
    from linli.volunteers.models import Wish
    assert Wish.objects.get().beneficiary == b


def test_the_picker_lists_at_most_twenty_people(vworld, client_for):
    for i in range(25):
        person = Person.objects.create(name=f"张{i:02d}", phone=f"1390000{i:04d}")
        Occupancy.objects.create(person=person, home=vworld.home_a1, relation="tenant")
    body = client_for("community_admin").get(URL, {"person_q": "张"}).content.decode()
    assert body.count('name="person"') == 20
