"""Cross-cutting writes."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import F
from django.db.models.functions import Greatest

from egov_portal.data.slogans import SLOGANS
from egov_portal.models import PageCounter, Province, Slogan
from egov_portal.upsert import upsert


def page_view_record(*, key: str) -> int:
    """Count one view of the page ``key`` and return the new total.

    With a shared cache (Redis), the count is an atomic ``INCR`` there, seeded from the
    database on the first view after a restart, and written back to the database every
    :data:`COUNTER_FLUSH_EVERY` views (a Redis restart loses fewer than that). Without
    one, the increment is a single UPDATE, so concurrent views are never lost; the row is
    created on the first view of a page that has none.
    """
    if _shared_cache():
        cache_key = f"page-views:{key}"
        count = getattr(cache, "count", None)  # egov_portal.cache: one round trip
        if count is not None:
            views = count(cache_key)
            if views == 1:  # the key was missing (Redis restarted): go on from the database
                stored = PageCounter.objects.filter(key=key).values_list("views", flat=True)
                stored = stored.first()
                if stored:
                    views = cache.incr(cache_key, stored)
        else:
            try:
                views = cache.incr(cache_key)
            except ValueError:
                stored = PageCounter.objects.filter(key=key).values_list("views", flat=True)
                cache.add(cache_key, stored.first() or 0, timeout=None)
                views = cache.incr(cache_key)
        # One UPDATE (no transaction and row lock of update_or_create); the stored count
        # never goes back when two processes' flushes land out of order.
        flushed = views % COUNTER_FLUSH_EVERY != 0 or PageCounter.objects.filter(key=key).update(
            views=Greatest(F("views"), views)
        )
        if not flushed:
            PageCounter.objects.get_or_create(key=key, defaults={"views": views})
        return views
    if not PageCounter.objects.filter(key=key).update(views=F("views") + 1):
        PageCounter.objects.get_or_create(key=key)
        PageCounter.objects.filter(key=key).update(views=F("views") + 1)
    return PageCounter.objects.values_list("views", flat=True).get(key=key)


COUNTER_FLUSH_EVERY = 20


def _shared_cache() -> bool:
    """Whether Django's cache is one every process shares (not per-process memory)."""
    return "locmem" not in settings.CACHES["default"]["BACKEND"]


def rows_renumber(*, rows) -> None:
    """Give ``rows`` (agenda items, resolutions …: models with an ``order`` field) the orders
    1, 2, 3 … in the sequence given, saving only the rows whose order changes."""
    for index, row in enumerate(rows, start=1):
        if row.order != index:
            row.order = index
            row.save(update_fields=["order", "updated_at"])


def rows_reorder(*, rows: dict, ordered_ids: list[int], stale_message: str) -> None:
    """Put ``rows`` (by primary key, locked by the caller) in the order of ``ordered_ids``,
    which must name every row exactly once; otherwise the page was stale: refuse with
    ``stale_message`` and change nothing."""
    if sorted(ordered_ids) != sorted(rows):
        raise ValidationError(stale_message, code="stale_order")
    rows_renumber(rows=[rows[pk] for pk in ordered_ids])


def slogans_load() -> int:
    """Record the known slogans of the years (``egov_portal/data/slogans.py``) that have
    none; a slogan an administrator has edited is kept. Returns how many were added."""
    added = 0
    for year, text in SLOGANS.items():
        _slogan, state = upsert(Slogan, {"year": year}, {}, fill={"text": text})
        added += state == "created"
    return added


def province_load(*, name: str, authority: str) -> bool:
    """Record the province ``name`` with the name of its governorate as letterheads print
    it, unless it is recorded; an administrator's edits (and emblem) are kept. Returns
    whether it was added."""
    _province, state = upsert(Province, {"name": name}, {}, fill={"authority": authority})
    return state == "created"
