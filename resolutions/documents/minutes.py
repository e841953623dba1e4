"""The minutes as a printed document (صورتجلسه): what the PDF and the print view show.

Everything the minutes print is gathered into a *snapshot*: plain JSON data holding each
name, post, seat, agency, date and text as the document prints it. On approval the snapshot
is stored with the minutes and their fingerprint is its SHA-256, so approved minutes print
from the snapshot alone — a later correction of a person's, an agency's, a body's or a
seat's name shows on the live pages, never on the minutes — and the verification page
checks the snapshot against the fingerprint. A draft prints from a snapshot built from the
live records at each request. The template reads nothing but the context made from the
snapshot (``minutes_document_context``); tests/test_minutes_snapshot.py holds the two to
each other.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

import segno
from django.conf import settings
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from committees.models import AttendanceStatus, Invitation, Meeting, MeetingState, Minutes, SeatRole
from egov_portal.selectors import jalali_year, slogan_for
from egov_portal.text.i18n import official_document
from egov_portal.text.jalali import format_jalali_datetime, format_jalali_long, format_jalali_short
from egov_portal.text.persian import ordinal_fa, to_persian_digits
from members.models import Person
from resolutions.models import AgencyRole, Resolution

# Meetings whose minutes can be printed: drafts once the meeting is held, and approved ones.
DRAFT_STATES = frozenset({MeetingState.HELD, MeetingState.IN_REVIEW})
PRINTABLE_STATES = DRAFT_STATES | {MeetingState.APPROVED}

#: The shape of the snapshot; a later shape gets a new number and keeps reading this one.
SNAPSHOT_VERSION = 1
#: Who counts as present, and so signs: a listed status of the snapshot's attendance.
SIGNING = (AttendanceStatus.PRESENT, AttendanceStatus.SUBSTITUTE)


@dataclass(frozen=True)
class Attendee:
    name: str
    seat: str
    status: str
    substitute_for: str = ""
    substitute_post: str = ""


@dataclass(frozen=True)
class GuestRow:
    name: str
    agency: str


@dataclass(frozen=True)
class AgendaRow:
    title: str
    presenter: str
    discussion: str


@dataclass(frozen=True)
class ResolutionRow:
    label: str
    text: str
    all_agencies: bool
    responsible: list[str] = field(default_factory=list)
    collaborating: list[str] = field(default_factory=list)
    deadline: str = ""
    amends: str = ""


# --- the fingerprint -----------------------------------------------------------------------


def fingerprint_of(snapshot: dict) -> str:
    """The SHA-256 of the snapshot as canonical JSON (sorted keys, UTF-8, no spaces)."""
    data = json.dumps(snapshot, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def verification_url(fingerprint: str) -> str:
    """The public page that checks a fingerprint (what the QR code encodes)."""
    path = reverse("resolutions:verify_fingerprint", args=[fingerprint])
    return settings.PORTAL_BASE_URL + path


def qr_data_uri(text: str) -> str:
    """A QR code of ``text`` as an SVG ``data:`` URI (no text inside the SVG; it scales to
    whatever width the stylesheet gives it)."""
    return segno.make(text, error="m").svg_data_uri(border=2, omitsize=True)


def fingerprint_groups(fingerprint: str) -> list[str]:
    """The fingerprint in groups of eight characters, easier to read aloud and compare."""
    return [fingerprint[i : i + 8] for i in range(0, len(fingerprint), 8)]


# --- the snapshot, built from the records --------------------------------------------------


def _computed(model, name: str, instance) -> object:
    """``instance.<name>`` through ``model``'s property, which reads fields only: so the
    historical models of a data migration, which have fields but no properties, work too."""
    return getattr(model, name).fget(instance)


def _time_text(meeting) -> str:
    start = timezone.localtime(meeting.starts_at).strftime("%H:%M")
    if meeting.ends_at is None:
        return to_persian_digits(start)
    end = timezone.localtime(meeting.ends_at).strftime("%H:%M")
    return to_persian_digits(f"{start} – {end}")


def _user_name(user) -> str:
    if user is None:
        return ""
    person = getattr(user, "person", None)
    if person is not None:
        return _computed(Person, "full_name", person)
    return f"{user.first_name} {user.last_name}".strip() or user.username


def _amends_text(resolution, body_id: int) -> str:
    """«بند ب جلسه پنجم» (with the body's name when it is another body's resolution)."""
    amended = resolution.amends
    if amended is None:
        return ""
    meeting = amended.meeting
    label = _computed(Resolution, "label", amended)
    params = {"label": label, "ordinal": ordinal_fa(meeting.number)}
    if meeting.body_id == body_id:
        return _("بند %(label)s جلسه %(ordinal)s") % params
    return _("بند %(label)s جلسه %(ordinal)s %(body)s") % {**params, "body": meeting.body.name}


def _attendee(invitation) -> dict:
    seat = invitation.seat.title if invitation.seat else ""
    name = _computed(Person, "full_name", invitation.person)
    if invitation.attendance != AttendanceStatus.SUBSTITUTE:
        return {"name": name, "seat": seat, "status": invitation.attendance}
    return {
        "name": invitation.substitute_name,
        "seat": seat,
        "status": invitation.attendance,
        "substitute_for": name,
        "substitute_post": invitation.substitute_post,
    }


def _resolution(resolution, body_id: int) -> dict:
    addressees = [] if resolution.all_agencies else list(resolution.addressees.all())
    return {
        "label": _computed(Resolution, "label", resolution),
        "text": resolution.text,
        "all_agencies": resolution.all_agencies,
        "responsible": [a.agency.name for a in addressees if a.role == AgencyRole.RESPONSIBLE],
        "collaborating": [a.agency.name for a in addressees if a.role == AgencyRole.COLLABORATING],
        "deadline": format_jalali_short(resolution.deadline),
        "amends": _amends_text(resolution, body_id),
    }


def minutes_snapshot(meeting: Meeting, *, minutes: Minutes | None = None) -> dict:
    """Everything the minutes of ``meeting`` print, as they print it, as plain JSON data
    (seven queries with the body selected, however many rows the meeting has).

    ``minutes`` may be given when its fields were just set and are not saved yet. The rows
    are read through the models' own registry (``meeting._meta.apps``), so that the data
    migration that froze minutes approved before snapshots runs this same code.
    """
    registry = meeting._meta.apps
    if minutes is None:
        minutes = (
            registry.get_model("committees", "Minutes")
            .objects.select_related("approved_by__person")
            .get(meeting=meeting)
        )
    # In the addressees' own order (ResolutionAgency.Meta.ordering), split by role below.
    addressees = registry.get_model("resolutions", "ResolutionAgency").objects.select_related(
        "agency"
    )
    invitations = meeting.invitations.select_related("person", "seat").order_by("seat__order", "pk")
    # The slogan of the meeting's year, as every document prints the slogan of its date.
    slogans = (
        registry.get_model("egov_portal", "Slogan")
        .objects.filter(year=jalali_year(meeting.starts_at))
        .values_list("year", "text")
    )
    resolutions = (
        meeting.resolutions.select_related("amends__meeting__body")
        .prefetch_related(Prefetch("addressees", queryset=addressees))
        .order_by("order", "pk")
    )
    with official_document():
        attendance = []
        chair = ""
        for invitation in invitations:
            if invitation.attendance not in AttendanceStatus.values:
                continue  # attendance not recorded: the minutes do not list him
            attendee = _attendee(invitation)
            attendance.append(attendee)
            seat = invitation.seat
            signs = _computed(Invitation, "counts_for_quorum", invitation)
            if signs and seat and seat.role == SeatRole.CHAIR and not chair:
                chair = attendee["name"]
        approver = _user_name(minutes.approved_by)
        return {
            "version": SNAPSHOT_VERSION,
            "body": {"name": meeting.body.name, "jurisdiction": meeting.body.jurisdiction},
            "slogan": slogan_for(meeting.starts_at, slogans=dict(slogans)),
            "meeting": {
                "title": _computed(Meeting, "title", meeting),
                "date": format_jalali_long(meeting.starts_at),
                "time": _time_text(meeting),
                "place": meeting.place,
            },
            "letter": {
                "number": to_persian_digits(minutes.letter_number),
                "date": format_jalali_short(minutes.letter_date),
            },
            "preamble": minutes.preamble,
            "chair": chair or approver,
            "attendance": attendance,
            "guests": [{"name": g.name, "agency": g.agency} for g in meeting.guests.order_by("pk")],
            "agenda": [
                {"title": a.title, "presenter": a.presenter, "discussion": a.discussion}
                for a in meeting.agenda_items.order_by("order", "pk")
            ],
            "resolutions": [_resolution(r, meeting.body_id) for r in resolutions],
            "approval": {"by": approver, "at": format_jalali_datetime(minutes.approved_at)},
        }


# --- the document, made of the snapshot alone ----------------------------------------------


def minutes_document_context(snapshot: dict, *, fingerprint: str = "") -> dict:
    """The template context of the minutes, made of ``snapshot`` and nothing else but the
    fingerprint (with its QR code and verification URL) of approved minutes; minutes
    without a fingerprint are a draft and say so. Reads nothing from the database."""
    attendance = [Attendee(**a) for a in snapshot["attendance"]]
    groups = {status: [a for a in attendance if a.status == status] for status in AttendanceStatus}
    meeting = snapshot["meeting"]
    return {
        "is_draft": not fingerprint,
        "body": snapshot["body"],
        "slogan": snapshot["slogan"],
        "meeting_title": meeting["title"],
        "date_long": meeting["date"],
        "time_text": meeting["time"],
        "place": meeting["place"],
        "letter_number": snapshot["letter"]["number"],
        "letter_date": snapshot["letter"]["date"],
        "preamble": snapshot["preamble"],
        "chair_name": snapshot["chair"],
        "present": groups[AttendanceStatus.PRESENT],
        "substitutes": groups[AttendanceStatus.SUBSTITUTE],
        "absent": groups[AttendanceStatus.ABSENT],
        "excused": groups[AttendanceStatus.EXCUSED],
        "signatures": [a for a in attendance if a.status in SIGNING],
        "guests": [GuestRow(**g) for g in snapshot["guests"]],
        "agenda": [AgendaRow(**a) for a in snapshot["agenda"]],
        "resolutions": [ResolutionRow(**r) for r in snapshot["resolutions"]],
        "approver_name": snapshot["approval"]["by"],
        "approved_at": snapshot["approval"]["at"],
        "fingerprint": fingerprint,
        "fingerprint_groups": fingerprint_groups(fingerprint),
        "verify_url": verification_url(fingerprint) if fingerprint else "",
        "qr": qr_data_uri(verification_url(fingerprint)) if fingerprint else "",
    }


def minutes_document(meeting: Meeting) -> dict:
    """Everything the printed minutes show, as a template context.

    Approved minutes print their snapshot (one query) with their fingerprint; a draft prints
    the live records (seven queries, ``meeting`` with its body selected) as a draft.
    """
    if meeting.state == MeetingState.APPROVED:
        minutes = Minutes.objects.only("snapshot", "fingerprint").get(meeting=meeting)
        snapshot = minutes.snapshot or minutes_snapshot(meeting)
        return minutes_document_context(snapshot, fingerprint=minutes.fingerprint)
    return minutes_document_context(minutes_snapshot(meeting))
