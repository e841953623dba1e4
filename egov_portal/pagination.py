"""A paginator whose count is kept between requests.

Counting every row a user may list (every resolution of ten years, say) costs as much as
the rows grow; the page itself reads only its 25. The count is kept in the cache under the
data's version (``egov_portal.page_cache.kept``): any write of the portal's data ends it
once it commits, and ``USER_SCOPE_CACHE_SECONDS`` bounds it (0: counted every time).
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


def list_key(name: str, request) -> tuple:
    """What makes one user's count of the list ``name`` differ from another's: the user,
    the day (what is visible can depend on it) and the filters in the query string."""
    filters = sorted(
        (key, value)
        for key, values in request.GET.lists()
        if key not in NOT_FILTERS
        for value in values
    )
    digest = hashlib.sha256(repr(filters).encode()).hexdigest()[:32]
    return (name, request.user.pk, timezone.localdate().isoformat(), digest)


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
