"""Writes about meetings: scheduling, postponing and cancelling them, the agenda, invitations
and answers, attendance, and the minutes' draft and review (their approval, which issues
the resolutions as directives, is ``resolutions.services.minutes``)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from committees import rules
from committees.models import (
    RSVP,
    AgendaItem,
    AttendanceStatus,
    Body,
    Guest,
    Invitation,
    Meeting,
    MeetingState,
    Minutes,
    MinutesReview,
    ReviewDecision,
    Seat,
)
from committees.notifications import meeting_notice_send
from committees.selectors.structure import seat_states_on, seats_of
from egov_portal.services import rows_renumber, rows_reorder
from egov_portal.text.jalali import display_datetime
from members.models import Person

# --- meetings ----------------------------------------------------------------------------


def _validate_times(starts_at, ends_at) -> None:
    if ends_at is not None and ends_at <= starts_at:
        raise ValidationError(
            {"ends_at": _("زمان پایان جلسه باید بعد از زمان شروع باشد.")}, code="ends_before_start"
        )


@transaction.atomic
def meeting_create(
    *,
    body: Body,
    starts_at,
    ends_at=None,
    place: str,
    online_link: str = "",
    is_public: bool = False,
    created_by=None,
    confirmed: bool | None = None,
) -> Meeting:
    """A new draft meeting of ``body``, without a number: it gets the next one when it is
    scheduled, so abandoned drafts consume none. With ``confirmed=False`` (the form before
    the user confirmed) a date in the past, on a Friday, a holiday, a closure or a day the
    body already meets is refused, naming the reason (``rules.meeting_date_concerns``)."""
    _validate_times(starts_at, ends_at)
    rules.require_confirmed(rules.meeting_date_concerns(body=body, starts_at=starts_at), confirmed)
    meeting = Meeting.objects.create(
        body=body,
        number=None,
        starts_at=starts_at,
        ends_at=ends_at,
        place=place,
        online_link=online_link,
        is_public=is_public,
        created_by=created_by,
    )
    Minutes.objects.create(meeting=meeting)
    return meeting


@transaction.atomic
def meeting_update(
    *,
    meeting: Meeting,
    starts_at,
    ends_at,
    place: str,
    online_link: str,
    is_public: bool,
    confirmed: bool | None = None,
) -> Meeting:
    """Change when and where; invitees of a scheduled meeting are told of a new time. A new
    time is checked like a new meeting's (``meeting_create``); an unchanged one is not asked
    about again."""
    rules.require(meeting, "edit")
    _validate_times(starts_at, ends_at)
    if starts_at != meeting.starts_at:
        rules.require_confirmed(
            rules.meeting_date_concerns(
                body=meeting.body, starts_at=starts_at, exclude_pk=meeting.pk
            ),
            confirmed,
        )
    moved = meeting.starts_at != starts_at or meeting.place != place
    meeting.starts_at, meeting.ends_at = starts_at, ends_at
    meeting.place, meeting.online_link, meeting.is_public = place, online_link, is_public
    meeting.save()
    if moved and meeting.state == MeetingState.SCHEDULED:
        _notify_invitees(meeting, kind="changed")
    return meeting


def invitees_on(meeting: Meeting) -> list[tuple[Seat, Person]]:
    """Every person holding a seat of the meeting's body on the meeting date."""
    on_date = timezone.localtime(meeting.starts_at).date()
    states = seat_states_on(seats=list(seats_of(meeting.body)), on_date=on_date)
    pairs, seen = [], set()
    for state in states:
        for holder in state.holders:
            if holder.person.pk not in seen:
                seen.add(holder.person.pk)
                pairs.append((state.seat, holder.person))
    return pairs


def _send_notices(invitation_ids: list[int], kind: str) -> None:
    meeting_notice_send(invitation_ids=invitation_ids, kind=kind)


def _notify_invitees(meeting: Meeting, *, kind: str) -> None:
    """E-mail and notify every invitee once the transaction has committed."""
    invitation_ids = list(meeting.invitations.values_list("pk", flat=True))
    transaction.on_commit(lambda: _send_notices(invitation_ids, kind))


@transaction.atomic
def meeting_schedule(*, meeting: Meeting) -> list[Invitation]:
    """Invite every seat holder on the meeting date (a new governor, not the old one) and
    send each an e-mail with a calendar file and a notice in the portal."""
    rules.require(meeting, "schedule")
    if meeting.starts_at <= timezone.now():
        raise ValidationError(
            _("زمان جلسه گذشته است؛ نخست زمان تازه‌ای تعیین کنید."), code="in_past"
        )
    pairs = invitees_on(meeting)
    if not pairs:
        raise ValidationError(
            _("در تاریخ جلسه هیچ جایگاهی از این رکن متصدی ندارد؛ کسی برای دعوت نیست."),
            code="nobody_to_invite",
        )
    if meeting.number is None:
        Body.objects.select_for_update().get(pk=meeting.body_id)  # serialise numbering
        last = Meeting.objects.filter(body_id=meeting.body_id).aggregate(n=Max("number"))["n"]
        meeting.number = (last or 0) + 1
    now = timezone.now()
    existing = {i.person_id: i for i in meeting.invitations.all()}
    invitations = []
    for seat, person in pairs:
        invitation = existing.get(person.pk)
        if invitation is None:
            invitation = Invitation.objects.create(
                meeting=meeting, person=person, seat=seat, sent_at=now
            )
        else:
            invitation.sent_at = now
            invitation.save(update_fields=["sent_at", "updated_at"])
        invitations.append(invitation)
    meeting.state = MeetingState.SCHEDULED
    meeting.state_reason = ""
    meeting.save(update_fields=["number", "state", "state_reason", "updated_at"])
    _notify_invitees(meeting, kind="invitation")
    return invitations


@transaction.atomic
def meeting_delete(*, meeting: Meeting) -> None:
    """Delete a draft that was never scheduled (it has no number and nobody was invited);
    the audit trail records the deletion."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.state != MeetingState.DRAFT or meeting.number is not None:
        raise ValidationError(
            _("فقط پیش‌نویسی که دعوت‌نامه‌اش نرفته است حذف می‌شود؛ جلسه را لغو کنید."),
            code="not_a_draft",
        )
    if meeting.invitations.exists():
        raise ValidationError(
            _("برای این جلسه دعوت‌نامه فرستاده شده است؛ جلسه را لغو کنید."), code="invited"
        )
    stored = [
        (paper.file.storage, paper.file.name)
        for item in meeting.agenda_items.prefetch_related("papers")
        for paper in item.papers.all()
        if paper.file.name
    ]
    meeting.delete()
    for storage, name in stored:
        transaction.on_commit(lambda storage=storage, name=name: storage.delete(name))


@transaction.atomic
def meeting_postpone(*, meeting: Meeting, reason: str, starts_at=None, ends_at=None) -> Meeting:
    """Postpone with a reason; invitees are told. A new time may be given now or later."""
    rules.require(meeting, "postpone")
    if not reason.strip():
        raise ValidationError({"reason": _("علت تعویق را بنویسید.")}, code="reason_required")
    if starts_at is not None:
        _validate_times(starts_at, ends_at)
        meeting.starts_at, meeting.ends_at = starts_at, ends_at
    meeting.state = MeetingState.POSTPONED
    meeting.state_reason = reason.strip()
    meeting.save()
    _notify_invitees(meeting, kind="postponed")
    return meeting


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, reason: str) -> Meeting:
    rules.require(meeting, "cancel")
    if not reason.strip():
        raise ValidationError({"reason": _("علت لغو را بنویسید.")}, code="reason_required")
    meeting.state = MeetingState.CANCELLED
    meeting.state_reason = reason.strip()
    meeting.save(update_fields=["state", "state_reason", "updated_at"])
    _notify_invitees(meeting, kind="cancelled")
    return meeting


# --- agenda ------------------------------------------------------------------------------


@transaction.atomic
def agenda_item_add(
    *, meeting: Meeting, title: str, description: str = "", presenter: str = ""
) -> AgendaItem:
    rules.require(meeting, "agenda_add")
    last = meeting.agenda_items.aggregate(n=Max("order"))["n"] or 0
    return AgendaItem.objects.create(
        meeting=meeting, order=last + 1, title=title, description=description, presenter=presenter
    )


@transaction.atomic
def agenda_item_update(*, item: AgendaItem, **fields) -> AgendaItem:
    rules.require(item.meeting, "agenda_edit")
    for name in ("title", "description", "presenter", "discussion"):
        if name in fields:
            setattr(item, name, fields[name])
    item.save()
    return item


@transaction.atomic
def agenda_item_delete(*, item: AgendaItem) -> None:
    meeting = item.meeting
    rules.require(meeting, "agenda_delete")
    item.delete()
    rows_renumber(rows=list(meeting.agenda_items.order_by("order", "pk")))


@transaction.atomic
def agenda_reorder(*, meeting: Meeting, ordered_ids: list[int]) -> None:
    """Put the agenda in the order of ``ordered_ids`` (every item exactly once)."""
    rules.require(meeting, "agenda_reorder")
    rows_reorder(
        rows={i.pk: i for i in meeting.agenda_items.select_for_update()},
        ordered_ids=ordered_ids,
        stale_message=_("ترتیب فرستاده‌شده با دستورهای این جلسه نمی‌خواند؛ صفحه را تازه کنید."),
    )


# --- answers and attendance ----------------------------------------------------------------


@transaction.atomic
def invitation_respond(
    *, invitation: Invitation, rsvp: str, substitute_name: str = "", substitute_post: str = ""
) -> Invitation:
    rules.require(invitation.meeting, "respond")
    if rsvp not in RSVP.values or rsvp == RSVP.PENDING:
        raise ValidationError({"rsvp": _("یکی از گزینه‌های پاسخ را برگزینید.")}, code="invalid_rsvp")
    if rsvp == RSVP.SUBSTITUTE and not substitute_name.strip():
        raise ValidationError(
            {"substitute_name": _("نام جانشین را بنویسید.")}, code="substitute_required"
        )
    invitation.rsvp = rsvp
    invitation.substitute_name = substitute_name.strip() if rsvp == RSVP.SUBSTITUTE else ""
    invitation.substitute_post = substitute_post.strip() if rsvp == RSVP.SUBSTITUTE else ""
    invitation.responded_at = timezone.now()
    invitation.save()
    return invitation


@transaction.atomic
def invitation_check_in(*, invitation: Invitation) -> Invitation:
    """The invitee marks himself present during the meeting's hours; the secretariat's
    attendance form shows it and confirms it (only the form records attendance)."""
    meeting = invitation.meeting
    rules.require(meeting, "check_in")
    if not rules.check_in_open(meeting):
        start, end = rules.check_in_window(meeting)
        raise ValidationError(
            _("حضور را فقط در ساعت جلسه می‌توانید اعلام کنید (از %(start)s تا %(end)s).")
            % {"start": display_datetime(start), "end": display_datetime(end)},
            code="check_in_closed",
        )
    if invitation.checked_in_at is None:
        invitation.checked_in_at = timezone.now()
        invitation.save(update_fields=["checked_in_at", "updated_at"])
    return invitation


@transaction.atomic
def attendance_record(
    *, meeting: Meeting, statuses: dict[int, dict], guests: list[dict] | None = None
) -> Meeting:
    """Record who was present (``{invitation id: {"attendance": …, "substitute_name": …}}``)
    and the guests; the meeting becomes held and its quorum is computed from the rule."""
    rules.require(meeting, "attendance")
    if meeting.starts_at > timezone.now() + datetime.timedelta(hours=12):
        raise ValidationError(_("حضور و غیاب را در روز جلسه ثبت کنید."), code="too_early")
    invitations = {i.pk: i for i in meeting.invitations.order_by("pk").select_for_update()}
    unknown = set(statuses) - set(invitations)
    if unknown:
        raise ValidationError(_("فهرست مدعوان تغییر کرده است؛ صفحه را تازه کنید."), code="stale")
    marked = [row.get("attendance") for row in statuses.values() if row.get("attendance")]
    if not marked:
        raise ValidationError(
            _("حضور هیچ مدعوی را ثبت نکرده‌اید؛ دست‌کم حاضران را مشخص کنید."), code="none_marked"
        )
    for pk, invitation in invitations.items():
        row = statuses.get(pk, {})
        # Left unset: not counted for the quorum (nobody is «حاضر» by default).
        status = row.get("attendance", "")
        if status and status not in AttendanceStatus.values:
            raise ValidationError(
                _("وضعیت حضور %(person)s نامعتبر است.") % {"person": invitation.person},
                code="invalid_status",
            )
        if (
            status == AttendanceStatus.SUBSTITUTE
            and not (row.get("substitute_name") or invitation.substitute_name).strip()
        ):
            raise ValidationError(
                _("نام جانشین %(person)s را بنویسید.") % {"person": invitation.person},
                code="substitute_required",
            )
        invitation.attendance = status
        if status == AttendanceStatus.SUBSTITUTE:
            invitation.substitute_name = (
                row.get("substitute_name") or invitation.substitute_name
            ).strip()
            invitation.substitute_post = (
                row.get("substitute_post") or invitation.substitute_post
            ).strip()
        invitation.save()
    if guests is not None:
        meeting.guests.all().delete()
        for guest in guests:
            if guest.get("name", "").strip():
                Guest.objects.create(
                    meeting=meeting,
                    name=guest["name"].strip(),
                    agency=guest.get("agency", "").strip(),
                )
    present = sum(1 for i in invitations.values() if i.counts_for_quorum)
    meeting.quorum_met = present >= rules.quorum_required(
        body=meeting.body, members=len(invitations)
    )
    meeting.state = MeetingState.HELD
    meeting.save(update_fields=["quorum_met", "state", "updated_at"])
    return meeting


# --- minutes -----------------------------------------------------------------------------------


@transaction.atomic
def minutes_update(*, meeting: Meeting, preamble: str, discussions: dict[int, str]) -> Minutes:
    """Write the minutes' preamble and the discussion of each agenda item."""
    rules.require(meeting, "minutes_write")
    minutes = meeting.minutes
    minutes.preamble = preamble
    minutes.save()
    for item in meeting.agenda_items.all():
        if item.pk in discussions and item.discussion != discussions[item.pk]:
            item.discussion = discussions[item.pk]
            item.save(update_fields=["discussion", "updated_at"])
    return minutes


@transaction.atomic
def minutes_send_for_review(*, meeting: Meeting, deadline) -> Minutes:
    """Send the draft to everyone who attended; each confirms or comments by ``deadline``."""
    rules.require(meeting, "minutes_send")
    if deadline <= timezone.now():
        raise ValidationError(
            {"deadline": _("مهلت اظهارنظر باید در آینده باشد.")}, code="deadline_past"
        )
    if not meeting.invitations.filter(
        attendance__in=[AttendanceStatus.PRESENT, AttendanceStatus.SUBSTITUTE]
    ).exists():
        raise ValidationError(_("نخست حضور و غیاب را ثبت کنید."), code="no_attendance")
    minutes = meeting.minutes
    minutes.review_deadline = deadline
    minutes.sent_for_review_at = timezone.now()
    minutes.save()
    meeting.state = MeetingState.IN_REVIEW
    meeting.save(update_fields=["state", "updated_at"])
    _notify_invitees(meeting, kind="minutes_review")
    return minutes


@transaction.atomic
def minutes_review_submit(
    *, meeting: Meeting, person: Person, decision: str, comment: str = ""
) -> MinutesReview:
    """An attendee confirms the draft or comments on it, before the deadline; a second
    answer replaces the first."""
    rules.require(meeting, "minutes_review")
    minutes = meeting.minutes
    if minutes.review_deadline and timezone.now() > minutes.review_deadline:
        raise ValidationError(
            _("مهلت اظهارنظر درباره این صورتجلسه گذشته است."), code="deadline_passed"
        )
    if not meeting.invitations.filter(
        person=person, attendance__in=[AttendanceStatus.PRESENT, AttendanceStatus.SUBSTITUTE]
    ).exists():
        raise ValidationError(_("فقط حاضران جلسه درباره صورتجلسه نظر می‌دهند."), code="not_attendee")
    if decision not in ReviewDecision.values:
        raise ValidationError(
            {"decision": _("«تأیید پیش‌نویس» یا «نظر دارم» را برگزینید.")}, code="invalid_decision"
        )
    if decision == ReviewDecision.COMMENTED and not comment.strip():
        raise ValidationError({"comment": _("نظر خود را بنویسید.")}, code="comment_required")
    review, _created = MinutesReview.objects.update_or_create(
        minutes=minutes, person=person, defaults={"decision": decision, "comment": comment.strip()}
    )
    return review
