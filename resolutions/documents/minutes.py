"""The minutes as a printed document (صورتجلسه): one place that gathers what the PDF and the
print view show, with a fixed number of queries however many rows the meeting has."""

from __future__ import annotations

from dataclasses import dataclass, field

import segno
from django.conf import settings
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from committees.models import AttendanceStatus, Meeting, MeetingState, Minutes, SeatRole
from egov_portal.text.jalali import format_jalali_long
from egov_portal.text.persian import ordinal_fa, to_persian_digits
from resolutions.models import AgencyRole, Resolution, ResolutionAgency

# Meetings whose minutes can be printed: drafts once the meeting is held, and approved ones.
DRAFT_STATES = frozenset({MeetingState.HELD, MeetingState.IN_REVIEW})
PRINTABLE_STATES = DRAFT_STATES | {MeetingState.APPROVED}


@dataclass(frozen=True)
class Attendee:
    name: str
    seat: str
    status: str
    substitute_for: str = ""
    substitute_post: str = ""


@dataclass(frozen=True)
class ResolutionRow:
    label: str
    text: str
    all_agencies: bool
    responsible: list[str] = field(default_factory=list)
    collaborating: list[str] = field(default_factory=list)
    deadline: object = None
    amends: str = ""


def verification_url(minutes: Minutes) -> str:
    """The public page that checks these minutes' fingerprint (what the QR code encodes)."""
    path = reverse("resolutions:verify_fingerprint", args=[minutes.fingerprint])
    return settings.PORTAL_BASE_URL + path


def qr_data_uri(text: str) -> str:
    """A QR code of ``text`` as an SVG ``data:`` URI (no text inside the SVG; it scales to
    whatever width the stylesheet gives it)."""
    return segno.make(text, error="m").svg_data_uri(border=2, omitsize=True)


def fingerprint_groups(fingerprint: str) -> list[str]:
    """The fingerprint in groups of eight characters, easier to read aloud and compare."""
    return [fingerprint[i : i + 8] for i in range(0, len(fingerprint), 8)]


def _time_text(meeting: Meeting) -> str:
    start = timezone.localtime(meeting.starts_at).strftime("%H:%M")
    if meeting.ends_at is None:
        return to_persian_digits(start)
    end = timezone.localtime(meeting.ends_at).strftime("%H:%M")
    return to_persian_digits(f"{start} – {end}")


def _person_name(user) -> str:
    if user is None:
        return ""
    person = getattr(user, "person", None)
    if person is not None:
        return person.full_name
    return user.get_full_name() or user.get_username()


def _amends_text(resolution: Resolution, body_id: int) -> str:
    """«بند ب جلسه پنجم» (with the body's name when it is another body's resolution)."""
    amended = resolution.amends
    if amended is None:
        return ""
    meeting = amended.meeting
    params = {"label": amended.label, "ordinal": ordinal_fa(meeting.number)}
    if meeting.body_id == body_id:
        return _("بند %(label)s جلسه %(ordinal)s") % params
    return _("بند %(label)s جلسه %(ordinal)s %(body)s") % {**params, "body": meeting.body.name}


def _resolution_row(resolution: Resolution, body_id: int) -> ResolutionRow:
    addressees = resolution.addressees.all()
    return ResolutionRow(
        label=resolution.label,
        text=resolution.text,
        all_agencies=resolution.all_agencies,
        responsible=[a.agency.name for a in addressees if a.role == AgencyRole.RESPONSIBLE],
        collaborating=[a.agency.name for a in addressees if a.role == AgencyRole.COLLABORATING],
        deadline=resolution.deadline,
        amends=_amends_text(resolution, body_id),
    )


def minutes_document(meeting: Meeting) -> dict:
    """Everything the printed minutes show, as a template context (six queries).

    ``meeting`` should come with its body selected. For approved minutes the context
    carries the fingerprint, its QR code and the verification URL; a draft carries none
    of them and is marked as a draft.
    """
    minutes = Minutes.objects.select_related("approved_by__person").get(meeting=meeting)
    is_draft = meeting.state != MeetingState.APPROVED
    invitations = list(
        meeting.invitations.select_related("person", "seat").order_by("seat__order", "pk")
    )
    guests = list(meeting.guests.order_by("pk"))
    agenda = list(meeting.agenda_items.order_by("order", "pk"))
    resolutions = (
        Resolution.objects.filter(meeting=meeting)
        .select_related("amends__meeting__body")
        .prefetch_related(
            Prefetch(
                "addressees",
                queryset=ResolutionAgency.objects.select_related("agency").order_by(
                    "role", "agency__name"
                ),
            )
        )
        .order_by("order", "pk")
    )

    groups: dict[str, list[Attendee]] = {status: [] for status in AttendanceStatus.values}
    signatures: list[Attendee] = []
    chair_name = ""
    for invitation in invitations:
        seat = invitation.seat.title if invitation.seat else ""
        if invitation.attendance == AttendanceStatus.SUBSTITUTE:
            attendee = Attendee(
                name=invitation.substitute_name,
                seat=seat,
                status=invitation.attendance,
                substitute_for=invitation.person.full_name,
                substitute_post=invitation.substitute_post,
            )
        else:
            attendee = Attendee(
                name=invitation.person.full_name, seat=seat, status=invitation.attendance
            )
        if invitation.attendance in groups:
            groups[invitation.attendance].append(attendee)
        if invitation.counts_for_quorum:
            signatures.append(attendee)
            if invitation.seat and invitation.seat.role == SeatRole.CHAIR and not chair_name:
                chair_name = attendee.name
    if not chair_name:
        chair_name = _person_name(minutes.approved_by)

    fingerprint = "" if is_draft else minutes.fingerprint
    return {
        "meeting": meeting,
        "minutes": minutes,
        "body": meeting.body,
        "is_draft": is_draft,
        "meeting_title": meeting.title,
        "date_long": format_jalali_long(meeting.starts_at),
        "time_text": _time_text(meeting),
        "chair_name": chair_name,
        "approver_name": _person_name(minutes.approved_by),
        "present": groups[AttendanceStatus.PRESENT],
        "substitutes": groups[AttendanceStatus.SUBSTITUTE],
        "absent": groups[AttendanceStatus.ABSENT],
        "excused": groups[AttendanceStatus.EXCUSED],
        "guests": guests,
        "agenda": agenda,
        "resolutions": [_resolution_row(r, meeting.body_id) for r in resolutions],
        "signatures": signatures,
        "fingerprint": fingerprint,
        "fingerprint_groups": fingerprint_groups(fingerprint),
        "verify_url": verification_url(minutes) if fingerprint else "",
        "qr": qr_data_uri(verification_url(minutes)) if fingerprint else "",
    }
