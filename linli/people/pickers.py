"""A search picker for people (issue 15 item 8): lists of hundreds of names with duplicates become a search by
name, building and room whose results show the masked phone and home, so that two 刘旭 can be told apart.

The apps above (care, volunteers) use it as a form widget over the queryset the user may pick from::

    person = forms.ModelChoiceField(queryset=..., widget=PersonPicker(url="care:subject_people"))

and answer its htmx search with ``picker_results(request, queryset, name=...)``. Without JavaScript the search
button submits the surrounding form by GET to the same page, and the view hands the words back with
``take_query(form, request)``: the picker then lists the results itself. Nothing here widens what a user sees: the
results are always a subset of the queryset given.
"""

from __future__ import annotations

import re

from django import forms
from django.db.models import Q
from django.shortcuts import render
from django.urls import reverse

from linli.core.text import normalize
from linli.people.models import Occupancy, Person

LIMIT = 20
BUILDING_SUFFIXES = ("", "栋", "幢", "号楼", "号")
# "1-101", "1栋101", "1幢2单元301": a building and a room in one word.
_BUILDING_ROOM = re.compile(r"^(\d+)(?:栋|幢|号楼|[-－/])(?:(\d+)(?:单元|[-－/]))?(\d+)$")
_BUILDING = re.compile(r"^(\d+)(?:栋|幢|号楼)$")


def _buildings(number: str) -> list[str]:
    return [number + s for s in BUILDING_SUFFIXES]


def _living(**home) -> Q:
    """People who live now in a home matching ``home`` (lookups on Home)."""
    occ = Occupancy.objects.current().filter(**{f"home__{k}": v for k, v in home.items()})
    return Q(pk__in=occ.values("person_id"))


def word_q(word: str) -> Q:
    """One word of the search: a name (characters or pinyin initials), a building, a room, or building-room."""
    if m := _BUILDING_ROOM.match(word):
        building, entrance, room = m.groups()
        home = {"building__number__in": _buildings(building), "number": room}
        if entrance:
            home["entrance"] = entrance
        return _living(**home)
    if m := _BUILDING.match(word):
        return _living(building__number__in=_buildings(m.group(1)))
    if word.isdigit():
        return _living(number=word) | _living(building__number__in=_buildings(word))
    q = Q(name__icontains=word)
    if word.isascii() and word.isalnum():
        q |= Q(initials__startswith=word.lower())
    return q


def search(queryset, query: str, *, limit: int = LIMIT) -> list[Person]:
    """The people of ``queryset`` matching every word of ``query`` (name, building, room), each with ``homes``."""
    words = normalize(query).split()
    if not words:
        return []
    q = Q()
    for word in words:
        q &= word_q(word)
    return with_homes(list(queryset.filter(q).order_by("name", "pk")[:limit]))


def with_homes(people: list[Person]) -> list[Person]:
    """Attach each person's current homes (``person.homes``) with two statements for the whole list."""
    homes: dict[int, list] = {}
    for occ in (Occupancy.objects.current().filter(person__in=[p.pk for p in people])
                .select_related("home__building__estate").order_by("pk")):
        homes.setdefault(occ.person_id, []).append(occ.home)
    for p in people:
        p.homes = homes.get(p.pk, [])
    return people


class PersonPicker(forms.Widget):
    """A search box and the people found (radio buttons, or check boxes with ``multiple``); the people already
    picked stay listed, checked, whatever the next search finds."""

    template_name = "people/_picker.html"

    def __init__(self, *, url: str, multiple: bool = False, attrs=None):
        """``url``: the search endpoint, a URL name or a path."""
        super().__init__(attrs)
        self.url, self.multiple, self.query = url, multiple, ""
        self.choices = []

    def __deepcopy__(self, memo):
        obj = super().__deepcopy__(memo)
        obj.query = ""
        return obj

    def value_from_datadict(self, data, files, name):
        if self.multiple:
            return data.getlist(name) if hasattr(data, "getlist") else data.get(name)
        return data.get(name)

    def value_omitted_from_data(self, data, files, name):
        return name not in data

    def format_value(self, value):
        if value in (None, ""):
            return []
        values = value if isinstance(value, list | tuple) else [value]
        return [str(getattr(v, "pk", v)) for v in values if v not in (None, "")]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        queryset = getattr(self.choices, "queryset", None)
        picked_ids = [v for v in self.format_value(value) if v.isdigit()]
        picked = with_homes(list(queryset.filter(pk__in=picked_ids))) if queryset is not None and picked_ids else []
        results = search(queryset, self.query) if queryset is not None and self.query else []
        context["picker"] = {
            "name": name, "url": self.url if self.url.startswith("/") else reverse(self.url), "multiple": self.multiple, "q": self.query,
            "rows": _rows(picked, results), "searched": bool(self.query),
        }
        return context


def _rows(picked: list[Person], results: list[Person]) -> list[dict]:
    seen = {p.pk for p in picked}
    return ([{"person": p, "checked": True} for p in picked]
            + [{"person": p, "checked": False} for p in results if p.pk not in seen])


def take_query(form, request) -> None:
    """The no-JavaScript search: hand ``<field>_q`` of a GET request to each picker of ``form``."""
    for name, field in form.fields.items():
        if isinstance(field.widget, PersonPicker):
            field.widget.query = request.GET.get(f"{name}_q", "")


def picker_results(request, queryset, *, name: str, multiple: bool = False):
    """htmx: the results of a picker's search among ``queryset`` (what the user may pick), the people already
    picked first (sent back by the picker, kept only if they are in ``queryset``)."""
    query = request.GET.get(f"{name}_q", "")
    kept = [v for v in request.GET.getlist(name) if v.isdigit()]
    picked = with_homes(list(queryset.filter(pk__in=kept))) if kept else []
    results = search(queryset, query)
    return render(request, "people/_picker_results.html", {"picker": {
        "name": name, "multiple": multiple, "q": query, "rows": _rows(picked, results), "searched": bool(query)}})
