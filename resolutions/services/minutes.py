"""Writes about approved minutes: their canonical form and fingerprint, their letter number,
the chair's approval (which freezes the meeting and issues its directives) and the
historical founding meeting."""

from __future__ import annotations

import datetime
import hashlib
import json

import jdatetime
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from committees import rules
from committees.models import AttendanceStatus, LegalBasis, Meeting, MeetingState, Minutes
from committees.permissions import body_access
from egov_portal.text.jalali import to_jalali
from resolutions.models import Resolution, ResolutionKind
from resolutions.services.directives import directives_issue

# --- the canonical content and its fingerprint ----------------------------------------------


def _jalali_text(value) -> str:
    return to_jalali(value).strftime("%Y/%m/%d") if value else ""


def minutes_canonical(meeting: Meeting) -> dict:
    """Everything the approved minutes say, in a stable order, as plain data.

    The SHA-256 of its JSON (sorted keys, UTF-8, no spaces) is the minutes' fingerprint;
    verification recomputes it from the database, so a changed row shows as not genuine.
    """
    minutes = meeting.minutes
    invitations = meeting.invitations.select_related("person", "seat").order_by("seat__order", "pk")
    resolutions = meeting.resolutions.prefetch_related("addressees__agency").order_by("order", "pk")
    return {
        "body": meeting.body.name,
        "jurisdiction": meeting.body.jurisdiction,
        "meeting": meeting.number,
        "starts_at": meeting.starts_at.astimezone(datetime.UTC).isoformat(),
        "place": meeting.place,
        "letter_number": minutes.letter_number,
        "letter_date": _jalali_text(minutes.letter_date),
        "preamble": minutes.preamble,
        "attendance": [
            {
                "person": i.person.full_name,
                "seat": i.seat.title if i.seat else "",
                "status": i.attendance,
                "substitute": i.substitute_name,
            }
            for i in invitations
        ],
        "guests": [{"name": g.name, "agency": g.agency} for g in meeting.guests.order_by("pk")],
        "agenda": [
            {"order": a.order, "title": a.title, "discussion": a.discussion}
            for a in meeting.agenda_items.order_by("order", "pk")
        ],
        "resolutions": [
            {
                "label": r.label,
                "text": r.text,
                "kind": r.kind,
                "all_agencies": r.all_agencies,
                "agencies": sorted([a.agency.name, a.role] for a in r.addressees.all()),
                "deadline": _jalali_text(r.deadline),
                "amends": r.amends_id,
            }
            for r in resolutions
        ],
    }


def fingerprint_of(canonical: dict) -> str:
    data = json.dumps(canonical, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def minutes_letter_number(meeting: Meeting) -> str:
    """«<number>/<prefix>/<Jalali year>» for the minutes, e.g. ۶/ک‌د/۱۴۰۵ in Latin digits."""
    year = to_jalali(timezone.localdate()).year
    prefix = meeting.body.letter_prefix or "ص"
    return f"{meeting.number}/{prefix}/{year}"


@transaction.atomic
def minutes_approve(*, meeting: Meeting, user) -> Meeting:
    """The chair approves the minutes: a fingerprint is stored, a letter number given, and
    from this moment nothing of the meeting changes (the database refuses it too)."""
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
    minutes = meeting.minutes
    minutes.letter_number = minutes.letter_number or minutes_letter_number(meeting)
    minutes.letter_date = minutes.letter_date or timezone.localdate()
    minutes.approved_at = timezone.now()
    minutes.approved_by = user
    minutes.save()
    canonical = minutes_canonical(meeting)
    minutes.canonical = json.dumps(
        canonical, ensure_ascii=False, sort_keys=True, separators=(",", ":")
    )
    minutes.fingerprint = fingerprint_of(canonical)
    minutes.save(update_fields=["canonical", "fingerprint", "updated_at"])
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
        canonical = minutes_canonical(meeting)
        minutes.canonical = json.dumps(
            canonical, ensure_ascii=False, sort_keys=True, separators=(",", ":")
        )
        minutes.fingerprint = fingerprint_of(canonical)
        minutes.save()
        meeting.state = MeetingState.APPROVED
        meeting.save(update_fields=["state", "updated_at"])
    # Another province loaded beside Gilan keeps Gilan's link (the bases are shared).
    LegalBasis.objects.filter(
        pk__in=[basis.pk for _o, _l, basis in resolutions], meeting__isnull=True
    ).update(meeting=meeting)
    return meeting
