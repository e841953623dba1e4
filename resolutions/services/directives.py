"""Directives (ابلاغ): issuing approved resolutions to agencies and following them up.

Writes only; each function validates, runs in a transaction and records a
``DirectiveEvent`` so every directive keeps its history.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from committees.models import Meeting
from committees.workdays import add_working_days
from egov_portal.text.collation import persian_order
from egov_portal.text.i18n import portal_language
from egov_portal.text.jalali import to_jalali
from egov_portal.text.persian import to_persian_digits
from members.models import Agency
from resolutions.models import (
    OPEN_STATES,
    AgencyRole,
    Directive,
    DirectiveEvent,
    DirectiveState,
    LetterSequence,
    ProgressReport,
    Referral,
    Resolution,
    ResolutionKind,
    addressee_order,
)
from resolutions.services import directive_notices
from resolutions.services.evidence import evidence_check, evidence_store


def _event(directive: Directive, state: str, actor=None, note: str = "") -> None:
    DirectiveEvent.objects.create(directive=directive, state=state, actor=actor, note=note)


def _next_sequence(body, year: int) -> int:
    """The next letter number of ``body`` in ``year``: the sequence row is locked until the
    transaction ends, so two approvals at once get consecutive numbers, never the same."""
    LetterSequence.objects.get_or_create(body=body, year=year)
    row = LetterSequence.objects.select_for_update().get(body=body, year=year)
    row.last += 1
    row.save(update_fields=["last"])
    return row.last


def letter_number_for(body, *, seq: int, year: int) -> str:
    return body.letter_pattern.format(seq=seq, prefix=body.letter_prefix or "", year=year)


def due_date_for(
    resolution: Resolution, issued_on: datetime.date
) -> tuple[datetime.date | None, str]:
    """The deadline of a directive and the rule that gave it, in Persian."""
    if resolution.deadline_working_days:
        due = add_working_days(issued_on, resolution.deadline_working_days)
        rule = _("%(n)s روز کاری پس از ابلاغ") % {
            "n": to_persian_digits(resolution.deadline_working_days)
        }
        return due, rule
    if resolution.deadline:
        return resolution.deadline.togregorian(), _("تاریخ معین در مصوبه")
    return None, ""


def addressees_of(resolution: Resolution) -> list[tuple[Agency, str]]:
    """The agencies a resolution addresses: its responsible and collaborating agencies, or
    every active agency for «همه دستگاه‌های اجرایی استان»."""
    if resolution.all_agencies:
        return [
            (a, AgencyRole.RESPONSIBLE)
            for a in Agency.objects.filter(is_active=True).order_by(persian_order("name"))
        ]
    return [
        (a.agency, a.role)
        for a in resolution.addressees.select_related("agency").order_by(*addressee_order())
    ]


def directives_issue(*, meeting: Meeting, user=None) -> list[Directive]:
    """One directive per addressed agency for every resolution of the approved meeting,
    numbered from the body's secretariat sequence; referrals enter the lower body's queue;
    amendments supersede the open directives of the resolution they amend. Runs inside the
    approval's transaction (callers hold it). What it stores in words (deadline rules,
    history notes) is in the portal's language, whoever approves."""
    with portal_language():
        return _directives_issue(meeting=meeting, user=user)


def _directives_issue(*, meeting: Meeting, user=None) -> list[Directive]:
    body = meeting.body
    today = timezone.localdate()
    year = to_jalali(today).year
    issued: list[Directive] = []
    resolutions = meeting.resolutions.select_related("amends", "refer_to", "answers").order_by(
        "order", "pk"
    )
    for resolution in resolutions:
        if resolution.kind == ResolutionKind.REFERRAL and resolution.refer_to_id:
            Referral.objects.get_or_create(resolution=resolution, to_body=resolution.refer_to)
        if resolution.answers_id:
            Referral.objects.filter(pk=resolution.answers_id).update(state="answered")
        if resolution.amends_id:
            for old in Directive.objects.filter(
                resolution_id=resolution.amends_id, state__in=OPEN_STATES
            ):
                old.state = DirectiveState.SUPERSEDED
                old.superseded_by = resolution
                old.save(update_fields=["state", "superseded_by", "updated_at"])
                note = _("با مصوبه %(r)s جایگزین شد.") % {"r": resolution}
                _event(old, DirectiveState.SUPERSEDED, user, note)
                directive_notices.directive_decided(old, actor=user, note=note)
        due, rule = due_date_for(resolution, today)
        for agency, role in addressees_of(resolution):
            seq = _next_sequence(body, year)
            directive = Directive.objects.create(
                resolution=resolution,
                agency=agency,
                role=role,
                body=body,
                year=year,
                sequence=seq,
                letter_number=letter_number_for(body, seq=seq, year=year),
                issued_on=today,
                classification=resolution.classification,
                priority=resolution.priority,
                due_date=due,
                deadline_rule=rule,
            )
            _event(directive, DirectiveState.ISSUED, user)
            issued.append(directive)
    directive_notices.directives_issued(issued, actor=user)
    return issued


def _lock(directive: Directive) -> Directive:
    return Directive.objects.select_for_update().get(pk=directive.pk)


def _refuse(directive: Directive, allowed: set[str], action: str) -> None:
    if directive.state not in allowed:
        raise ValidationError(
            _("«%(action)s» در وضعیت «%(state)s» ممکن نیست.")
            % {"action": action, "state": directive.get_state_display()},
            code="invalid_state",
        )


@transaction.atomic
def directive_acknowledge(*, directive: Directive, user) -> Directive:
    """Record receipt. A double click or a retry finds it done and records nothing more."""
    directive = _lock(directive)
    if directive.acknowledged_at is not None:
        return directive
    _refuse(directive, {DirectiveState.ISSUED}, _("اعلام رسید"))
    directive.state = DirectiveState.ACKNOWLEDGED
    directive.acknowledged_at = timezone.now()
    directive.acknowledged_by = user
    directive.save(update_fields=["state", "acknowledged_at", "acknowledged_by", "updated_at"])
    _event(directive, DirectiveState.ACKNOWLEDGED, user)
    return directive


REPORTABLE = {DirectiveState.ACKNOWLEDGED, DirectiveState.IN_PROGRESS, DirectiveState.RETURNED}


@transaction.atomic
def progress_report_add(
    *, directive: Directive, user, percent: int, narrative: str, files=(), final: bool = False
) -> ProgressReport:
    """A progress report (percent, narrative, evidence files). ``final`` reports the
    directive done; the secretariat then verifies it or returns it."""
    directive = _lock(directive)
    if directive.state == DirectiveState.ISSUED:
        raise ValidationError(_("نخست رسید ابلاغ را اعلام کنید."), code="not_acknowledged")
    _refuse(directive, REPORTABLE, _("گزارش پیشرفت"))
    if not 0 <= percent <= 100:
        raise ValidationError({"percent": _("درصد پیشرفت بین ۰ و ۱۰۰ است.")}, code="percent")
    if not narrative.strip():
        raise ValidationError({"narrative": _("شرح اقدامات را بنویسید.")}, code="narrative")
    if final and percent != 100:
        raise ValidationError(
            {"percent": _("گزارش انجام کامل یعنی ۱۰۰ درصد.")}, code="final_not_100"
        )
    checked = evidence_check(files)
    report = ProgressReport.objects.create(
        directive=directive,
        percent=percent,
        narrative=narrative.strip(),
        is_final=final,
        created_by=user,
    )
    evidence_store(report=report, checked=checked)
    directive.progress = percent
    directive.state = DirectiveState.REPORTED_DONE if final else DirectiveState.IN_PROGRESS
    if final:
        directive.reported_done_at = timezone.now()
    directive.save(update_fields=["progress", "state", "reported_done_at", "updated_at"])
    _event(directive, directive.state, user, narrative.strip()[:500])
    directive_notices.report_added(directive, percent=percent, final=final, actor=user)
    return report


@transaction.atomic
def directive_verify(*, directive: Directive, user) -> Directive:
    directive = _lock(directive)
    _refuse(directive, {DirectiveState.REPORTED_DONE}, _("تأیید انجام"))
    directive.state = DirectiveState.VERIFIED
    directive.verified_at = timezone.now()
    directive.verified_by = user
    directive.save(update_fields=["state", "verified_at", "verified_by", "updated_at"])
    _event(directive, DirectiveState.VERIFIED, user)
    directive_notices.directive_decided(directive, actor=user)
    return directive


@transaction.atomic
def directive_return(*, directive: Directive, user, comment: str) -> Directive:
    directive = _lock(directive)
    _refuse(directive, {DirectiveState.REPORTED_DONE}, _("برگشت برای تکمیل"))
    if not comment.strip():
        raise ValidationError({"comment": _("علت برگشت را بنویسید.")}, code="comment_required")
    directive.state = DirectiveState.RETURNED
    directive.return_comment = comment.strip()
    directive.save(update_fields=["state", "return_comment", "updated_at"])
    _event(directive, DirectiveState.RETURNED, user, comment.strip())
    directive_notices.directive_decided(directive, actor=user, note=comment.strip())
    return directive


@transaction.atomic
def directive_cancel(*, directive: Directive, user, reason: str) -> Directive:
    directive = _lock(directive)
    _refuse(directive, set(OPEN_STATES), _("لغو ابلاغ"))
    if not reason.strip():
        raise ValidationError({"reason": _("علت لغو را بنویسید.")}, code="reason_required")
    directive.state = DirectiveState.CANCELLED
    directive.save(update_fields=["state", "updated_at"])
    _event(directive, DirectiveState.CANCELLED, user, reason.strip())
    directive_notices.directive_decided(directive, actor=user, note=reason.strip())
    return directive
