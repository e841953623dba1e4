"""Reads about agencies, people and posts."""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterable

from django.db.models import Q, QuerySet

from egov_portal.memo import per_user
from egov_portal.text.collation import persian_order
from egov_portal.text.persian import normalize_for_search
from members.models import Agency, AgencyApiToken, Person, Position, PositionHolding


def holdings_on(
    *, position_ids: Iterable[int], on_date: datetime.date
) -> dict[int, PositionHolding]:
    """The holding in force on ``on_date`` for each post that has one (one query)."""
    holdings = (
        PositionHolding.objects.filter(position_id__in=list(position_ids), start_date__lte=on_date)
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=on_date))
        .select_related("person", "person__agency")
    )
    return {holding.position_id: holding for holding in holdings}


def position_holder_on(*, position: Position, on_date: datetime.date) -> Person | None:
    holding = holdings_on(position_ids=[position.pk], on_date=on_date).get(position.pk)
    return holding.person if holding else None


def overlapping_holdings(
    *,
    position: Position,
    start_date: datetime.date,
    end_date: datetime.date | None,
    exclude_pk: int | None = None,
) -> QuerySet[PositionHolding]:
    """Holdings of ``position`` that share a day with [start_date, end_date)."""
    qs = PositionHolding.objects.filter(position=position).filter(
        Q(end_date__isnull=True) | Q(end_date__gt=start_date)
    )
    if end_date is not None:
        qs = qs.filter(start_date__lt=end_date)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return qs.select_related("person")


def agency_list(*, active_only: bool = False) -> QuerySet[Agency]:
    qs = Agency.objects.select_related("parent")
    return qs.filter(is_active=True) if active_only else qs


def agency_positions_with_holders(
    *, agency: Agency, on_date: datetime.date
) -> list[tuple[Position, PositionHolding | None]]:
    """The agency's posts, each with its holding on ``on_date`` (two queries)."""
    positions = list(agency.positions.filter(is_active=True).order_by("title"))
    current = holdings_on(position_ids=[p.pk for p in positions], on_date=on_date)
    return [(position, current.get(position.pk)) for position in positions]


def person_for_user(user) -> Person | None:
    """The person record of a signed-in user (None for a visitor or an account with none);
    computed once per request."""
    if not getattr(user, "is_authenticated", False):
        return None
    return per_user(
        user,
        "person",
        lambda: Person.objects.select_related("agency").filter(user=user).first(),
    )


def person_current_holdings(*, person: Person, on_date: datetime.date) -> QuerySet[PositionHolding]:
    return (
        PositionHolding.objects.filter(person=person, start_date__lte=on_date)
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=on_date))
        .select_related("position", "position__agency")
    )


def agency_search(*, query: str = "") -> QuerySet[Agency]:
    """Agencies whose name matches ``query`` however it is spelled (ی/ک, ZWNJ, digits)."""
    qs = Agency.objects.select_related("parent").order_by("-is_active", persian_order("name"))
    needle = normalize_for_search(query)
    return qs.filter(search_text__contains=needle) if needle else qs


def api_token_hash(secret: str) -> str:
    """What is stored of a key: its SHA-256, hex (the secret itself is never stored)."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def api_token_for_secret(secret: str) -> AgencyApiToken | None:
    """The key whose secret is ``secret`` (revoked and expired ones too), or None."""
    return (
        AgencyApiToken.objects.select_related("agency", "account")
        .filter(key_hash=api_token_hash(secret))
        .first()
    )


def agency_api_tokens(*, agency: Agency) -> QuerySet[AgencyApiToken]:
    return AgencyApiToken.objects.filter(agency=agency).select_related("created_by", "revoked_by")
