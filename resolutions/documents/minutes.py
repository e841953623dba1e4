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

from committees.models import (
    AttendanceStatus,
    Invitation,
    Meeting,
    MeetingState,
    Minutes,
    SeatRole,
    body_full_title,
)
from committees.workdays import add_working_days
from egov_portal.selectors import emblem_data_uri, jalali_year, province_authority, slogan_for
from egov_portal.text.i18n import official_document
from egov_portal.text.jalali import format_jalali_datetime, format_jalali_long, format_jalali_short
from egov_portal.text.persian import ordinal_fa, to_persian_digits
from members.models import Person
from resolutions.models import AgencyRole, Resolution

# Meetings whose minutes can be printed: drafts once the meeting is held, and approved ones.
DRAFT_STATES = frozenset({MeetingState.HELD, MeetingState.IN_REVIEW})
PRINTABLE_STATES = DRAFT_STATES | {MeetingState.APPROVED}

#: The shape of the snapshot; a later shape gets a new number and keeps reading this one.
#: 2 added the letterhead, the secretary, the papers, each resolution's deadline rule and
#: the body it refers to (absent from a version 1 snapshot, which prints as it did).
SNAPSHOT_VERSION = 2
#: Who counts as present, and so signs: a listed status of the snapshot's attendance.
SIGNING = (AttendanceStatus.PRESENT, AttendanceStatus.SUBSTITUTE)
#: The seats whose holder signs the minutes as their secretary (دبیر).
SECRETARY_ROLES = (SeatRole.SECRETARY, SeatRole.VICE_CHAIR_SECRETARY)


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
class PaperRow:
    name: str
    agenda: str


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
    deadline_rule: str = ""
    refer_to: str = ""


# --- the fingerprint -----------------------------------------------------------------------


def canonical_json(snapshot: dict) -> bytes:
    """The snapshot as canonical JSON (sorted keys, UTF-8, no spaces): what the fingerprint
    hashes and what the archived PDF carries as its attachment."""
    data = json.dumps(snapshot, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return data.encode("utf-8")


def fingerprint_of(snapshot: dict) -> str:
    """The SHA-256 of the snapshot as canonical JSON (:func:`canonical_json`)."""
    return hashlib.sha256(canonical_json(snapshot)).hexdigest()


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


def _deadline(resolution, issued_on) -> tuple[str, str]:
    """The deadline the minutes print: ``(date, rule)``. A deadline of N working days after
    the directive's issue prints its rule, and once the minutes are approved (the
    directives are issued that day, ``issued_on``) the date it falls on as well — the
    date ``directives_issue`` gives the directives."""
    working_days = resolution.deadline_working_days
    if working_days:
        rule = _("%(n)s روز کاری پس از ابلاغ") % {"n": to_persian_digits(working_days)}
        if issued_on is None:
            return "", rule
        return format_jalali_short(add_working_days(issued_on, working_days)), rule
    return format_jalali_short(resolution.deadline), ""


def _resolution(resolution, body_id: int, issued_on) -> dict:
    addressees = [] if resolution.all_agencies else list(resolution.addressees.all())
    deadline, rule = _deadline(resolution, issued_on)
    return {
        "label": _computed(Resolution, "label", resolution),
        "text": resolution.text,
        "all_agencies": resolution.all_agencies,
        "responsible": [a.agency.name for a in addressees if a.role == AgencyRole.RESPONSIBLE],
        "collaborating": [a.agency.name for a in addressees if a.role == AgencyRole.COLLABORATING],
        "deadline": deadline,
        "deadline_rule": rule,
        "refer_to": resolution.refer_to.name if resolution.refer_to_id else "",
        "amends": _amends_text(resolution, body_id),
    }


def _has_field(model, name: str) -> bool:
    """Whether ``model`` (maybe a migration's historical model) has the field ``name``."""
    return any(f.name == name for f in model._meta.get_fields())


def _provinces(registry):
    """The Province manager of ``registry``, or None in a migration state without it."""
    try:
        return registry.get_model("egov_portal", "Province").objects
    except LookupError:
        return None


def minutes_snapshot(meeting: Meeting, *, minutes: Minutes | None = None) -> dict:
    """Everything the minutes of ``meeting`` print, as they print it, as plain JSON data
    (nine queries with the body selected, however many rows the meeting has, and one more
    for each resolution whose deadline is in working days once the minutes are approved).

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
        meeting.resolutions.select_related("amends__meeting__body", "refer_to")
        .prefetch_related(Prefetch("addressees", queryset=addressees))
        .order_by("order", "pk")
    )
    # The papers of the agenda, as the minutes list them as their attachments (پیوست).
    papers = (
        registry.get_model("committees", "Paper")
        .objects.filter(agenda_item__meeting=meeting)
        .order_by("agenda_item__order", "agenda_item__pk", "pk")
        .values_list("original_name", "agenda_item__title")
    )
    if _has_field(registry.get_model("committees", "AgendaItem"), "removed_at"):
        # A join does not go through the agenda's manager: leave removed items' papers out.
        papers = papers.filter(agenda_item__removed_at__isnull=True)
    # The day the approved minutes' directives are issued, which their deadlines count from.
    issued_on = timezone.localdate(minutes.approved_at) if minutes.approved_at else None
    body = meeting.body
    with official_document():
        attendance = []
        chair = secretary = ""
        for invitation in invitations:
            if invitation.attendance not in AttendanceStatus.values:
                continue  # attendance not recorded: the minutes do not list him
            attendee = _attendee(invitation)
            attendance.append(attendee)
            seat = invitation.seat
            signs = _computed(Invitation, "counts_for_quorum", invitation)
            if signs and seat and seat.role == SeatRole.CHAIR and not chair:
                chair = attendee["name"]
            if signs and seat and seat.role in SECRETARY_ROLES and not secretary:
                secretary = attendee["name"]
        approver = _user_name(minutes.approved_by)
        return {
            "version": SNAPSHOT_VERSION,
            "letterhead": {
                "country": _("جمهوری اسلامی ایران"),
                "authority": province_authority(body.jurisdiction, provinces=_provinces(registry)),
            },
            "body": {"name": body.name, "jurisdiction": body.jurisdiction},
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
            "secretary": secretary,
            "attendance": attendance,
            "guests": [{"name": g.name, "agency": g.agency} for g in meeting.guests.order_by("pk")],
            "agenda": [
                {"title": a.title, "presenter": a.presenter, "discussion": a.discussion}
                for a in meeting.agenda_items.order_by("order", "pk")
            ],
            "resolutions": [_resolution(r, meeting.body_id, issued_on) for r in resolutions],
            "papers": [{"name": name, "agenda": title} for name, title in papers],
            "approval": {"by": approver, "at": format_jalali_datetime(minutes.approved_at)},
        }


# --- the document, made of the snapshot alone ----------------------------------------------


def _letterhead(snapshot: dict) -> dict:
    """The letterhead's lines; a version 1 snapshot, which has none, gets them made of its
    body's jurisdiction (reading nothing)."""
    if "letterhead" in snapshot:
        return snapshot["letterhead"]
    jurisdiction = snapshot["body"]["jurisdiction"]
    authority = _("استانداری %(province)s") % {"province": jurisdiction} if jurisdiction else ""
    return {"country": _("جمهوری اسلامی ایران"), "authority": authority}


def minutes_document_context(snapshot: dict, *, fingerprint: str = "", emblem: str = "") -> dict:
    """The template context of the minutes, made of ``snapshot`` and nothing else but the
    fingerprint (with its QR code and verification URL) of approved minutes and the
    letterhead's ``emblem`` (a ``data:`` URI, :func:`minutes_emblem`; without it the
    letterhead prints a neutral placeholder); minutes without a fingerprint are a draft and
    say so. Reads nothing from the database."""
    attendance = [Attendee(**a) for a in snapshot["attendance"]]
    groups = {status: [a for a in attendance if a.status == status] for status in AttendanceStatus}
    meeting = snapshot["meeting"]
    approver = snapshot["approval"]["by"]
    body = snapshot["body"]
    # Made at each rendering from the name and province the snapshot holds, so approved
    # minutes name their province («… استان گیلان») with their snapshot and fingerprint as
    # they were approved.
    title = body_full_title(body["name"], body["jurisdiction"])
    return {
        "is_draft": not fingerprint,
        # A new dict: the snapshot's own stays as it was fingerprinted.
        "letterhead": {**_letterhead(snapshot), "emblem": emblem, "body_title": title, "unit": ""},
        "body": body,
        "body_title": title,
        "slogan": snapshot["slogan"],
        "meeting_title": meeting["title"],
        "date_long": meeting["date"],
        "time_text": meeting["time"],
        "place": meeting["place"],
        "letter_number": snapshot["letter"]["number"],
        "letter_date": snapshot["letter"]["date"],
        "preamble": snapshot["preamble"],
        "chair_name": snapshot["chair"],
        "secretary_name": snapshot.get("secretary", ""),
        "present": groups[AttendanceStatus.PRESENT],
        "substitutes": groups[AttendanceStatus.SUBSTITUTE],
        "absent": groups[AttendanceStatus.ABSENT],
        "excused": groups[AttendanceStatus.EXCUSED],
        "signatures": [a for a in attendance if a.status in SIGNING],
        "guests": [GuestRow(**g) for g in snapshot["guests"]],
        "agenda": [AgendaRow(**a) for a in snapshot["agenda"]],
        "resolutions": [ResolutionRow(**r) for r in snapshot["resolutions"]],
        "papers": [PaperRow(**p) for p in snapshot.get("papers", [])],
        "approver_name": approver,
        # Approved with no approver: a historical record entered as approved (1394/02/07).
        "is_historical": bool(fingerprint) and not approver,
        "approved_at": snapshot["approval"]["at"],
        "fingerprint": fingerprint,
        "fingerprint_groups": fingerprint_groups(fingerprint),
        "verify_url": verification_url(fingerprint) if fingerprint else "",
        "qr": qr_data_uri(verification_url(fingerprint)) if fingerprint else "",
    }


def minutes_emblem(snapshot: dict) -> str:
    """The emblem an administrator set for the province of the minutes' body, as a
    ``data:`` URI the PDF embeds, or "" (one query)."""
    return emblem_data_uri(snapshot["body"]["jurisdiction"])


def minutes_document(meeting: Meeting) -> dict:
    """Everything the printed minutes show, as a template context.

    Approved minutes print their snapshot (one query) with their fingerprint; a draft prints
    the live records (nine queries, ``meeting`` with its body selected) as a draft; the
    letterhead's emblem is one query more.
    """
    if meeting.state == MeetingState.APPROVED:
        minutes = Minutes.objects.only("snapshot", "fingerprint").get(meeting=meeting)
        snapshot = minutes.snapshot or minutes_snapshot(meeting)
        return minutes_document_context(
            snapshot, fingerprint=minutes.fingerprint, emblem=minutes_emblem(snapshot)
        )
    snapshot = minutes_snapshot(meeting)
    return minutes_document_context(snapshot, emblem=minutes_emblem(snapshot))
