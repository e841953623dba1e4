"""Reads about meetings: a user's invitations, the quorum preview and everything the
meeting page shows (with the actions the state table allows)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from committees import rules
from committees.models import (
    AgendaItem,
    AttendanceStatus,
    Invitation,
    Meeting,
    MeetingState,
    Seat,
)
from committees.selectors import structure  # module: structure imports this one
from egov_portal.models import NoticeKind
from egov_portal.notifications.services import email_now
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


def invitees_on(meeting: Meeting) -> list[tuple[Seat, Person]]:
    """Every person holding a seat of the meeting's body on the meeting date."""
    on_date = timezone.localtime(meeting.starts_at).date()
    states = structure.seat_states_on(seats=list(structure.seats_of(meeting.body)), on_date=on_date)
    pairs, seen = [], set()
    for state in states:
        for holder in state.holders:
            if holder.person.pk not in seen:
                seen.add(holder.person.pk)
                pairs.append((state.seat, holder.person))
    return pairs


@dataclass(frozen=True)
class Recipient:
    """One person ``meeting_schedule`` invites: his seat, his invitation (when he already has
    one, from before a postponement) and how the invitation reaches him."""

    seat: Seat | None
    person: Person
    invitation: Invitation | None
    seated: bool = True  # holds a seat on the meeting date

    @property
    def email(self) -> str:
        return self.person.email

    @property
    def has_account(self) -> bool:
        return self.person.user_id is not None

    @property
    def gets_email(self) -> bool:
        """Mirrors ``committees.notifications.meeting_notice_deliver``."""
        user = self.person.user
        return bool(self.person.email) and (user is None or email_now(user, NoticeKind.MEETING))


def schedule_recipients(*, meeting: Meeting) -> list[Recipient]:
    """Who ``meeting_schedule`` invites, in seat order: every seat holder on the meeting date,
    then anyone already invited (before a postponement) who no longer holds a seat — the
    service notifies every invitation of the meeting. The preview page and the service both
    read this list, so what the secretary confirms is what is sent. Guests (مهمانان) are
    recorded with the attendance and get no invitation."""
    pairs = invitees_on(meeting)
    existing = {i.person_id: i for i in meeting.invitations.select_related("seat").order_by("pk")}
    people = {
        p.pk: p
        for p in Person.objects.filter(
            pk__in={person.pk for _seat, person in pairs} | set(existing)
        ).select_related("user__notification_preference")
    }
    rows = [Recipient(seat, people[person.pk], existing.get(person.pk)) for seat, person in pairs]
    seated = {person.pk for _seat, person in pairs}
    rows += [
        Recipient(invitation.seat, people[person_id], invitation, seated=False)
        for person_id, invitation in existing.items()
        if person_id not in seated
    ]
    return rows


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


def removed_rows(*, meeting, manages: bool) -> dict:
    """The agenda items and resolutions removed from the meeting that its secretariat may
    still restore (newest first): two queries, none for others."""
    state = meeting.state
    agenda = resolutions = []
    if manages and rules.allows("agenda_restore", state):
        agenda = list(
            AgendaItem.all_objects.filter(meeting=meeting, removed_at__isnull=False).order_by(
                "-removed_at", "-pk"
            )
        )
    if manages and rules.allows("resolutions_edit", state):
        # The resolutions app is above this one: its model is reached through the relation.
        resolutions = list(
            meeting.resolutions.model.all_objects.filter(
                meeting=meeting, removed_at__isnull=False
            ).order_by("-removed_at", "-pk")
        )
    return {"removed_agenda": agenda, "removed_resolutions": resolutions}


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
    can_approve = access.chair and rules.allows("minutes_approve", state)
    return {
        **removed_rows(meeting=meeting, manages=manages),
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
        "can_approve": can_approve,
        "approval_concerns": rules.minutes_approval_concerns(meeting) if can_approve else [],
        "can_schedule": manages and rules.allows("schedule", state),
        "can_postpone": manages and rules.allows("postpone", state),
        "can_cancel": manages and rules.allows("cancel", state),
        "can_edit_agenda": manages and rules.allows("agenda_edit", state),
        "can_delete_agenda": manages and rules.allows("agenda_delete", state),
        "can_record_attendance": manages and rules.allows("attendance", state),
        "can_write_minutes": manages and rules.allows("minutes_write", state),
        "can_add_resolution": manages
        and rules.allows("resolutions_edit", state)
        and meeting.quorum_met is not False,
        "has_minutes_document": state
        in {MeetingState.HELD, MeetingState.IN_REVIEW, MeetingState.APPROVED},
    }
