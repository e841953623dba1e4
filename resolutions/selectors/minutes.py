"""Reads about resolutions and the verification of approved minutes."""

from __future__ import annotations

from dataclasses import dataclass

from committees.models import Meeting, MeetingState, Minutes
from resolutions.models import Resolution
from resolutions.services.minutes import fingerprint_of, minutes_canonical


def meeting_resolutions(meeting: Meeting) -> list[Resolution]:
    """A meeting's resolutions in abjad order with their addressees (two queries)."""
    return list(
        meeting.resolutions.select_related("agenda_item", "amends__meeting__body")
        .prefetch_related("addressees__agency", "amended_by__meeting__body")
        .order_by("order", "pk")
    )


@dataclass(frozen=True)
class Verification:
    fingerprint: str
    minutes: Minutes | None
    genuine: bool

    @property
    def found(self) -> bool:
        return self.minutes is not None

    @property
    def meeting(self) -> Meeting | None:
        return self.minutes.meeting if self.minutes else None


def minutes_verify(fingerprint: str) -> Verification:
    """Find approved minutes by their fingerprint and check that the records in the
    database still hash to it (a row changed behind the portal's back shows up here)."""
    value = (fingerprint or "").strip().lower()
    if len(value) != 64 or any(c not in "0123456789abcdef" for c in value):
        return Verification(value, None, False)
    minutes = (
        Minutes.objects.select_related("meeting__body")
        .filter(fingerprint=value, meeting__state=MeetingState.APPROVED)
        .first()
    )
    if minutes is None:
        return Verification(value, None, False)
    genuine = fingerprint_of(minutes_canonical(minutes.meeting)) == value
    return Verification(value, minutes, genuine)
