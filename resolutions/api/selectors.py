"""Reads of the API: an agency's directives and the meetings its seats are invited to.
Each list is one query for its page however many rows (plus one for the page's invitations)."""

from __future__ import annotations

import datetime

from django.db.models import BooleanField, Case, Prefetch, Q, QuerySet, Value, When

from committees.models import Invitation, Meeting, MeetingState
from resolutions.models import Directive, overdue_q


def agency_directives(*, agency_id: int, today: datetime.date) -> QuerySet[Directive]:
    """The directives addressed to the agency, oldest change first (a client that keeps
    the last ``modified_at`` it saw asks with ``modified_since`` for what changed)."""
    return (
        Directive.objects.filter(agency_id=agency_id)
        .select_related("body", "resolution")
        .annotate(
            overdue=Case(
                When(overdue_q(today), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .order_by("updated_at", "pk")
    )


def agency_directive_detail(*, agency_id: int, today: datetime.date) -> QuerySet[Directive]:
    """:func:`agency_directives` with what the directive's own resource shows."""
    return (
        agency_directives(agency_id=agency_id, today=today)
        .select_related("body__legal_basis", "resolution__meeting")
        .prefetch_related("reports__evidence", "events")
    )


def _invites_agency(agency_id: int) -> Q:
    """An invitation that concerns the agency: to its representative's seat, to a seat
    that goes with one of its posts, or to one of its people (a nominated member)."""
    return (
        Q(seat__agency_id=agency_id)
        | Q(seat__position__agency_id=agency_id)
        | Q(person__agency_id=agency_id)
    )


def agency_meetings(*, agency_id: int) -> QuerySet[Meeting]:
    """The meetings (drafts excluded) with an invitation that concerns the agency, newest
    first, each with those invitations in ``agency_invitations``."""
    invitations = Invitation.objects.filter(_invites_agency(agency_id)).select_related(
        "seat", "person"
    )
    return (
        Meeting.objects.exclude(state=MeetingState.DRAFT)
        .filter(pk__in=Invitation.objects.filter(_invites_agency(agency_id)).values("meeting_id"))
        .select_related("body")
        .prefetch_related(
            Prefetch("invitations", queryset=invitations, to_attr="agency_invitations")
        )
        .order_by("-starts_at", "pk")
    )
