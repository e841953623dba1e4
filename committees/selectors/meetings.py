"""Reads about meetings: a user's invitations, the quorum preview and everything the
meeting page shows (with the actions the state table allows)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from committees import rules
from committees.models import AttendanceStatus, Invitation, MeetingState
from members.models import Person
from members.selectors import person_for_user


def user_meetings(*, person: Person | None) -> dict:
    """The person's upcoming meetings (with his answer) and the draft minutes awaiting his
    review: what a member looks for first on his own page."""
    if person is None:
        return {"upcoming": [], "to_review": []}
    now = timezone.now()
    upcoming = list(
        Invitation.objects.filter(
            person=person,
            meeting__state__in=[MeetingState.SCHEDULED, MeetingState.POSTPONED],
            meeting__starts_at__gte=now - datetime.timedelta(hours=6),
        )
        .select_related("meeting__body")
        .prefetch_related("meeting__agenda_items__papers")
        .order_by("meeting__starts_at")[:20]
    )
    to_review = list(
        Invitation.objects.filter(
            person=person,
            meeting__state=MeetingState.IN_REVIEW,
            attendance__in=[AttendanceStatus.PRESENT, AttendanceStatus.SUBSTITUTE],
        )
        .exclude(meeting__minutes__reviews__person=person)
        .select_related("meeting__body", "meeting__minutes")
        .order_by("meeting__minutes__review_deadline")[:20]
    )
    return {"upcoming": upcoming, "to_review": to_review}


# --- meetings ------------------------------------------------------------------------------


def invitation_of(*, user, meeting):
    person = person_for_user(user)
    if person is None:
        return None
    return meeting.invitations.filter(person=person).first()


@dataclass(frozen=True)
class Quorum:
    present: int
    members: int
    required: int

    @property
    def met(self) -> bool:
        return self.present >= self.required


def quorum_preview(*, meeting, invitations) -> Quorum:
    """The quorum as recorded so far (present and substitutes count)."""
    invitations = list(invitations)
    present = sum(1 for i in invitations if i.counts_for_quorum)
    return Quorum(
        present,
        len(invitations),
        rules.quorum_required(body=meeting.body, members=len(invitations)),
    )


def _order_moves(rows) -> list[tuple[object, str, str]]:
    """Each row with the comma-separated id order that moving it up or down would give."""
    ids = [r.pk for r in rows]
    moves = []
    for index, row in enumerate(rows):
        up = down = ""
        if index > 0:
            swapped = ids[:]
            swapped[index - 1], swapped[index] = swapped[index], swapped[index - 1]
            up = ",".join(map(str, swapped))
        if index < len(ids) - 1:
            swapped = ids[:]
            swapped[index + 1], swapped[index] = swapped[index], swapped[index + 1]
            down = ",".join(map(str, swapped))
        moves.append((row, up, down))
    return moves


def meeting_page(*, meeting, user, access) -> dict:
    """Everything the meeting page shows; the meeting comes with its relations prefetched."""
    person = person_for_user(user)
    invitations = list(meeting.invitations.all())
    invitations.sort(key=lambda i: (i.seat.order if i.seat else 999, i.pk))
    mine = next((i for i in invitations if person and i.person_id == person.pk), None)
    attended = bool(
        mine and mine.attendance in {AttendanceStatus.PRESENT, AttendanceStatus.SUBSTITUTE}
    )
    reviews = list(meeting.minutes.reviews.all())
    my_review = next((r for r in reviews if person and r.person_id == person.pk), None)
    agenda = list(meeting.agenda_items.all())
    resolutions = sorted(meeting.resolutions.all(), key=lambda r: (r.order, r.pk))
    state = meeting.state
    manages = access.manages and not meeting.is_frozen
    return {
        "meeting": meeting,
        "minutes": meeting.minutes,
        "access": access,
        "can_manage": manages,
        "agenda": _order_moves(agenda) if manages else [(item, "", "") for item in agenda],
        "invitations": invitations,
        "guests": list(meeting.guests.all()),
        "quorum": quorum_preview(meeting=meeting, invitations=invitations)
        if state not in {MeetingState.DRAFT}
        else None,
        "resolutions": _order_moves(resolutions) if manages else [(r, "", "") for r in resolutions],
        "reviews": reviews,
        "my_invitation": mine,
        "my_review": my_review,
        "can_rsvp": bool(mine) and rules.allows("respond", state),
        "can_check_in": bool(mine) and mine.checked_in_at is None and rules.check_in_open(meeting),
        "can_review": attended and rules.allows("minutes_review", state),
        "can_approve": access.chair and rules.allows("minutes_approve", state),
        "can_schedule": manages and rules.allows("schedule", state),
        "can_postpone": manages and rules.allows("postpone", state),
        "can_cancel": manages and rules.allows("cancel", state),
        "can_edit_agenda": manages and rules.allows("agenda_edit", state),
        "can_record_attendance": manages and rules.allows("attendance", state),
        "can_write_minutes": manages and rules.allows("minutes_write", state),
        "can_add_resolution": manages
        and rules.allows("resolutions_edit", state)
        and meeting.quorum_met is not False,
        "has_minutes_document": state
        in {MeetingState.HELD, MeetingState.IN_REVIEW, MeetingState.APPROVED},
    }
