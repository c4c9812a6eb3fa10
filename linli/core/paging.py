"""Long lists without ``COUNT(*)``: pages and API lists that fetch one row more than they show.

Counting everything a street office may see (hundreds of thousands of work orders) costs far more than showing
thirty of them, and the exact total of a long list helps nobody. So:

* ``capped_count(qs, cap)`` counts at most ``cap + 1`` rows — a tab shows "999+" instead of reading them all
  (``capped_counts`` does several in one statement);
* ``Pager`` (pages) fetches ``per_page + 1`` rows to know whether a next page follows. The total is known, for
  free, only on the last page (``paginator.count`` is ``None`` before it);
* ``NextLinkPagination`` (API) keeps ``?limit=`` and ``?offset=`` but answers ``{"next", "previous", "results"}``
  (the shape of DRF's cursor pagination), without ``count``.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import EmptyResultSet
from django.db import connections
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param


def capped_count(queryset, cap: int) -> int:
    """The number of rows, but never more than ``cap + 1``: a result above ``cap`` means "more than cap"."""
    if isinstance(queryset, Sequence):
        return min(len(queryset), cap + 1)
    return queryset.order_by()[: cap + 1].count()


def capped_counts(querysets: dict, cap: int) -> dict:
    """``capped_count`` of several querysets of one database, in one statement (one round trip, not one each)."""
    keys, parts, params, counts = [], [], [], {}
    for key, qs in querysets.items():
        try:
            sql, p = qs.order_by().values("pk")[: cap + 1].query.get_compiler(using=qs.db).as_sql()
        except EmptyResultSet:
            counts[key] = 0
            continue
        keys.append(key)
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS c{len(parts)})")
        params.extend(p)
    if parts:
        with connections[next(iter(querysets.values())).db].cursor() as cursor:
            cursor.execute("SELECT " + ", ".join(parts), params)
            counts.update(zip(keys, cursor.fetchone(), strict=True))
    return {key: counts[key] for key in querysets}


class Pager:
    """Pages of a queryset by number (``?page=``) without counting it; a drop-in for the parts of Django's
    ``Paginator`` that pages and ``workorders/_pager.html`` use."""

    def __init__(self, object_list, per_page: int):
        self.object_list = object_list
        self.per_page = per_page
        self.count: int | None = None  # known once the last page has been read
        self.num_pages: int | None = None

    def get_page(self, number) -> PagerPage:
        try:
            number = max(int(number), 1)
        except (TypeError, ValueError):
            number = 1
        start = (number - 1) * self.per_page
        rows = list(self.object_list[start: start + self.per_page + 1])
        has_next = len(rows) > self.per_page
        rows = rows[: self.per_page]
        if not has_next and (rows or number == 1):
            self.count, self.num_pages = start + len(rows), number
        return PagerPage(rows, number, self, has_next)


class PagerPage(Sequence):
    """One page of a ``Pager``: its rows, its number, and whether pages come before and after it."""

    def __init__(self, object_list: list, number: int, paginator: Pager, has_next: bool):
        self.object_list = object_list
        self.number = number
        self.paginator = paginator
        self._has_next = has_next

    def __repr__(self):
        return f"<Page {self.number}>"

    def __len__(self):
        return len(self.object_list)

    def __getitem__(self, index):
        return self.object_list[index]

    def has_next(self) -> bool:
        return self._has_next

    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_next() or self.has_previous()

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1

    def start_index(self) -> int:
        """1-based index of the first row on this page (0 for an empty page)."""
        return (self.number - 1) * self.paginator.per_page + 1 if self.object_list else 0

    def end_index(self) -> int:
        return (self.number - 1) * self.paginator.per_page + len(self.object_list)


class BoundedLimitOffsetPagination(LimitOffsetPagination):
    """DRF's ``?limit=&offset=`` with bounds, the API's default: ``limit`` at most ``max_limit`` (DRF has none, and
    ``?limit=10**30`` reached the database as a number SQLite cannot hold: a 500), ``offset`` at most
    ``MAX_OFFSET`` (past the last row a page is empty anyway). The schema states both."""

    max_limit = 1000
    MAX_OFFSET = 2**62

    def get_offset(self, request):
        return min(super().get_offset(request), self.MAX_OFFSET)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.limit_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_limit)
            elif parameter["name"] == self.offset_query_param:
                parameter["schema"].update(minimum=0, maximum=self.MAX_OFFSET)
        return parameters


class NextLinkPagination(BoundedLimitOffsetPagination):
    """``?limit=`` (default ``PAGE_SIZE``, at most ``max_limit``) and ``?offset=``, answered as
    ``{"next": url | null, "previous": url | null, "results": [...]}``: no ``count``, so a long list costs what its
    page costs. Follow ``next`` until it is ``null``."""

    max_limit = 1000
    template = "rest_framework/pagination/previous_and_next.html"

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.limit = self.get_limit(request)
        if self.limit is None:
            return None
        self.offset = self.get_offset(request)
        rows = list(queryset[self.offset: self.offset + self.limit + 1])
        self.has_next = len(rows) > self.limit
        self.display_page_controls = self.has_next or self.offset > 0
        return rows[: self.limit]

    def get_paginated_response(self, data):
        return Response({"next": self.get_next_link(), "previous": self.get_previous_link(), "results": data})

    def get_paginated_response_schema(self, schema):
        full = super().get_paginated_response_schema(schema)
        del full["properties"]["count"]
        full["required"] = ["results"]
        return full

    def get_next_link(self):
        if not self.has_next:
            return None
        url = replace_query_param(self.request.build_absolute_uri(), self.limit_query_param, self.limit)
        return replace_query_param(url, self.offset_query_param, self.offset + self.limit)

    def get_html_context(self):
        return {"previous_url": self.get_previous_link(), "next_url": self.get_next_link()}
