"""Writes about bodies, seats and memberships."""

from __future__ import annotations

import datetime
from collections import Counter

import jdatetime
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from committees.models import (
    RSVP,
    AgendaItem,
    AttendanceStatus,
    Body,
    Guest,
    Invitation,
    LegalBasis,
    Meeting,
    MeetingState,
    Membership,
    Minutes,
    MinutesReview,
    QuorumRule,
    ReviewDecision,
    Seat,
    SeatKind,
)
from egov_portal.i18n import digits
from egov_portal.upsert import upsert
from members.models import Agency, Person, Position
from members.services import group_with_permission

SECRETARIAT_PERMISSIONS = ("committees.manage_body", "committees.view_body_records")
GOVERNOR_OFFICE_GROUP = "دفتر استاندار"


@transaction.atomic
def body_secretariat_grant(*, body: Body, user) -> None:
    """Make ``user`` staff of the body's secretariat: he runs its meetings and follow-up."""
    for perm in SECRETARIAT_PERMISSIONS:
        assign_perm(perm, user, body)


@transaction.atomic
def body_secretariat_revoke(*, body: Body, user) -> None:
    for perm in SECRETARIAT_PERMISSIONS:
        remove_perm(perm, user, body)


@transaction.atomic
def governor_office_grant(*, user) -> None:
    """Put ``user`` in the governor's office: he reads and prints everything."""
    permission = Permission.objects.get(
        content_type__app_label="committees", codename="view_everything"
    )
    group_with_permission(name=GOVERNOR_OFFICE_GROUP, permission=permission).user_set.add(user)


def membership_validate(
    *,
    seat: Seat,
    person: Person,
    start_date: datetime.date,
    end_date: datetime.date | None,
    exclude_pk: int | None = None,
) -> None:
    """Refuse a membership in an ex officio seat, a reversed period, a second overlapping
    membership of the same person, or more people than the seat has places for."""
    if seat.kind == SeatKind.BY_POST:
        raise ValidationError(
            _("جایگاه «%(seat)s» به اعتبار سمت است؛ متصدی سمت عضو است و عضویت جداگانه ندارد.")
            % {"seat": seat.title},
            code="seat_by_post",
        )
    if end_date is not None and end_date <= start_date:
        raise ValidationError(
            {"end_date": _("تاریخ پایان باید بعد از تاریخ شروع باشد.")}, code="end_before_start"
        )
    overlapping = Membership.objects.filter(seat=seat).filter(
        Q(end_date__isnull=True) | Q(end_date__gt=start_date)
    )
    if end_date is not None:
        overlapping = overlapping.filter(start_date__lt=end_date)
    if exclude_pk is not None:
        overlapping = overlapping.exclude(pk=exclude_pk)
    if any(m.person_id == person.pk for m in overlapping):
        raise ValidationError(
            _("%(person)s در این دوره عضو همین جایگاه است.") % {"person": person},
            code="duplicate_membership",
        )
    if overlapping.count() >= seat.persons_count:
        raise ValidationError(
            _("جایگاه «%(seat)s» در این دوره %(count)s نفر عضو دارد و جای خالی ندارد.")
            % {"seat": seat.title, "count": digits(seat.persons_count)},
            code="seat_full",
        )


@transaction.atomic
def membership_create(
    *,
    seat: Seat,
    person: Person,
    start_date: datetime.date,
    end_date: datetime.date | None = None,
    **letters,
) -> Membership:
    """Appoint ``person`` to ``seat`` (after proposal and approval where the seat needs them)."""
    Seat.objects.select_for_update().get(pk=seat.pk)
    membership_validate(seat=seat, person=person, start_date=start_date, end_date=end_date)
    return Membership.objects.create(
        seat=seat, person=person, start_date=start_date, end_date=end_date, **letters
    )


def _jdate(parts: tuple[int, int, int] | None):
    return jdatetime.date(*parts) if parts else None


@transaction.atomic
def structure_load(*, province: str, capital: str) -> dict[str, int]:
    """Create or bring up to date the Article 6 structure of ``province``.

    Rows are matched by their names (seats by body and order), so running it again changes
    nothing. Returns how many rows of each kind were created or updated.
    Returns how many rows were created or updated.
    """
    from committees import structure as S

    fill = {"province": province, "capital": capital}
    tally: Counter[str] = Counter()

    def count(kind: str, state: str) -> None:
        if state != "unchanged":
            tally[kind] += 1

    bases: dict[str, LegalBasis] = {}
    for spec in [S.ARTICLE_6, *S.FOUNDING_RESOLUTIONS]:
        values = {
            "kind": spec["kind"],
            "approving_authority": spec["approving_authority"],
            "approval_session": spec.get("approval_session", ""),
            "approval_date": _jdate(spec.get("approval_date")),
            "letter_number": spec.get("letter_number", ""),
            "letter_date": _jdate(spec.get("letter_date")),
            "text": spec["text"],
            "parent": bases.get("article6") if spec["key"] != "article6" else None,
        }
        bases[spec["key"]], state = upsert(
            LegalBasis, {"title": spec["title"], "article": spec["article"]}, values
        )
        count(_("مبنای قانونی"), state)

    agencies: dict[str, Agency] = {}
    for key, name, short, kind, sector, parent in S.AGENCIES:
        agencies[key], state = upsert(
            Agency,
            {"name": name.format(**fill)},
            {
                "short_name": short,
                "kind": kind,
                "sector": sector,
                "parent": agencies[parent] if parent else None,
            },
        )
        count(_("دستگاه"), state)

    positions: dict[str, Position] = {}
    for key, agency_key, title in S.POSITIONS:
        positions[key], state = upsert(
            Position, {"agency": agencies[agency_key], "title": title}, {"is_active": True}
        )
        count(_("سمت"), state)

    bodies: dict[str, Body] = {}
    specs = [
        *S.NATIONAL_BODIES,
        S.WORKING_GROUP,
        S.STEERING_COMMITTEE,
        *(
            {
                "key": key,
                "name": name,
                "kind": "subcommittee",
                "parent": "steering",
                "legal_basis": "resolution_jim",
                "established_date": (1394, 2, 7),
                "mandate": _("دنبال کردن دستور کار ارجاعی از کمیته راهبری."),
                "composition_text": S.SUBCOMMITTEE_RULE,
                "letter_prefix": prefix,
                "members_selected_by": "steering",
                "public_majority_required": True,
                "private_members_min": 1,
                "private_members_max": 2,
            }
            for key, name, prefix in S.SUBCOMMITTEES
        ),
    ]
    for order, spec in enumerate(specs, start=1):
        national = spec["kind"] == "national"
        values = {
            "short_name": spec.get("short_name", ""),
            "kind": spec["kind"],
            "parent": bodies[spec["parent"]] if spec.get("parent") else None,
            "legal_basis": bases[spec["legal_basis"]] if spec.get("legal_basis") else None,
            "established_date": _jdate(spec.get("established_date")),
            "mandate": spec.get("mandate", ""),
            "composition_text": spec.get("composition_text", ""),
            "letter_prefix": spec.get("letter_prefix", ""),
            "members_selected_by": bodies.get(spec.get("members_selected_by", "")),
            "public_majority_required": spec.get("public_majority_required", False),
            "private_members_min": spec.get("private_members_min"),
            "private_members_max": spec.get("private_members_max"),
            "order": order,
        }
        bodies[spec["key"]], state = upsert(
            Body, {"name": spec["name"], "jurisdiction": "" if national else province}, values
        )
        count(_("رکن"), state)

    seat_rows = []
    for order, title, role, kind, ref, persons, proposer, approver, sector in S.WORKING_GROUP_SEATS:
        seat_rows.append(
            (
                bodies["working_group"],
                order,
                title,
                role,
                kind,
                ref,
                persons,
                proposer,
                approver,
                sector,
            )
        )
    for order, title, role, kind, ref in S.STEERING_SEATS:
        seat_rows.append((bodies["steering"], order, title, role, kind, ref, 1, None, None, ""))
    for key, _name, _prefix in S.SUBCOMMITTEES:
        seat_rows.append(
            (
                bodies[key],
                1,
                S.SUBCOMMITTEE_SEAT_TITLE,
                "member",
                "nominated",
                None,
                S.SUBCOMMITTEE_SEAT_COUNT,
                None,
                None,
                "",
            )
        )
    for body, order, title, role, kind, ref, persons, proposer, approver, sector in seat_rows:
        _seat, state = upsert(
            Seat,
            {"body": body, "order": order},
            {
                "title": title.format(**fill),
                "role": role,
                "kind": kind,
                "position": positions[ref] if kind == SeatKind.BY_POST else None,
                "agency": agencies[ref] if kind == SeatKind.BY_AGENCY else None,
                "persons_count": persons,
                "proposed_by": positions[proposer] if proposer else None,
                "approved_by": positions[approver] if approver else None,
                "sector": sector,
            },
        )
        count(_("جایگاه"), state)
    return dict(tally)


# --- meetings ----------------------------------------------------------------------------


def _refuse_frozen(meeting: Meeting) -> None:
    if meeting.state == MeetingState.APPROVED:
        raise ValidationError(
            _("صورتجلسه این جلسه تأیید شده است و تغییر نمی‌کند؛ اصلاح فقط با مصوبه تازه ممکن است."),
            code="frozen",
        )


def _require_state(meeting: Meeting, allowed: set[str], action: str) -> None:
    _refuse_frozen(meeting)
    if meeting.state not in allowed:
        raise ValidationError(
            _("«%(action)s» در وضعیت «%(state)s» ممکن نیست.")
            % {"action": action, "state": meeting.get_state_display()},
            code="invalid_state",
        )


def _validate_times(starts_at, ends_at) -> None:
    if ends_at is not None and ends_at <= starts_at:
        raise ValidationError(
            {"ends_at": _("زمان پایان جلسه باید بعد از زمان شروع باشد.")}, code="ends_before_start"
        )


@transaction.atomic
def meeting_create(
    *, body: Body, starts_at, ends_at=None, place: str, online_link: str = "", created_by=None
) -> Meeting:
    """A new draft meeting of ``body``, numbered after its last one."""
    _validate_times(starts_at, ends_at)
    Body.objects.select_for_update().get(pk=body.pk)  # serialise numbering per body
    last = Meeting.objects.filter(body=body).aggregate(n=Max("number"))["n"] or 0
    meeting = Meeting.objects.create(
        body=body,
        number=last + 1,
        starts_at=starts_at,
        ends_at=ends_at,
        place=place,
        online_link=online_link,
        created_by=created_by,
    )
    Minutes.objects.create(meeting=meeting)
    return meeting


@transaction.atomic
def meeting_update(
    *, meeting: Meeting, starts_at, ends_at, place: str, online_link: str, is_public: bool
) -> Meeting:
    """Change when and where; invitees of a scheduled meeting are told of a new time."""
    _require_state(
        meeting,
        {
            MeetingState.DRAFT,
            MeetingState.SCHEDULED,
            MeetingState.POSTPONED,
            MeetingState.HELD,
            MeetingState.IN_REVIEW,
        },
        _("ویرایش جلسه"),
    )
    _validate_times(starts_at, ends_at)
    moved = meeting.starts_at != starts_at or meeting.place != place
    meeting.starts_at, meeting.ends_at = starts_at, ends_at
    meeting.place, meeting.online_link, meeting.is_public = place, online_link, is_public
    meeting.save()
    if moved and meeting.state == MeetingState.SCHEDULED:
        _notify_invitees(meeting, kind="changed")
    return meeting


def invitees_on(meeting: Meeting) -> list[tuple[Seat, Person]]:
    """Every person holding a seat of the meeting's body on the meeting date."""
    from committees.selectors import seat_states_on, seats_of

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
    from committees.notifications import meeting_notice_send

    meeting_notice_send(invitation_ids=invitation_ids, kind=kind)


def _notify_invitees(meeting: Meeting, *, kind: str) -> None:
    """E-mail and notify every invitee once the transaction has committed."""
    invitation_ids = list(meeting.invitations.values_list("pk", flat=True))
    transaction.on_commit(lambda: _send_notices(invitation_ids, kind))


@transaction.atomic
def meeting_schedule(*, meeting: Meeting) -> list[Invitation]:
    """Invite every seat holder on the meeting date (a new governor, not the old one) and
    send each an e-mail with a calendar file and a notice in the portal."""
    _require_state(meeting, {MeetingState.DRAFT, MeetingState.POSTPONED}, _("ارسال دعوت‌نامه"))
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
    meeting.save(update_fields=["state", "state_reason", "updated_at"])
    _notify_invitees(meeting, kind="invitation")
    return invitations


@transaction.atomic
def meeting_postpone(*, meeting: Meeting, reason: str, starts_at=None, ends_at=None) -> Meeting:
    """Postpone with a reason; invitees are told. A new time may be given now or later."""
    _require_state(meeting, {MeetingState.SCHEDULED, MeetingState.DRAFT}, _("تعویق جلسه"))
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
    _require_state(
        meeting, {MeetingState.DRAFT, MeetingState.SCHEDULED, MeetingState.POSTPONED}, _("لغو جلسه")
    )
    if not reason.strip():
        raise ValidationError({"reason": _("علت لغو را بنویسید.")}, code="reason_required")
    meeting.state = MeetingState.CANCELLED
    meeting.state_reason = reason.strip()
    meeting.save(update_fields=["state", "state_reason", "updated_at"])
    _notify_invitees(meeting, kind="cancelled")
    return meeting


# --- agenda ------------------------------------------------------------------------------

EDITABLE_AGENDA = {
    MeetingState.DRAFT,
    MeetingState.SCHEDULED,
    MeetingState.POSTPONED,
    MeetingState.HELD,
    MeetingState.IN_REVIEW,
}


@transaction.atomic
def agenda_item_add(
    *, meeting: Meeting, title: str, description: str = "", presenter: str = ""
) -> AgendaItem:
    _require_state(meeting, EDITABLE_AGENDA, _("افزودن دستور جلسه"))
    last = meeting.agenda_items.aggregate(n=Max("order"))["n"] or 0
    return AgendaItem.objects.create(
        meeting=meeting, order=last + 1, title=title, description=description, presenter=presenter
    )


@transaction.atomic
def agenda_item_update(*, item: AgendaItem, **fields) -> AgendaItem:
    _require_state(item.meeting, EDITABLE_AGENDA, _("ویرایش دستور جلسه"))
    for name in ("title", "description", "presenter", "discussion"):
        if name in fields:
            setattr(item, name, fields[name])
    item.save()
    return item


@transaction.atomic
def agenda_item_delete(*, item: AgendaItem) -> None:
    meeting = item.meeting
    _require_state(
        meeting,
        {MeetingState.DRAFT, MeetingState.SCHEDULED, MeetingState.POSTPONED},
        _("حذف دستور جلسه"),
    )
    item.delete()
    _renumber(list(meeting.agenda_items.order_by("order", "pk")))


def _renumber(rows) -> None:
    for index, row in enumerate(rows, start=1):
        if row.order != index:
            row.order = index
            row.save(update_fields=["order", "updated_at"])


@transaction.atomic
def agenda_reorder(*, meeting: Meeting, ordered_ids: list[int]) -> None:
    """Put the agenda in the order of ``ordered_ids`` (every item exactly once)."""
    _require_state(meeting, EDITABLE_AGENDA, _("تغییر ترتیب دستور جلسه"))
    items = {i.pk: i for i in meeting.agenda_items.select_for_update()}
    if sorted(ordered_ids) != sorted(items):
        raise ValidationError(
            _("ترتیب فرستاده‌شده با دستورهای این جلسه نمی‌خواند؛ صفحه را تازه کنید."),
            code="stale_order",
        )
    _renumber([items[pk] for pk in ordered_ids])


# --- answers and attendance ----------------------------------------------------------------


@transaction.atomic
def invitation_respond(
    *, invitation: Invitation, rsvp: str, substitute_name: str = "", substitute_post: str = ""
) -> Invitation:
    _require_state(
        invitation.meeting, {MeetingState.SCHEDULED, MeetingState.POSTPONED}, _("پاسخ به دعوت")
    )
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


def quorum_required(*, body: Body, members: int) -> int:
    """How many members must be present for ``body`` to decide, by its quorum rule."""
    if body.quorum_rule == QuorumRule.FIXED and body.quorum_count:
        return body.quorum_count
    if body.quorum_rule == QuorumRule.TWO_THIRDS:
        return -(-2 * members // 3)
    return members // 2 + 1


@transaction.atomic
def attendance_record(
    *, meeting: Meeting, statuses: dict[int, dict], guests: list[dict] | None = None
) -> Meeting:
    """Record who was present (``{invitation id: {"attendance": …, "substitute_name": …}}``)
    and the guests; the meeting becomes held and its quorum is computed from the rule."""
    _require_state(
        meeting,
        {MeetingState.SCHEDULED, MeetingState.HELD, MeetingState.POSTPONED},
        _("ثبت حضور و غیاب"),
    )
    if meeting.starts_at > timezone.now() + datetime.timedelta(hours=12):
        raise ValidationError(_("حضور و غیاب را در روز جلسه ثبت کنید."), code="too_early")
    invitations = {i.pk: i for i in meeting.invitations.order_by("pk").select_for_update()}
    unknown = set(statuses) - set(invitations)
    if unknown:
        raise ValidationError(_("فهرست مدعوان تغییر کرده است؛ صفحه را تازه کنید."), code="stale")
    for pk, invitation in invitations.items():
        row = statuses.get(pk, {})
        status = row.get("attendance", "")
        if status not in AttendanceStatus.values:
            raise ValidationError(
                _("وضعیت حضور %(person)s را تعیین کنید.") % {"person": invitation.person},
                code="missing_status",
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
    meeting.quorum_met = present >= quorum_required(body=meeting.body, members=len(invitations))
    meeting.state = MeetingState.HELD
    meeting.save(update_fields=["quorum_met", "state", "updated_at"])
    return meeting


# --- minutes -----------------------------------------------------------------------------------


@transaction.atomic
def minutes_update(*, meeting: Meeting, preamble: str, discussions: dict[int, str]) -> Minutes:
    """Write the minutes' preamble and the discussion of each agenda item."""
    _require_state(meeting, {MeetingState.HELD, MeetingState.IN_REVIEW}, _("نوشتن صورتجلسه"))
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
    _require_state(
        meeting, {MeetingState.HELD, MeetingState.IN_REVIEW}, _("ارسال پیش‌نویس صورتجلسه")
    )
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
    _require_state(meeting, {MeetingState.IN_REVIEW}, _("اظهارنظر درباره صورتجلسه"))
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
        raise ValidationError({"decision": _("تأیید یا نظر را برگزینید.")}, code="invalid_decision")
    if decision == ReviewDecision.COMMENTED and not comment.strip():
        raise ValidationError({"comment": _("نظر خود را بنویسید.")}, code="comment_required")
    review, _created = MinutesReview.objects.update_or_create(
        minutes=minutes, person=person, defaults={"decision": decision, "comment": comment.strip()}
    )
    return review
