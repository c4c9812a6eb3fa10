"""The person picker (issue 15 item 8): two people of the same name are told apart by masked phone and home, and found
by name, building and room, only among the people the caller may pick."""

from django import forms
from django.test import RequestFactory

from linli.people import pickers
from linli.people.models import Occupancy, Person


def _two_liu_xu(world):
    a = Person.objects.create(name="刘旭", phone="13511112222")
    b = Person.objects.create(name="刘旭", phone="13633334444")
    Occupancy.objects.create(person=a, home=world.home_a1, relation="tenant")
    Occupancy.objects.create(person=b, home=world.home_b1, relation="owner")
    return a, b


def test_two_people_of_the_same_name_are_told_apart(world):
    a, b = _two_liu_xu(world)
    found = pickers.search(Person.objects.all(), "刘旭")
    assert [(p.pk, p.masked_phone, [f"{h.estate.name} {h}" for h in p.homes]) for p in found] == [
        (a.pk, "135****2222", ["锦霞小区 1栋1单元101"]), (b.pk, "136****4444", ["新工宿舍 1栋101"])]


def test_a_search_by_name_and_building_and_room(world):
    a, b = _two_liu_xu(world)
    everyone = Person.objects.all()
    assert [p.pk for p in pickers.search(everyone, "刘旭 1-1-101")] == [a.pk]
    assert [p.pk for p in pickers.search(everyone, "刘旭 1栋101")] == [a.pk, b.pk]
    assert [p.name for p in pickers.search(everyone, "1栋1单元101")] == ["刘旭", "周莲秀"]
    assert [p.name for p in pickers.search(everyone, "102")] == ["李建国"]
    assert [p.pk for p in pickers.search(everyone, "lx")] == [a.pk, b.pk]
    assert pickers.search(everyone, "") == [] and pickers.search(everyone, "张三") == []


def test_the_search_never_leaves_the_queryset_given(world):
    a, b = _two_liu_xu(world)
    only_c1 = Person.objects.filter(occupancies__home__estate=world.estate_a)
    assert [p.pk for p in pickers.search(only_c1, "刘旭")] == [a.pk]


class _Form(forms.Form):
    person = forms.ModelChoiceField(queryset=Person.objects.none(), widget=pickers.PersonPicker(url="people:person_list"))


def test_the_widget_lists_without_javascript_what_a_get_search_asked(world):
    a, b = _two_liu_xu(world)
    form = _Form()
    form.fields["person"].queryset = Person.objects.filter(pk__in=[a.pk, b.pk])
    pickers.take_query(form, RequestFactory().get("/", {"person_q": "刘旭"}))
    html = str(form["person"])
    assert html.count('type="radio" name="person"') == 2
    assert "135****2222" in html and "136****4444" in html and "13511112222" not in html
    assert 'name="person_q" value="刘旭"' in html


def test_a_picked_person_stays_checked_and_a_forged_one_is_refused(world):
    a, b = _two_liu_xu(world)
    form = _Form({"person": str(b.pk)})
    form.fields["person"].queryset = Person.objects.filter(pk=a.pk)
    assert not form.is_valid() and list(form.errors) == ["person"]
    form = _Form({"person": str(a.pk)})
    form.fields["person"].queryset = Person.objects.filter(pk=a.pk)
    assert form.is_valid() and form.cleaned_data["person"] == a
    assert f'value="{a.pk}" checked' in str(form["person"])
