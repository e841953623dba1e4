"""Writes about meetings: scheduling, postponing and cancelling them, the agenda, invitations
and answers, attendance, and the minutes' draft and review (their approval, which issues
the resolutions as directives, is ``resolutions.services.minutes``)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import Truncator
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
    MinutesComment,
    MinutesReview,
    ReviewDecision,
)
from committees.notifications import meeting_notice_send, secretariat_tell
from committees.selectors.meetings import schedule_recipients
from egov_portal.services import rows_renumber, rows_reorder
from egov_portal.text.i18n import portal_language
from egov_portal.text.jalali import display_datetime
from egov_portal.text.persian import to_persian_digits
from egov_portal.versioning import shown, version_claim
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
    version: int | None = None,
) -> Meeting:
    """Change when and where; invitees of a scheduled meeting are told of a new time. A new
    time is checked like a new meeting's (``meeting_create``); an unchanged one is not asked
    about again. ``version`` is the one the form was rendered from
    (``egov_portal.versioning.version_claim``)."""
    rules.require(meeting, "edit")
    version_claim(
        instance=meeting,
        version=version,
        submitted={
            "starts_at": starts_at,
            "ends_at": ends_at,
            "place": place,
            "online_link": online_link,
            "is_public": is_public,
        },
    )
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


def _send_notices(invitation_ids: list[int], kind: str) -> None:
    meeting_notice_send(invitation_ids=invitation_ids, kind=kind)


def _notify_invitees(meeting: Meeting, *, kind: str) -> None:
    """E-mail and notify every invitee once the transaction has committed."""
    invitation_ids = list(meeting.invitations.values_list("pk", flat=True))
    transaction.on_commit(lambda: _send_notices(invitation_ids, kind))


@transaction.atomic
def meeting_schedule(*, meeting: Meeting, confirmed: bool | None = None) -> list[Invitation]:
    """Invite every seat holder on the meeting date (a new governor, not the old one) and
    send each an e-mail with a calendar file and a notice in the portal — exactly the
    people ``selectors.meetings.schedule_recipients`` lists. Sending cannot be taken back:
    from the form (``confirmed=False``) it is refused until the secretary has seen that
    list and confirmed it (``rules.require_confirmed``)."""
    rules.require(meeting, "schedule")
    if meeting.starts_at <= timezone.now():
        raise ValidationError(
            _("زمان جلسه گذشته است؛ نخست زمان تازه‌ای تعیین کنید."), code="in_past"
        )
    recipients = schedule_recipients(meeting=meeting)
    if not any(r.seated for r in recipients):
        raise ValidationError(
            _("در تاریخ جلسه هیچ جایگاهی از این رکن متصدی ندارد؛ کسی برای دعوت نیست."),
            code="nobody_to_invite",
        )
    rules.require_confirmed(rules.schedule_concerns(len(recipients)), confirmed)
    if meeting.number is None:
        Body.objects.select_for_update().get(pk=meeting.body_id)  # serialise numbering
        last = Meeting.objects.filter(body_id=meeting.body_id).aggregate(n=Max("number"))["n"]
        meeting.number = (last or 0) + 1
    now = timezone.now()
    invitations = []
    for recipient in recipients:
        invitation = recipient.invitation
        if invitation is None:
            invitation = Invitation.objects.create(
                meeting=meeting, person=recipient.person, seat=recipient.seat, sent_at=now
            )
        else:
            invitation.sent_at = now
            invitation.save(update_fields=["sent_at", "updated_at"])
        invitations.append(invitation)
    meeting.state = MeetingState.SCHEDULED
    meeting.state_reason = ""
    meeting.save(update_fields=["number", "state", "state_reason", "updated_at"])
    invitation_ids = [i.pk for i in invitations]
    transaction.on_commit(lambda: _send_notices(invitation_ids, "invitation"))
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
def agenda_item_update(*, item: AgendaItem, version: int | None = None, **fields) -> AgendaItem:
    rules.require(item.meeting, "agenda_edit")
    version_claim(instance=item, version=version, submitted=fields)
    for name in ("title", "description", "presenter", "discussion"):
        if name in fields:
            setattr(item, name, fields[name])
    item.save()
    return item


def row_remove(*, row, kept, user=None) -> None:
    """Mark ``row`` (a :class:`~committees.models.Removable` agenda item or resolution)
    removed by ``user`` and number the ``kept`` rows of its meeting 1, 2, 3 … again."""
    row.removed_at = timezone.now()
    row.removed_by = user if getattr(user, "pk", None) else None
    row.save(update_fields=["removed_at", "removed_by", "updated_at"])
    rows_renumber(rows=[r for r in kept if r.pk != row.pk])


def row_restore(*, row, kept) -> None:
    """Bring a removed ``row`` back at the place it had among the ``kept`` rows of its
    meeting (or last, when fewer remain) and renumber them."""
    if row.removed_at is None:
        raise ValidationError(_("«%(title)s» حذف نشده است.") % {"title": row}, code="not_removed")
    rows = [r for r in kept if r.pk != row.pk]
    rows.insert(min(max(row.order - 1, 0), len(rows)), row)
    row.removed_at, row.removed_by = None, None
    row.save(update_fields=["removed_at", "removed_by", "updated_at"])
    rows_renumber(rows=rows)


@transaction.atomic
def agenda_item_delete(*, item: AgendaItem, user=None) -> None:
    """Remove an agenda item of a meeting not yet held. It disappears everywhere (see
    ``Removable``) but :func:`agenda_item_restore` brings it back until the minutes are
    approved, when it is deleted for good (:func:`meeting_removed_purge`)."""
    meeting = item.meeting
    rules.require(meeting, "agenda_delete")
    row_remove(row=item, kept=meeting.agenda_items.order_by("order", "pk"), user=user)


@transaction.atomic
def agenda_item_restore(*, item: AgendaItem) -> AgendaItem:
    """Undo :func:`agenda_item_delete`: the item returns at its former place."""
    meeting = item.meeting
    rules.require(meeting, "agenda_restore")
    row_restore(row=item, kept=meeting.agenda_items.order_by("order", "pk"))
    return item


def meeting_removed_purge(*, meeting: Meeting) -> int:
    """Delete for good the agenda items removed from ``meeting`` (and their papers' files,
    once committed): called as its minutes are approved, so the approved record holds
    only what it prints. Returns how many items were deleted."""
    removed = list(
        AgendaItem.all_objects.filter(meeting=meeting, removed_at__isnull=False).prefetch_related(
            "papers"
        )
    )
    for item in removed:
        stored = [(p.file.storage, p.file.name) for p in item.papers.all() if p.file.name]
        item.delete()
        for storage, name in stored:
            transaction.on_commit(lambda storage=storage, name=name: storage.delete(name))
    return len(removed)


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
def minutes_update(
    *, meeting: Meeting, preamble: str, discussions: dict[int, str], version: int | None = None
) -> Minutes:
    """Write the minutes' preamble and the discussion of each agenda item (``version`` as
    in ``egov_portal.versioning.version_claim``: the discussions count as the minutes')."""
    rules.require(meeting, "minutes_write")
    minutes = meeting.minutes
    version_claim(
        instance=minutes,
        version=version,
        submitted={"preamble": preamble},
        also=(  # read only when refused
            (
                _("مذاکرات درباره «%(title)s»") % {"title": item.title},
                item.discussion,
                discussions[item.pk],
                shown(item.discussion),
            )
            for item in meeting.agenda_items.all()
            if item.pk in discussions
        ),
    )
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
    *,
    meeting: Meeting,
    person: Person,
    decision: str,
    comment: str = "",
    agenda_item_id: int | None = None,
    resolution_id: int | None = None,
) -> MinutesReview:
    """An attendee answers the draft before the deadline: «تأیید پیش‌نویس», or «نظر دارم»
    with a comment on the whole draft, on one agenda item's discussion or on one resolution
    of this meeting. His answer is the last he gave; each comment is kept (he may write
    several). The secretariat is told of each comment, and once when every attendee has
    answered; never the attendee himself."""
    rules.require(meeting, "minutes_review")
    minutes = Minutes.objects.select_for_update().get(pk=meeting.minutes.pk)  # one at a time
    if minutes.review_deadline and timezone.now() > minutes.review_deadline:
        raise ValidationError(
            _("مهلت اظهارنظر درباره این صورتجلسه گذشته است."), code="deadline_passed"
        )
    attendees = set(
        meeting.invitations.filter(
            attendance__in=[AttendanceStatus.PRESENT, AttendanceStatus.SUBSTITUTE]
        ).values_list("person_id", flat=True)
    )
    if person.pk not in attendees:
        raise ValidationError(_("فقط حاضران جلسه درباره صورتجلسه نظر می‌دهند."), code="not_attendee")
    if decision not in ReviewDecision.values:
        raise ValidationError(
            {"decision": _("«تأیید پیش‌نویس» یا «نظر دارم» را برگزینید.")}, code="invalid_decision"
        )
    comment = comment.strip()
    if decision == ReviewDecision.COMMENTED and not comment:
        raise ValidationError({"comment": _("نظر خود را بنویسید.")}, code="comment_required")
    if decision == ReviewDecision.CONFIRMED and comment:
        raise ValidationError(
            {"decision": _("برای ثبت نظر، «نظر دارم» را برگزینید.")}, code="comment_confirmed"
        )
    agenda_item, resolution = _comment_target(meeting, agenda_item_id, resolution_id)
    answered_before = minutes.reviews.filter(person=person).exists()
    review, _created = MinutesReview.objects.update_or_create(
        minutes=minutes, person=person, defaults={"decision": decision}
    )
    if comment:
        MinutesComment.objects.create(
            minutes=minutes,
            person=person,
            agenda_item=agenda_item,
            resolution=resolution,
            text=comment,
        )
    with portal_language():  # the notices speak the portal's language, whoever acted
        _tell_review(
            meeting, minutes, person, comment, agenda_item, resolution, attendees, answered_before
        )
    return review


def _tell_review(
    meeting, minutes, person, comment, agenda_item, resolution, attendees, answered_before
) -> None:
    """Tell the secretariat of the comment just written, and of the last first answer."""
    actor = person.user
    if comment:
        secretariat_tell(
            meeting=meeting,
            title=_("نظر تازه درباره پیش‌نویس صورتجلسه %(meeting)s") % {"meeting": meeting},
            body=_("%(person)s درباره %(about)s: %(text)s")
            % {
                "person": person.full_name,
                "about": comment_about(agenda_item=agenda_item, resolution=resolution),
                "text": Truncator(comment).chars(300),
            },
            actor=actor,
        )
    if not answered_before:
        answers = dict(
            minutes.reviews.filter(person_id__in=attendees).values_list("person_id", "decision")
        )
        if len(answers) == len(attendees):
            confirmed = sum(1 for d in answers.values() if d == ReviewDecision.CONFIRMED)
            open_comments = minutes.comments.filter(handled_at__isnull=True).count()
            secretariat_tell(
                meeting=meeting,
                title=_("همه حاضران به پیش‌نویس صورتجلسه %(meeting)s پاسخ داده‌اند")
                % {"meeting": meeting},
                body=_(
                    "%(confirmed)s تأیید پیش‌نویس، %(commented)s نظر دارد؛ %(open)s نظر رسیدگی‌نشده."
                )
                % {
                    "confirmed": to_persian_digits(confirmed),
                    "commented": to_persian_digits(len(answers) - confirmed),
                    "open": to_persian_digits(open_comments),
                },
                actor=actor,
            )


def _comment_target(meeting: Meeting, agenda_item_id, resolution_id):
    """The agenda item or resolution a comment is about, refused unless of ``meeting``."""
    if agenda_item_id is not None and resolution_id is not None:
        raise ValidationError(
            {"about": _("نظر یا درباره یک دستور است یا درباره یک مصوبه.")}, code="two_targets"
        )
    agenda_item = resolution = None
    if agenda_item_id is not None:
        agenda_item = meeting.agenda_items.filter(pk=agenda_item_id).first()
        if agenda_item is None:
            raise ValidationError(
                {"about": _("این دستور از دستورهای این جلسه نیست.")}, code="foreign_item"
            )
    if resolution_id is not None:
        resolution = meeting.resolutions.filter(pk=resolution_id).first()
        if resolution is None:
            raise ValidationError(
                {"about": _("این مصوبه از مصوبات این جلسه نیست.")}, code="foreign_resolution"
            )
    return agenda_item, resolution


def comment_about(*, agenda_item=None, resolution=None) -> str:
    """What a comment is about, in words: «کل پیش‌نویس», «دستور «…»», «مصوبه ب»."""
    if agenda_item is not None:
        return _("دستور «%(title)s»") % {"title": agenda_item.title}
    if resolution is not None:
        return _("بند %(label)s") % {"label": resolution.label}
    return _("کل پیش‌نویس")


@transaction.atomic
def minutes_comment_mark(*, comment: MinutesComment, handled: bool, user) -> MinutesComment:
    """The secretariat marks an attendee's comment handled («رسیدگی شد»: by whom, when) or
    takes the mark back; both until the minutes are approved."""
    meeting = comment.minutes.meeting
    if meeting.is_frozen:
        raise ValidationError(
            _("صورتجلسه تصویب شده است؛ رسیدگی نظرها دیگر تغییر نمی‌کند."), code="approved"
        )
    if handled == comment.is_handled:
        return comment
    comment.handled_at = timezone.now() if handled else None
    comment.handled_by = user if handled else None
    comment.save(update_fields=["handled_at", "handled_by", "updated_at"])
    return comment
