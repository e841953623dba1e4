"""Sortable tables, on the server: a click on a column header reloads the page sorted by it.

A view declares the columns its table may be sorted by, each with the ``ORDER BY`` fields of
its ascending order, and the default (usually the order its selector already uses)::

    sorting = Sorting(
        request.GET,
        [Column("title", "number"), Column("date", "starts_at")],
        default="-date",
    )
    meetings = sorting.apply(Meeting.objects.filter(body=body))

``?sort=date`` sorts ascending, ``?sort=-date`` descending. Anything else — an unknown
column, a field name, a lookup such as ``-user__password`` — is ignored and the default used:
user input never reaches ``order_by``. A table-wide tie-breaker (``pk`` unless told) keeps the
order stable across pages. Lists already in memory (figures aggregated per agency) are sorted
with :meth:`Sorting.sort_list` by the same declarations, read as attribute names.

Templates draw the headers with ``{% load sorting %}{% sortable_th sorting "date" _("تاریخ") %}``:
a link that keeps the other query parameters (filters, search), drops the page number and
sets the sort, the current direction as ▲/▼, and ``aria-sort`` for screen readers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.db.models import Case, Expression, F, IntegerField, OrderBy, QuerySet, Value, When
from django.http import QueryDict

from egov_portal.text.persian import persian_sort_key

SORT_PARAM = "sort"
PAGE_PARAM = "page"

ASCENDING = "ascending"
DESCENDING = "descending"
NONE = "none"

OrderItem = str | Expression


@dataclass(frozen=True, init=False)
class Column:
    """A sortable column: its key in the URL and the fields of its ascending order.

    ``descending_first``: the first click sorts descending (counts, "most first")."""

    key: str
    order: tuple[OrderItem, ...]
    descending_first: bool

    def __init__(self, key: str, *order: OrderItem, descending_first: bool = False):
        if not key or key.startswith("-") or not order:
            raise ValueError(f"a sortable column needs a key and an order: {key!r}")
        object.__setattr__(self, "key", key)
        object.__setattr__(self, "order", tuple(order))
        object.__setattr__(self, "descending_first", descending_first)


def choice_rank(field: str, choices: Iterable) -> Case:
    """An ORDER BY expression that ranks ``field`` in the declared order of its choices
    (a workflow's states in workflow order, rather than by their stored codes)."""
    values = [value for value, _label in getattr(choices, "choices", choices)]
    return Case(
        *(When(**{field: value}, then=Value(rank)) for rank, value in enumerate(values)),
        default=Value(len(values)),
        output_field=IntegerField(),
    )


def _reverse(item: OrderItem) -> OrderItem:
    """The descending form of one ORDER BY item. Explicit NULLS FIRST/LAST are kept, so rows
    without a value stay where the column put them (e.g. «بدون مهلت» last both ways)."""
    if isinstance(item, str):
        return item[1:] if item.startswith("-") else f"-{item}"
    if isinstance(item, OrderBy):
        return OrderBy(
            item.expression,
            descending=not item.descending,
            nulls_first=item.nulls_first or None,
            nulls_last=item.nulls_last or None,
        )
    return item.desc()


def _field_name(item: OrderItem) -> str | None:
    if isinstance(item, str):
        return item.lstrip("-")
    expression = item.expression if isinstance(item, OrderBy) else item
    return expression.name if isinstance(expression, F) else None


@dataclass(frozen=True)
class Header:
    """What a template needs for one column header."""

    key: str
    url: str  # "?…" keeping the other parameters, without the page number
    direction: str | None  # ASCENDING, DESCENDING or None when not sorted by this column
    next_direction: str  # what a click sorts by

    @property
    def aria_sort(self) -> str:
        return self.direction or NONE

    @property
    def active(self) -> bool:
        return self.direction is not None

    @property
    def arrow(self) -> str:
        return {ASCENDING: "▲", DESCENDING: "▼"}.get(self.direction or "", "")


class Sorting:
    """The sort a request asked for, checked against the columns a view declares.

    ``default`` is a column key, ``-`` for descending (``"-date"``), or None to leave the
    queryset in the order its selector gave it. ``param`` lets a page with two tables sort
    each on its own (``?agency_sort=…&body_sort=…``)."""

    def __init__(
        self,
        query: QueryDict | Mapping[str, Any],
        columns: Sequence[Column],
        *,
        default: str | None = None,
        tiebreak: Sequence[OrderItem] = ("pk",),
        param: str = SORT_PARAM,
    ):
        self.columns = {column.key: column for column in columns}
        if len(self.columns) != len(columns):
            raise ValueError("two sortable columns share a key")
        self.tiebreak = tuple(tiebreak)
        self.param = param
        if not isinstance(query, QueryDict):
            plain, query = query, QueryDict(mutable=True)
            for name, value in plain.items():
                query.setlist(name, list(value) if isinstance(value, list | tuple) else [value])
        self._query = query
        if default is not None:
            default_key, _ = self._parse(default)
            if default_key is None:
                raise ValueError(f"the default sort {default!r} is not a declared column")
        self.default = default
        key, descending = self._parse(str(query.get(param, "")).strip())
        self.explicit = key is not None
        if key is None and default is not None:
            key, descending = self._parse(default)
        self.key: str | None = key
        self.descending: bool = descending

    def _parse(self, value: str) -> tuple[str | None, bool]:
        descending = value.startswith("-")
        key = value[1:] if descending else value
        if key in self.columns:
            return key, descending
        return None, False

    # --- the order ------------------------------------------------------------------------

    @property
    def value(self) -> str:
        """The valid sort the request asked for, as it appears in the URL ("" if none)."""
        if not self.explicit or self.key is None:
            return ""
        return f"-{self.key}" if self.descending else self.key

    @property
    def direction(self) -> str | None:
        if self.key is None:
            return None
        return DESCENDING if self.descending else ASCENDING

    @property
    def order_by(self) -> tuple[OrderItem, ...] | None:
        """The ORDER BY of the resolved sort with the tie-breaker, or None (keep the
        selector's order)."""
        if self.key is None:
            return None
        order = self.columns[self.key].order
        if self.descending:
            order = tuple(_reverse(item) for item in order)
        named = {_field_name(item) for item in order} - {None}
        return order + tuple(item for item in self.tiebreak if _field_name(item) not in named)

    def apply(self, queryset: QuerySet) -> QuerySet:
        order = self.order_by
        return queryset if order is None else queryset.order_by(*order)

    def sort_list(self, items: Iterable) -> list:
        """Items already in memory, sorted by the column's order read as attribute paths
        (``"agency__name"`` → ``item.agency.name``); None always last; stable, so ties keep
        the order the items came in (the tie-breaker is not used)."""
        items = list(items)
        if self.key is None:
            return items
        for item in reversed(self.columns[self.key].order):
            if not isinstance(item, str):
                raise TypeError("sort_list needs a column ordered by attribute names")
            descending = item.startswith("-") != self.descending
            path = item.lstrip("-").split("__")

            def read(obj, path=path):
                for name in path:
                    obj = getattr(obj, name, None)
                # Text in Persian dictionary order, not code-point order.
                return persian_sort_key(obj) if isinstance(obj, str) else obj

            if descending:
                items.sort(key=lambda o, read=read: (read(o) is not None, read(o)), reverse=True)
            else:
                items.sort(key=lambda o, read=read: (read(o) is None, read(o)))
        return items

    # --- the headers ------------------------------------------------------------------------

    def url_for(self, value: str) -> str:
        """A query string that sorts by ``value`` and keeps every other parameter except
        the page number (a new order starts on the first page)."""
        params = self._query.copy()
        params.setlist(self.param, [value])
        params.pop(PAGE_PARAM, None)
        return "?" + params.urlencode()

    @property
    def reset_url(self) -> str:
        """The page in its default order, keeping the other parameters (first page)."""
        params = self._query.copy()
        params.pop(self.param, None)
        params.pop(PAGE_PARAM, None)
        return "?" + params.urlencode()

    def header(self, key: str) -> Header:
        column = self.columns[key]
        if key == self.key:
            direction = self.direction
            next_descending = not self.descending
        else:
            direction = None
            next_descending = column.descending_first
        return Header(
            key=key,
            url=self.url_for(f"-{key}" if next_descending else key),
            direction=direction,
            next_direction=DESCENDING if next_descending else ASCENDING,
        )

    @property
    def headers(self) -> dict[str, Header]:
        return {key: self.header(key) for key in self.columns}

    def __repr__(self) -> str:
        return f"<Sorting {self.param}={self.value or '(default)'} → {self.key}>"


def sort_fields(*sortings: Sorting | Sequence[Sorting] | None) -> list[tuple[str, str]]:
    """``(param, value)`` of the explicit sorts among ``sortings`` (lists are flattened, None
    and other values skipped): the hidden inputs of a GET filter form, so filtering keeps
    the order."""
    fields = []
    for item in sortings:
        if isinstance(item, Sorting):
            if item.value:
                fields.append((item.param, item.value))
        elif isinstance(item, list | tuple):
            fields.extend(sort_fields(*item))
    return fields


def sort_query(*sortings: Sorting | Sequence[Sorting] | None) -> str:
    """The query string "?sort=…" with only the explicit sorts of ``sortings`` ("" when none):
    for the link that clears a page's filters but keeps its order."""
    fields = sort_fields(*sortings)
    return "?" + urlencode(fields) if fields else ""
