"""Reads about resolutions and the verification of approved minutes."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from committees.models import Meeting, MeetingState, Minutes
from resolutions.documents.minutes import fingerprint_of
from resolutions.models import Resolution


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

    @property
    def snapshot(self) -> dict:
        """What the minutes print, as frozen at approval (what the page shows of them)."""
        return self.minutes.snapshot if self.minutes else {}

    @property
    def earlier_copy(self) -> bool:
        """The fingerprint is that of a copy printed before the minutes had a snapshot."""
        return self.found and self.fingerprint != self.minutes.fingerprint


def minutes_intact(minutes: Minutes) -> bool:
    """Whether approved minutes' snapshot still hashes to their fingerprint: a snapshot
    changed behind the portal's back shows up here. Only the snapshot counts; the live
    records it was taken from may be renamed since (that is what the snapshot is for)."""
    return bool(minutes.snapshot) and fingerprint_of(minutes.snapshot) == minutes.fingerprint


def minutes_verify(fingerprint: str) -> Verification:
    """Find approved minutes by their fingerprint (or by the fingerprint printed on their
    copies before they had a snapshot) and check their snapshot against it (one query)."""
    value = (fingerprint or "").strip().lower()
    if len(value) != 64 or any(c not in "0123456789abcdef" for c in value):
        return Verification(value, None, False)
    minutes = (
        Minutes.objects.filter(Q(fingerprint=value) | Q(previous_fingerprint=value))
        .filter(meeting__state=MeetingState.APPROVED)
        .first()
    )
    if minutes is None:
        return Verification(value, None, False)
    return Verification(value, minutes, minutes_intact(minutes))
