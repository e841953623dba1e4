"""Writes about resolutions while the minutes are drafted: adding, editing, deleting and
ordering them, with the addressed agencies."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from committees import rules
from committees.models import Meeting, MeetingState
from committees.selectors.structure import body_ancestors
from committees.services.meetings import row_remove, row_restore
from egov_portal.services import rows_reorder
from egov_portal.text.jalali import display_short
from egov_portal.versioning import shown, version_claim
from members.models import Agency
from resolutions.models import (
    AgencyRole,
    Referral,
    ReferralState,
    Resolution,
    ResolutionAgency,
    ResolutionKind,
)


def _require_editable(meeting: Meeting) -> None:
    if meeting.state == MeetingState.APPROVED:
        raise ValidationError(
            _("صورتجلسه این جلسه تأیید شده است و مصوباتش تغییر نمی‌کند؛ اصلاح فقط با مصوبه تازه."),
            code="frozen",
        )
    if not rules.allows("resolutions_edit", meeting.state):
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


def _validate_entry(
    *,
    meeting: Meeting,
    kind: str,
    all_agencies: bool,
    responsible: list[Agency],
    deadline,
    deadline_working_days,
) -> None:
    """What a resolution typed in must say: no deadline before the meeting, and a «تکلیف»
    says who does it and by when — a responsible agency (or «همه دستگاه‌ها») and a
    deadline, a date or working days."""
    if deadline:
        gregorian = deadline.togregorian() if hasattr(deadline, "togregorian") else deadline
        meeting_day = timezone.localtime(meeting.starts_at).date()
        if gregorian < meeting_day:
            raise ValidationError(
                {
                    "deadline": _("مهلت اجرا (%(deadline)s) پیش از تاریخ جلسه (%(day)s) است.")
                    % {"deadline": display_short(gregorian), "day": display_short(meeting_day)}
                },
                code="deadline_before_meeting",
            )
    if kind != ResolutionKind.ASSIGNMENT:
        return
    errors = {}
    if not all_agencies and not responsible:
        errors["responsible"] = _(
            "تکلیف بی‌دستگاه مسئول ثبت نمی‌شود: دستگاه مسئول اجرا را برگزینید یا «همه "
            "دستگاه‌های اجرایی استان» را بزنید."
        )
    if not deadline and not deadline_working_days:
        errors["deadline"] = _(
            "تکلیف بی‌مهلت ثبت نمی‌شود: مهلت اجرا را به تاریخ یا به روز کاری بدهید."
        )
    if errors:
        raise ValidationError(errors, code="assignment_incomplete")


def _validate_directive_fields(
    *, meeting: Meeting, kind: str, deadline, deadline_working_days, refer_to, answers
) -> None:
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
    if refer_to is not None and kind != ResolutionKind.REFERRAL:
        raise ValidationError(
            {
                "refer_to": _(
                    "رکن ارجاع فقط برای مصوبه‌ای از نوع «ارجاع» است؛ نوع را «ارجاع» کنید یا "
                    "رکن ارجاع را خالی بگذارید."
                )
            },
            code="refer_to_not_referral",
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
    strict: bool = False,
) -> Resolution:
    """Add a resolution to a held meeting; it takes the next abjad letter.

    ``strict`` (what the resolution form asks for) also applies the entry rules of
    ``_validate_entry``: no deadline before the meeting, and a «تکلیف» with a responsible
    agency and a deadline. Seeds and historical records are entered without them."""
    Meeting.objects.select_for_update().get(pk=meeting.pk)
    _require_editable(meeting)
    responsible, collaborating = list(responsible), list(collaborating)
    _validate_addressees(
        all_agencies=all_agencies, responsible=responsible, collaborating=collaborating
    )
    if strict:
        _validate_entry(
            meeting=meeting,
            kind=kind,
            all_agencies=all_agencies,
            responsible=responsible,
            deadline=deadline,
            deadline_working_days=deadline_working_days,
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
        Referral.objects.filter(pk=answers.pk, state=ReferralState.WAITING).update(
            state=ReferralState.ON_AGENDA
        )
    return resolution


def _addressee_changes(resolution: Resolution, *, responsible, collaborating):
    """The addressees for ``version_claim``: (label, stored, sent, stored as shown) per role;
    read only when the save is refused."""
    stored = list(resolution.addressees.select_related("agency"))
    for role, label, sent in (
        (AgencyRole.RESPONSIBLE, _("دستگاه مسئول اجرا"), responsible),
        (AgencyRole.COLLABORATING, _("دستگاه‌های همکار"), collaborating),
    ):
        agencies = [a.agency for a in stored if a.role == role]
        yield (
            label,
            sorted(a.pk for a in agencies),
            sorted(a.pk for a in sent),
            shown([str(a) for a in agencies]),
        )


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
    strict: bool = False,
    version: int | None = None,
) -> Resolution:
    """Change a resolution until the minutes are approved (``strict`` as in
    ``resolution_create``; ``version`` as in ``egov_portal.versioning.version_claim``)."""
    _require_editable(resolution.meeting)
    version_claim(
        instance=resolution,
        version=version,
        submitted={
            "text": text,
            "kind": kind,
            "all_agencies": all_agencies,
            "deadline": deadline,
            "deadline_working_days": deadline_working_days,
            "agenda_item": agenda_item,
            "is_public": is_public,
            "classification": classification,
            "priority": priority,
            "refer_to": refer_to,
            "answers": answers,
            "amends": amends,
        },
        also=_addressee_changes(resolution, responsible=responsible, collaborating=collaborating),
    )
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
    if strict:
        _validate_entry(
            meeting=resolution.meeting,
            kind=kind,
            all_agencies=all_agencies,
            responsible=responsible,
            deadline=deadline,
            deadline_working_days=deadline_working_days,
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
def resolution_delete(*, resolution: Resolution, user=None) -> None:
    """Remove a resolution of minutes not yet approved; the others are relettered. It
    disappears everywhere (``committees.models.Removable``) but :func:`resolution_restore`
    brings it back, with its addressees, until the minutes are approved, when it is deleted
    for good (:func:`resolutions_removed_purge`)."""
    meeting = resolution.meeting
    _require_editable(meeting)
    row_remove(row=resolution, kept=meeting.resolutions.order_by("order", "pk"), user=user)


@transaction.atomic
def resolution_restore(*, resolution: Resolution) -> Resolution:
    """Undo :func:`resolution_delete`: the resolution returns at its former letter."""
    meeting = resolution.meeting
    _require_editable(meeting)
    row_restore(row=resolution, kept=meeting.resolutions.order_by("order", "pk"))
    return resolution


def resolutions_removed_purge(*, meeting: Meeting) -> int:
    """Delete for good the resolutions removed from ``meeting`` (with their addressees):
    called as its minutes are approved. Returns how many were deleted."""
    removed = list(Resolution.all_objects.filter(meeting=meeting, removed_at__isnull=False))
    for resolution in removed:
        resolution.addressees.all().delete()
        resolution.delete()
    return len(removed)


@transaction.atomic
def resolution_reorder(*, meeting: Meeting, ordered_ids: list[int]) -> None:
    """Reletter the resolutions in the order of ``ordered_ids`` (until approval)."""
    _require_editable(meeting)
    rows_reorder(
        rows={r.pk: r for r in meeting.resolutions.select_for_update()},
        ordered_ids=ordered_ids,
        stale_message=_("ترتیب فرستاده‌شده با مصوبات این جلسه نمی‌خواند؛ صفحه را تازه کنید."),
    )
