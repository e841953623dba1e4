"""The committees' panels of the user's desk (/me/): minutes awaiting the chair's approval,
and for the governor's office the recently approved minutes and the coming meetings."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q
from django.utils import timezone

from committees.desk import Panel, register_panel
from committees.models import AttendanceStatus, Meeting, MeetingState
from committees.permissions import reads_every_body
from committees.selectors.structure import chaired_body_ids

RECENT_MINUTES = 5
COMING_MEETINGS = 8
ATTENDED = (AttendanceStatus.PRESENT, AttendanceStatus.SUBSTITUTE)


@register_panel
def chair_approvals(user, on_date: datetime.date) -> Panel | None:
    """Minutes in review in the bodies the user chairs: who has answered, by when."""
    body_ids = chaired_body_ids(user)
    if not body_ids:
        return None
    meetings = _in_review(Meeting.objects.filter(body_id__in=body_ids))
    return Panel("committees/desk/chair_approvals.html", {"meetings": meetings}, order=10)


def _in_review(meetings) -> list[Meeting]:
    """Meetings whose draft minutes are with the attendees, with how many attended and how
    many have answered (one query)."""
    return list(
        meetings.filter(state=MeetingState.IN_REVIEW)
        .select_related("body", "minutes")
        .annotate(
            attendees=Count(
                "invitations", filter=Q(invitations__attendance__in=ATTENDED), distinct=True
            ),
            answered=Count("minutes__reviews", distinct=True),
        )
        .order_by("minutes__review_deadline", "pk")
    )


@register_panel
def governor_office(user, on_date: datetime.date) -> Panel | None:
    """The governor's office reads everything: the minutes awaiting a chair's approval, the
    newest approved minutes (with their PDF) and the meetings coming up in every body."""
    if not reads_every_body(user):
        return None
    approved = list(
        Meeting.objects.filter(state=MeetingState.APPROVED)
        .select_related("body", "minutes")
        .order_by("-minutes__approved_at", "-pk")[:RECENT_MINUTES]
    )
    coming = list(
        Meeting.objects.filter(
            state__in=[MeetingState.SCHEDULED, MeetingState.POSTPONED],
            starts_at__gte=timezone.now() - datetime.timedelta(hours=6),
        )
        .select_related("body")
        .order_by("starts_at", "pk")[:COMING_MEETINGS]
    )
    return Panel(
        "committees/desk/governor_office.html",
        {"awaiting": _in_review(Meeting.objects.all()), "approved": approved, "coming": coming},
        order=20,
    )
