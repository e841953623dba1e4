"""Reads for the register of resolutions and the public page of resolutions: who sees which,
the filters, the search and each resolution's directive status."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from committees.models import Body, MeetingState
from committees.permissions import secretariat_body_ids
from committees.selectors.calendar import readable_body_ids
from egov_portal.text.persian import normalize_for_search
from resolutions.models import OPEN_STATES, Directive, Resolution, overdue_q
from resolutions.permissions import reads_everything
from resolutions.selectors.dashboard import Figures, _counts

# --- the register and the public page -------------------------------------------------------

# Spelling-insensitive search compares normalised text in Python over at most this many of
# the most recent resolutions that pass the other filters; exact (case-insensitive) matches
# are found by the database among all of them.
SEARCH_WINDOW = 500


def approved_resolutions() -> QuerySet[Resolution]:
    return Resolution.objects.filter(meeting__state=MeetingState.APPROVED)


def records_of_own_bodies(user, body_field: str, *, on_date: datetime.date | None = None) -> Q:
    """Rows whose ``body_field`` is a body ``user`` reads the records of on ``on_date``
    (a seat he holds, the chair, a reading grant) or runs the secretariat of: the register's
    and the search's rule for resolutions beyond the public ones."""
    readable = readable_body_ids(user, on_date=on_date or timezone.localdate())
    return Q(**{f"{body_field}__in": readable}) | Q(
        **{f"{body_field}__in": secretariat_body_ids(user)}
    )


def register_resolutions(user) -> QuerySet[Resolution]:
    """Resolutions of approved minutes ``user`` may list: all of them for the governor's
    office and administrators; those of the bodies whose records he reads (a seat he holds
    today, the chair, a reading grant) or whose secretariat he is; and public ones. The
    same rule as the search."""
    qs = approved_resolutions()
    if not user.is_authenticated:
        return qs.none()
    if reads_everything(user):
        return qs
    return qs.filter(Q(is_public=True) | records_of_own_bodies(user, "meeting__body_id"))


def register_bodies(user) -> QuerySet[Body]:
    """The bodies the register offers as a filter: those whose resolutions ``user`` may
    list by :func:`register_resolutions`'s rule, and every public body (public resolutions
    are listed for all). Whether a body has passed a resolution yet is not asked: that
    would read every resolution of every year."""
    if not user.is_authenticated:
        return Body.objects.none()
    if reads_everything(user):
        return Body.objects.all()
    return Body.objects.filter(Q(is_public=True) | records_of_own_bodies(user, "pk"))


def public_resolutions() -> QuerySet[Resolution]:
    return approved_resolutions().filter(is_public=True)


@dataclass(frozen=True)
class RegisterFilters:
    body: Body | None = None
    kind: str = ""
    date_from: datetime.date | None = None  # Gregorian, inclusive (date of the meeting)
    date_to: datetime.date | None = None
    public: bool | None = None
    query: str = ""


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def filter_resolutions(
    resolutions: QuerySet[Resolution], filters: RegisterFilters
) -> QuerySet[Resolution]:
    qs = resolutions
    if filters.body is not None:
        qs = qs.filter(meeting__body=filters.body)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.date_from is not None:
        qs = qs.filter(meeting__starts_at__gte=_day_start(filters.date_from))
    if filters.date_to is not None:
        next_day = filters.date_to + datetime.timedelta(days=1)
        qs = qs.filter(meeting__starts_at__lt=_day_start(next_day))
    if filters.public is not None:
        qs = qs.filter(is_public=filters.public)
    return search_resolutions(qs, filters.query)


def _newest_first(qs: QuerySet[Resolution]) -> QuerySet[Resolution]:
    return qs.order_by("-meeting__starts_at", "-meeting_id", "order", "pk")


def search_resolutions(qs: QuerySet[Resolution], query: str) -> QuerySet[Resolution]:
    """Resolutions whose text contains ``query`` however it is spelled (ي/ی, ك/ک, ZWNJ,
    spaces, digits): the database finds exact matches among all of them, and Persian-
    normalised matches are found in Python among the ``SEARCH_WINDOW`` most recent (one
    query)."""
    needle = normalize_for_search(query or "")
    if not needle:
        return qs
    window = _newest_first(qs).values_list("pk", "text")[:SEARCH_WINDOW]
    matched = [pk for pk, text in window if needle in normalize_for_search(text)]
    return qs.filter(Q(text__icontains=query.strip()) | Q(pk__in=matched))


def resolution_page_rows(qs: QuerySet[Resolution]) -> QuerySet[Resolution]:
    return _newest_first(qs).select_related("meeting__body")


def _directive_count(condition: Q) -> Coalesce:
    """How many of a resolution's directives meet ``condition``, as an expression of the
    resolution's row (a correlated subquery: sorting by it costs no extra query)."""
    counted = (
        Directive.objects.filter(condition, resolution=OuterRef("pk"))
        .order_by()
        .values("resolution")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def register_status_order(*, today: datetime.date) -> tuple:
    """The register's «وضعیت ابلاغ‌ها» column in ascending order: fewest overdue directives
    first, then fewest still open (descending puts the most behind first)."""
    return (_directive_count(overdue_q(today)), _directive_count(Q(state__in=OPEN_STATES)))


def resolution_status(resolution_ids: list[int], *, today: datetime.date | None = None):
    """``{resolution id: Figures}`` of the directives of these resolutions (one query)."""
    if not resolution_ids:
        return {}
    today = today or timezone.localdate()
    rows = (
        Directive.objects.filter(resolution_id__in=resolution_ids)
        .order_by()
        .values("resolution_id")
        .annotate(**_counts(today))
    )
    return {r["resolution_id"]: Figures(key=r["resolution_id"], **_pick(r)) for r in rows}


def _pick(row: dict) -> dict:
    return {c: row[c] for c in Figures.COUNTS}


def attach_status(resolutions, *, today: datetime.date | None = None) -> list[Resolution]:
    """The page's resolutions, each with ``status`` (its directives' figures)."""
    items = list(resolutions)
    status = resolution_status([r.pk for r in items], today=today)
    for item in items:
        item.status = status.get(item.pk) or Figures(key=item.pk)
    return items
