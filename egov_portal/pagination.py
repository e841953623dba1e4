"""Paginators for long lists whose page must not cost more as the years add rows.

* :class:`KeptCountPaginator`: counting every row a user may list (every resolution of ten
  years, say) costs as much as the rows grow; the page itself reads only its 25. The count
  is kept in the cache under the data's version (``egov_portal.page_cache.kept``): any
  write of the portal's data ends it once it commits, and ``USER_SCOPE_CACHE_SECONDS``
  bounds it (0: counted every time).
* :class:`TwoStepPaginator`: the page is chosen on ids and sort keys, its rows read in
  full after.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.paginator import Paginator
from django.utils import timezone
from django.utils.functional import cached_property

from egov_portal.page_cache import kept

#: Query parameters that page or sort a list without changing how many rows it has.
NOT_FILTERS = frozenset({"page", "sort"})


def list_key(name: str, request, *scope) -> tuple:
    """What makes one user's count of the list ``name`` differ from another's: the user,
    the day (what is visible can depend on it), the filters in the query string, and
    ``scope``: what else decides what he sees and bumps no version when it changes (a
    global permission or a group's)."""
    filters = sorted(
        (key, value)
        for key, values in request.GET.lists()
        if key not in NOT_FILTERS
        for value in values
    )
    digest = hashlib.sha256(repr(filters).encode()).hexdigest()[:32]
    return (name, request.user.pk, *scope, timezone.localdate().isoformat(), digest)


class KeptCountPaginator(Paginator):
    """``Paginator`` with its ``count`` kept under ``count_key`` (see :func:`list_key`)."""

    def __init__(self, object_list, per_page, *, count_key: tuple, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.count_key = count_key

    @cached_property
    def count(self) -> int:
        return kept(
            ("count", *self.count_key),
            lambda: Paginator.count.func(self),
            seconds=settings.USER_SCOPE_CACHE_SECONDS,
        )


class TwoStepPaginator(Paginator):
    """Pages chosen on a lean query, their rows read in full after.

    A page of 25 rows sorted out of thousands used to join every candidate row to its
    relations (``select_related``) before sorting them all. Here the sort runs on the ids
    and the sort keys only; the 25 rows of the page are then read with their relations in
    a second query, in the page's order. The queryset's annotations stay in both.
    """

    def __init__(self, object_list, per_page, **kwargs):
        self.full = object_list
        lean = object_list.select_related(None).prefetch_related(None).only("pk")
        super().__init__(lean, per_page, **kwargs)

    def _get_page(self, object_list, number, paginator):
        ids = [row.pk for row in object_list]
        rows = {row.pk: row for row in self.full.filter(pk__in=ids)} if ids else {}
        return super()._get_page([rows[pk] for pk in ids if pk in rows], number, paginator)
