"""Writes about resolutions and the approval of minutes (which freezes them)."""

from __future__ import annotations

import datetime
import hashlib
import json

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from committees.models import AttendanceStatus, Meeting, MeetingState
from committees.permissions import body_access
from members.models import Agency
from resolutions.models import AgencyRole, Resolution, ResolutionAgency

EDITABLE = {MeetingState.HELD, MeetingState.IN_REVIEW}


def _require_editable(meeting: Meeting) -> None:
    if meeting.state == MeetingState.APPROVED:
        raise ValidationError(
            _("صورتجلسه این جلسه تأیید شده است و مصوباتش تغییر نمی‌کند؛ اصلاح فقط با مصوبه تازه."),
            code="frozen",
        )
    if meeting.state not in EDITABLE:
        raise ValidationError(
            _("مصوبه فقط برای جلسه برگزارشده ثبت می‌شود (وضعیت کنونی: %(state)s).")
            % {"state": meeting.get_state_display()},
            code="not_held",
        )
    if meeting.quorum_met is False:
        raise ValidationError(
            _("جلسه به حد نصاب نرسید و نمی‌تواند مصوبه داشته باشد."), code="no_quorum"
        )


def _validate_addressees(
    *, all_agencies: bool, responsible: list[Agency], collaborating: list[Agency]
) -> None:
    overlap = {a.pk for a in responsible} & {a.pk for a in collaborating}
    if overlap:
        raise ValidationError(
            _("یک دستگاه نمی‌تواند هم مسئول اجرا و هم همکار باشد."), code="agency_twice"
        )
    if all_agencies and (responsible or collaborating):
        raise ValidationError(
            _("برای «همه دستگاه‌های اجرایی استان» دستگاه جداگانه انتخاب نکنید."),
            code="all_and_some",
        )


def _validate_directive_fields(
    *, meeting: Meeting, kind: str, deadline, deadline_working_days, refer_to, answers
) -> None:
    from committees.selectors import body_ancestors
    from resolutions.models import ResolutionKind

    if deadline and deadline_working_days:
        raise ValidationError(
            _("مهلت را یا به تاریخ معین بدهید یا به روز کاری، نه هر دو."), code="two_deadlines"
        )
    if deadline_working_days is not None and not 1 <= deadline_working_days <= 365:
        raise ValidationError(
            {"deadline_working_days": _("مهلت به روز کاری بین ۱ و ۳۶۵ است.")}, code="days_range"
        )
    if kind == ResolutionKind.REFERRAL and refer_to is None:
        raise ValidationError(
            {"refer_to": _("رکنی را که موضوع به آن ارجاع می‌شود برگزینید.")}, code="refer_to"
        )
    if refer_to is not None and meeting.body not in body_ancestors(refer_to):
        raise ValidationError(
            _("ارجاع فقط به ارکان پایین‌دست همین رکن ممکن است."), code="refer_not_lower"
        )
    if answers is not None and answers.to_body_id != meeting.body_id:
        raise ValidationError(
            _("این ارجاع به رکن دیگری فرستاده شده است."), code="answers_other_body"
        )


def _set_addressees(resolution: Resolution, responsible, collaborating) -> None:
    resolution.addressees.all().delete()
    # One row at a time (not bulk_create) so that the audit trail records each addressee.
    for role, agencies in (
        (AgencyRole.RESPONSIBLE, responsible),
        (AgencyRole.COLLABORATING, collaborating),
    ):
        for agency in agencies:
            ResolutionAgency.objects.create(resolution=resolution, agency=agency, role=role)


@transaction.atomic
def resolution_create(
    *,
    meeting: Meeting,
    text: str,
    kind: str,
    responsible: list[Agency] = (),
    collaborating: list[Agency] = (),
    all_agencies: bool = False,
    deadline: datetime.date | None = None,
    agenda_item=None,
    is_public: bool = False,
    amends: Resolution | None = None,
    deadline_working_days: int | None = None,
    classification: str = "normal",
    priority: str = "normal",
    refer_to=None,
    answers=None,
) -> Resolution:
    """Add a resolution to a held meeting; it takes the next abjad letter."""
    Meeting.objects.select_for_update().get(pk=meeting.pk)
    _require_editable(meeting)
    responsible, collaborating = list(responsible), list(collaborating)
    _validate_addressees(
        all_agencies=all_agencies, responsible=responsible, collaborating=collaborating
    )
    if not text.strip():
        raise ValidationError({"text": _("متن مصوبه را وارد کنید.")}, code="text_required")
    if agenda_item is not None and agenda_item.meeting_id != meeting.pk:
        raise ValidationError(_("دستور جلسه از جلسه دیگری است."), code="foreign_item")
    if amends is not None and amends.meeting.state != MeetingState.APPROVED:
        raise ValidationError(
            _("فقط مصوبه‌ای را می‌توان اصلاح کرد که صورتجلسه‌اش تأیید شده باشد."),
            code="amends_unapproved",
        )
    _validate_directive_fields(
        meeting=meeting,
        kind=kind,
        deadline=deadline,
        deadline_working_days=deadline_working_days,
        refer_to=refer_to,
        answers=answers,
    )
    last = meeting.resolutions.aggregate(n=Max("order"))["n"] or 0
    resolution = Resolution.objects.create(
        meeting=meeting,
        order=last + 1,
        text=text.strip(),
        kind=kind,
        all_agencies=all_agencies,
        deadline=deadline,
        agenda_item=agenda_item,
        is_public=is_public,
        amends=amends,
        deadline_working_days=deadline_working_days,
        classification=classification,
        priority=priority,
        refer_to=refer_to,
        answers=answers,
    )
    _set_addressees(resolution, responsible, collaborating)
    if answers is not None:
        from resolutions.models import Referral, ReferralState

        Referral.objects.filter(pk=answers.pk, state=ReferralState.WAITING).update(
            state=ReferralState.ON_AGENDA
        )
    return resolution


@transaction.atomic
def resolution_update(
    *,
    resolution: Resolution,
    text: str,
    kind: str,
    responsible: list[Agency] = (),
    collaborating: list[Agency] = (),
    all_agencies: bool = False,
    deadline: datetime.date | None = None,
    agenda_item=None,
    is_public: bool = False,
    deadline_working_days: int | None = None,
    classification: str = "normal",
    priority: str = "normal",
    refer_to=None,
    answers=None,
    amends: Resolution | None = None,
) -> Resolution:
    _require_editable(resolution.meeting)
    if amends is not None and amends.meeting.state != MeetingState.APPROVED:
        raise ValidationError(
            _("فقط مصوبه‌ای را می‌توان اصلاح کرد که صورتجلسه‌اش تأیید شده باشد."),
            code="amends_unapproved",
        )
    _validate_directive_fields(
        meeting=resolution.meeting,
        kind=kind,
        deadline=deadline,
        deadline_working_days=deadline_working_days,
        refer_to=refer_to,
        answers=answers,
    )
    responsible, collaborating = list(responsible), list(collaborating)
    _validate_addressees(
        all_agencies=all_agencies, responsible=responsible, collaborating=collaborating
    )
    if not text.strip():
        raise ValidationError({"text": _("متن مصوبه را وارد کنید.")}, code="text_required")
    resolution.text = text.strip()
    resolution.kind = kind
    resolution.all_agencies = all_agencies
    resolution.deadline = deadline
    resolution.agenda_item = agenda_item
    resolution.is_public = is_public
    resolution.deadline_working_days = deadline_working_days
    resolution.classification = classification
    resolution.priority = priority
    resolution.refer_to = refer_to
    resolution.answers = answers
    resolution.amends = amends
    resolution.save()
    _set_addressees(resolution, responsible, collaborating)
    return resolution


@transaction.atomic
def resolution_delete(*, resolution: Resolution) -> None:
    meeting = resolution.meeting
    _require_editable(meeting)
    resolution.addressees.all().delete()
    resolution.delete()
    _renumber(list(meeting.resolutions.order_by("order", "pk")))


def _renumber(rows) -> None:
    for index, row in enumerate(rows, start=1):
        if row.order != index:
            row.order = index
            row.save(update_fields=["order", "updated_at"])


@transaction.atomic
def resolution_reorder(*, meeting: Meeting, ordered_ids: list[int]) -> None:
    """Reletter the resolutions in the order of ``ordered_ids`` (until approval)."""
    _require_editable(meeting)
    rows = {r.pk: r for r in meeting.resolutions.select_for_update()}
    if sorted(ordered_ids) != sorted(rows):
        raise ValidationError(
            _("ترتیب فرستاده‌شده با مصوبات این جلسه نمی‌خواند؛ صفحه را تازه کنید."),
            code="stale_order",
        )
    _renumber([rows[pk] for pk in ordered_ids])


# --- the canonical content and its fingerprint ----------------------------------------------


def _jalali_text(value) -> str:
    from egov_portal.jalali import to_jalali

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
    from egov_portal.jalali import to_jalali

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
    if meeting.state != MeetingState.IN_REVIEW:
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
    from resolutions.directives import directives_issue

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
    import jdatetime

    from committees.models import LegalBasis, Minutes
    from resolutions.models import ResolutionKind

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
