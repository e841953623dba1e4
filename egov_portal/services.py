"""Cross-cutting writes."""

from __future__ import annotations

from django.db.models import F

from egov_portal.models import PageCounter


def page_view_record(*, key: str) -> int:
    """Count one view of the page ``key`` and return the new total.

    The increment is a single UPDATE, so concurrent views are never lost; the row is
    created on the first view of a page that has none.
    """
    if not PageCounter.objects.filter(key=key).update(views=F("views") + 1):
        PageCounter.objects.get_or_create(key=key)
        PageCounter.objects.filter(key=key).update(views=F("views") + 1)
    return PageCounter.objects.values_list("views", flat=True).get(key=key)
