"""Writes about approved minutes: their letter number, the chair's approval (which freezes
the minutes' snapshot and fingerprint and the meeting, keeps their signed PDF/A file and
issues its directives) and the historical founding meeting."""

from __future__ import annotations

import datetime

import jdatetime
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from committees import rules
from committees.models import AttendanceStatus, LegalBasis, Meeting, MeetingState, Minutes
from committees.permissions import body_access
from committees.services.meetings import meeting_removed_purge
from egov_portal.text.jalali import to_jalali
from resolutions.documents.minutes import fingerprint_of, minutes_snapshot
from resolutions.models import Resolution, ResolutionKind
from resolutions.services.archive import minutes_archive_keep
from resolutions.services.directives import directives_issue
from resolutions.services.resolutions import resolutions_removed_purge


def _freeze(minutes: Minutes) -> None:
    """Give ``minutes`` (approval fields set, not yet saved) the snapshot of what they print
    and its fingerprint. The caller saves them before the meeting turns approved, in the
    same transaction: from then on the database refuses any change (committees/0004)."""
    minutes.snapshot = minutes_snapshot(minutes.meeting, minutes=minutes)
    minutes.fingerprint = fingerprint_of(minutes.snapshot)


def minutes_letter_number(meeting: Meeting) -> str:
    """«<number>/<prefix>/<Jalali year>» for the minutes, e.g. ۶/ک‌د/۱۴۰۵ in Latin digits."""
    year = to_jalali(timezone.localdate()).year
    prefix = meeting.body.letter_prefix or "ص"
    return f"{meeting.number}/{prefix}/{year}"


@transaction.atomic
def minutes_approve(*, meeting: Meeting, user, confirmed: bool | None = None) -> Meeting:
    """The chair approves the minutes: they get a letter number, the snapshot of everything
    they print and its fingerprint, and from this moment nothing of the meeting changes (the
    database refuses it too). Before the review deadline, or while attendees have not
    answered the draft, the form (``confirmed=False``) is refused until the chair confirms
    (``rules.minutes_approval_concerns``)."""
    meeting = Meeting.objects.select_for_update().select_related("body").get(pk=meeting.pk)
    if meeting.state == MeetingState.APPROVED:
        raise ValidationError(_("این صورتجلسه پیش‌تر تأیید شده است."), code="already_approved")
    if not rules.allows("minutes_approve", meeting.state):
        raise ValidationError(
            _("صورتجلسه باید نخست برای بررسی حاضران فرستاده شود."), code="not_in_review"
        )
    if not body_access(user, meeting.body).chair:
        raise ValidationError(_("فقط رئیس رکن صورتجلسه را تأیید می‌کند."), code="not_chair")
    if meeting.quorum_met is False and meeting.resolutions.exists():
        raise ValidationError(_("جلسه بدون حد نصاب نمی‌تواند مصوبه داشته باشد."), code="no_quorum")
    if not meeting.invitations.filter(
        attendance__in=[AttendanceStatus.PRESENT, AttendanceStatus.SUBSTITUTE]
    ).exists():
        raise ValidationError(_("حضور و غیاب جلسه ثبت نشده است."), code="no_attendance")
    rules.require_confirmed(rules.minutes_approval_concerns(meeting), confirmed)
    # What was removed and not restored is deleted for good: the approved record and its
    # snapshot hold only what the minutes print.
    resolutions_removed_purge(meeting=meeting)
    meeting_removed_purge(meeting=meeting)
    minutes = meeting.minutes
    minutes.letter_number = minutes.letter_number or minutes_letter_number(meeting)
    minutes.letter_date = minutes.letter_date or timezone.localdate()
    minutes.approved_at = timezone.now()
    minutes.approved_by = user
    _freeze(minutes)
    minutes.save()
    # Rendered and signed once the approval has committed (outside its row locks), and
    # kept: every later download is these bytes. Should it fail, the first request for the
    # file makes it (minutes_archive_read).
    minutes_id = minutes.pk

    def keep_file() -> None:  # a function: Django logs a failing callback by its name
        minutes_archive_keep(minutes_id)

    transaction.on_commit(keep_file, robust=True)
    meeting.state = MeetingState.APPROVED
    meeting.save(update_fields=["state", "updated_at"])
    directives_issue(meeting=meeting, user=user)
    return meeting


# --- the historical record of the founding meeting -------------------------------------------

FOUNDING_MEETING_DATE = (1394, 2, 7)


@transaction.atomic
def founding_meeting_record(
    *, working_group, resolutions: list[tuple[int, str, object]]
) -> Meeting:
    """Record the working group's meeting of 1394/02/07 as approved history.

    ``resolutions`` are ``(order, label, legal basis)``: «الف» founded the steering committee
    and «ج» the four subcommittees; «ب» is not in the source document and is not invented.
    The founding legal bases are linked to the meeting, keeping their own data. Idempotent.
    """
    day = jdatetime.date(*FOUNDING_MEETING_DATE).togregorian()
    starts_at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 0)))
    meeting = Meeting.objects.filter(body=working_group, number=0, starts_at=starts_at).first()
    if meeting is None:
        meeting = Meeting.objects.create(
            body=working_group,
            number=0,
            starts_at=starts_at,
            place=_("نامعلوم (ثبت تاریخی بر پایه سند مبنا)"),
            state=MeetingState.HELD,
            is_public=True,
        )
        minutes = Minutes.objects.create(
            meeting=meeting,
            preamble=_(
                "ثبت تاریخی: متن این صورتجلسه در درگاه نیست؛ بندهای «الف» و «ج» آن بر پایه صفحه "
                "«توسعه دولت الکترونیک در استان» ثبت شده‌اند و بند «ب» در آن سند نیامده است."
            ),
            letter_date=jdatetime.date(*FOUNDING_MEETING_DATE),
        )
        for order, label, basis in resolutions:
            Resolution.objects.create(
                meeting=meeting,
                order=order,
                label_override=label,
                text=basis.text,
                kind=ResolutionKind.FOUNDING,
                is_public=True,
            )
        minutes.approved_at = timezone.now()
        _freeze(minutes)
        minutes.save()
        meeting.state = MeetingState.APPROVED
        meeting.save(update_fields=["state", "updated_at"])
    # Another province loaded beside Gilan keeps Gilan's link (the bases are shared).
    LegalBasis.objects.filter(
        pk__in=[basis.pk for _o, _l, basis in resolutions], meeting__isnull=True
    ).update(meeting=meeting)
    return meeting
