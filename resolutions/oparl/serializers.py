"""The portal's records as OParl 1.1 objects (plain dicts, ready for JSON).

Each function takes rows already read (by ``selectors.py``) and queries nothing. Text is
given as stored — Persian — and the labels of choices in the portal's language, whatever
the asker's: the endpoint is stateless and the same for everyone. Ids are the objects'
absolute URLs under ``PORTAL_BASE_URL``. As the spec recommends, a property without a value
is left out rather than given as ``null``, ``""`` or ``[]`` (except the lists OParl requires).

Nothing here reads a person's national code, mobile number or e-mail address: a person is
his name, his title and the seats he held, as on the public pages.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from committees.models import AgendaItem, Body, LegalBasis, Meeting, Minutes, Seat
from egov_portal.text.jalali import to_jalali
from members.models import Person
from resolutions.models import Resolution
from resolutions.oparl.files import PdfFacts, minutes_filename
from resolutions.oparl.selectors import Tenure, held_on
from resolutions.selectors.dashboard import Figures

OPARL_VERSION = "https://schema.oparl.org/1.1/"
#: OParl's namespace for vendor extensions: ``egov:directiveProgress`` and the like.
VENDOR = "egov"


def oparl_type(name: str) -> str:
    return f"{OPARL_VERSION}{name}"


def absolute(name: str, *args) -> str:
    """The absolute URL of the named page, under ``PORTAL_BASE_URL``."""
    return settings.PORTAL_BASE_URL + reverse(name, args=args)


def oparl_url(name: str, *args) -> str:
    return absolute(f"resolutions:oparl_{name}", *args)


def date_time(value: datetime.datetime | None) -> str | None:
    """``yyyy-mm-ddThh:mm:ss±hh:mm`` in the portal's time zone, as OParl wants it."""
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def date(value) -> str | None:
    """``yyyy-mm-dd`` (Gregorian) of a Jalali or Gregorian date."""
    if value is None:
        return None
    if hasattr(value, "togregorian"):
        value = value.togregorian()
    return value.isoformat()


def compact(obj: dict, *, keep: tuple[str, ...] = ()) -> dict:
    """``obj`` without the properties that have no value (those in ``keep`` stay)."""
    return {k: v for k, v in obj.items() if k in keep or v not in (None, "", [], {})}


def tombstone(*, id: str, kind: str, created, modified, **required) -> dict:
    """A deleted object as OParl keeps it (spec §2.8): its id, type and creation time, the
    time of its deletion as ``modified``, and ``deleted``; ``required`` are properties the
    type's schema cannot do without."""
    return {
        "id": id,
        "type": oparl_type(kind),
        **required,
        "created": date_time(created),
        "modified": date_time(modified),
        "deleted": True,
    }


# --- the system and the province ----------------------------------------------------------


def system_object() -> dict:
    return {
        "id": oparl_url("system"),
        "type": oparl_type("System"),
        "oparlVersion": OPARL_VERSION,
        "body": oparl_url("body_list"),
        "name": _("درگاه کارگروه توسعه دولت الکترونیک"),
        "website": absolute("committees:structure"),
        "web": absolute("committees:structure"),
    }


def body_lists(pk: int) -> dict:
    """The external lists of a province, which every ``Body`` must name."""
    return {
        "organization": oparl_url("body_organizations", pk),
        "person": oparl_url("body_persons", pk),
        "meeting": oparl_url("body_meetings", pk),
        "paper": oparl_url("body_papers", pk),
        "legislativeTerm": [],
    }


def province_name(jurisdiction: str) -> str:
    return _("استان %(province)s") % {"province": jurisdiction}


def body_object(province: Body) -> dict:
    """A province: OParl's ``Body``, its main organization the working group."""
    return compact(
        {
            "id": oparl_url("body", province.pk),
            "type": oparl_type("Body"),
            "system": oparl_url("system"),
            "name": province_name(province.jurisdiction),
            "shortName": province.jurisdiction,
            "classification": _("استان"),
            "website": absolute("committees:structure"),
            "mainOrganization": oparl_url("organization", province.pk),
            **body_lists(province.pk),
            "web": absolute("committees:structure"),
            "created": date_time(province.created_at),
            "modified": date_time(province.updated_at),
        },
        keep=("legislativeTerm",),
    )


# --- bodies: organizations --------------------------------------------------------------------


def legal_basis_object(basis: LegalBasis) -> dict:
    return compact(
        {
            "title": basis.title,
            "article": basis.article,
            "kind": basis.get_kind_display(),
            "approvingAuthority": basis.approving_authority,
            "approvalDate": date(basis.approval_date),
            "letterNumber": basis.letter_number,
            "letterDate": date(basis.letter_date),
        }
    )


def organization_object(
    body: Body,
    *,
    province: Body,
    seats: list[Seat],
    tenures: list[Tenure],
    chain: list[LegalBasis],
    parent_shown: bool,
    modified: datetime.datetime,
) -> dict:
    """A body of the province's structure, its seats as posts, every holder they had as
    memberships, and its legal basis — the act that founded it first, the chain up to
    Article 6 in ``keyword`` and, in full, in ``egov:legalBasis``."""
    return compact(
        {
            "id": oparl_url("organization", body.pk),
            "type": oparl_type("Organization"),
            "body": oparl_url("body", province.pk),
            "name": body.name,
            "shortName": body.short_name,
            "membership": [membership_url(t) for t in tenures],
            "meeting": oparl_url("organization_meetings", body.pk),
            "post": [seat.title for seat in seats],
            "subOrganizationOf": oparl_url("organization", body.parent_id)
            if parent_shown
            else None,
            "organizationType": body.get_kind_display(),
            "classification": str(chain[0]) if chain else None,
            "keyword": [str(basis) for basis in chain],
            "startDate": date(body.established_date),
            f"{VENDOR}:legalBasis": [legal_basis_object(basis) for basis in chain],
            "web": absolute("committees:body_detail", body.pk),
            "created": date_time(body.created_at),
            "modified": date_time(modified),
        }
    )


# --- seats and their holders: memberships and persons ---------------------------------------------


def membership_url(tenure: Tenure) -> str:
    if tenure.membership_pk:
        return oparl_url("membership", tenure.membership_pk)
    return oparl_url("post_membership", tenure.seat.pk, tenure.holding_pk)


def membership_object(tenure: Tenure) -> dict:
    """A person in a seat for a period. ``endDate`` is the last day he held it (the portal
    stores the first day he no longer did)."""
    seat = tenure.seat
    if tenure.deleted:
        return tombstone(
            id=membership_url(tenure),
            kind="Membership",
            created=tenure.created,
            modified=tenure.modified,
        )
    last_day = tenure.end_date - datetime.timedelta(days=1) if tenure.end_date else None
    return compact(
        {
            "id": membership_url(tenure),
            "type": oparl_type("Membership"),
            "person": oparl_url("person", tenure.person_id),
            "organization": oparl_url("organization", seat.body_id),
            "role": seat.title,
            "startDate": date(tenure.start_date),
            "endDate": date(last_day),
            "keyword": [seat.get_role_display(), seat.get_kind_display()],
            "web": absolute("committees:body_detail", seat.body_id),
            "created": date_time(tenure.created),
            "modified": date_time(tenure.modified),
        }
    )


def person_object(
    person: Person,
    *,
    province: Body,
    tenures: list[Tenure],
    modified: datetime.datetime,
    omit_internal: bool = False,
) -> dict:
    """A person by his name and title, the seats he holds today as ``status`` and every
    seat he held as memberships — never his national code, mobile or e-mail address."""
    today = timezone.localdate()
    posts = list(dict.fromkeys(t.seat.title for t in held_on(tenures, on_date=today)))
    return compact(
        {
            "id": oparl_url("person", person.pk),
            "type": oparl_type("Person"),
            "body": oparl_url("body", province.pk),
            "name": person.full_name,
            "familyName": person.last_name,
            "givenName": person.first_name,
            "title": [person.title] if person.title else [],
            "status": posts,
            "membership": [] if omit_internal else [membership_object(t) for t in tenures],
            "created": date_time(person.created_at),
            "modified": date_time(modified),
        }
    )


# --- meetings, their agenda and minutes ------------------------------------------------------------


def meeting_name(meeting: Meeting) -> str:
    return f"{meeting.title} {meeting.body.name}"


def location_object(meeting: Meeting) -> dict:
    """Where the meeting was held, as the minutes print it."""
    return compact(
        {
            "id": oparl_url("location", meeting.pk),
            "type": oparl_type("Location"),
            "description": meeting.place,
            "meetings": [oparl_url("meeting", meeting.pk)],
            "created": date_time(meeting.created_at),
            "modified": date_time(meeting.updated_at),
        }
    )


def agenda_item_object(item: AgendaItem) -> dict:
    return compact(
        {
            "id": oparl_url("agenda_item", item.pk),
            "type": oparl_type("AgendaItem"),
            "meeting": oparl_url("meeting", item.meeting_id),
            "number": str(item.order),
            "order": item.order,
            "name": item.title,
            "public": True,
            "web": absolute("committees:meeting_detail", item.meeting_id),
            "created": date_time(item.created_at),
            "modified": date_time(item.updated_at),
        }
    )


def file_modified(meeting: Meeting) -> datetime.datetime:
    """The file's name carries the body's: it changes with the minutes or the body."""
    return max(meeting.minutes.updated_at, meeting.body.updated_at)


def file_object(meeting: Meeting, facts: PdfFacts) -> dict:
    """The approved minutes' PDF: ``accessUrl`` is the minutes page's PDF, ``downloadUrl``
    the same bytes as an attachment, ``sha512Checksum`` theirs, and ``egov:fingerprint``
    the minutes' own SHA-256 fingerprint, which ``egov:verification`` checks."""
    minutes: Minutes = meeting.minutes
    return compact(
        {
            "id": oparl_url("file", minutes.pk),
            "type": oparl_type("File"),
            "name": _("صورتجلسه %(meeting)s") % {"meeting": meeting_name(meeting)},
            "fileName": minutes_filename(meeting),
            "mimeType": "application/pdf",
            "date": date(minutes.letter_date),
            "size": facts.size,
            "sha512Checksum": facts.sha512,
            "accessUrl": absolute("resolutions:minutes_pdf", meeting.pk),
            "downloadUrl": oparl_url("file_download", minutes.pk),
            "meeting": [oparl_url("meeting", meeting.pk)],
            f"{VENDOR}:fingerprint": minutes.fingerprint,
            f"{VENDOR}:letterNumber": minutes.letter_number,
            f"{VENDOR}:verification": (
                absolute("resolutions:verify_fingerprint", minutes.fingerprint)
                if minutes.fingerprint
                else None
            ),
            "web": absolute("committees:meeting_detail", meeting.pk),
            "created": date_time(minutes.created_at),
            "modified": date_time(file_modified(meeting)),
        }
    )


def meeting_object(
    meeting: Meeting,
    *,
    agenda: list[AgendaItem],
    participants: list[int],
    facts: PdfFacts | None,
    modified: datetime.datetime,
    omit_internal: bool = False,
) -> dict:
    """A meeting whose approved minutes are public: its time and place, its agenda, the
    published people recorded present, and the minutes as ``resultsProtocol`` (left out
    while their archived file is missing: a file without its checksum is not published)."""
    return compact(
        {
            "id": oparl_url("meeting", meeting.pk),
            "type": oparl_type("Meeting"),
            "name": meeting_name(meeting),
            "meetingState": meeting.get_state_display(),
            "start": date_time(meeting.starts_at),
            "end": date_time(meeting.ends_at),
            "location": location_object(meeting),
            "organization": [oparl_url("organization", meeting.body_id)],
            "participant": [oparl_url("person", pk) for pk in participants],
            "resultsProtocol": file_object(meeting, facts) if facts is not None else None,
            "agendaItem": [] if omit_internal else [agenda_item_object(i) for i in agenda],
            "web": absolute("committees:meeting_detail", meeting.pk),
            "created": date_time(meeting.created_at),
            "modified": date_time(modified),
        }
    )


def meeting_tombstone(meeting: Meeting) -> dict:
    return tombstone(
        id=oparl_url("meeting", meeting.pk),
        kind="Meeting",
        created=meeting.created_at,
        modified=meeting.oparl_modified,
    )


# --- resolutions: papers and their consultation -----------------------------------------------------


def paper_reference(resolution: Resolution) -> str:
    """«بند الف جلسه ششم <body>», as the public page of resolutions heads it."""
    meeting = resolution.meeting
    return _("بند %(label)s %(meeting)s %(body)s") % {
        "label": resolution.label,
        "meeting": meeting.title,
        "body": meeting.body.name,
    }


def consultation_object(resolution: Resolution) -> dict:
    """The meeting that adopted the resolution (its agenda item and body, when they are
    published)."""
    meeting_shown = resolution.oparl_meeting_shown
    return compact(
        {
            "id": oparl_url("consultation", resolution.pk),
            "type": oparl_type("Consultation"),
            "paper": oparl_url("paper", resolution.pk),
            "meeting": oparl_url("meeting", resolution.meeting_id) if meeting_shown else None,
            "agendaItem": (
                oparl_url("agenda_item", resolution.agenda_item_id)
                if meeting_shown and resolution.agenda_item_id
                else None
            ),
            "organization": (
                [oparl_url("organization", resolution.meeting.body_id)]
                if resolution.oparl_body_shown
                else []
            ),
            "authoritative": True,
            "role": _("تصویب"),
            "created": date_time(resolution.created_at),
            "modified": date_time(resolution.updated_at),
        }
    )


def directive_progress(status: Figures) -> dict:
    """How far the resolution's directives have come, as the public page says it: of the
    agencies it binds, how many have done it (verified) and how many are past the
    deadline."""
    return {"agencies": status.active, "done": status.verified, "overdue": status.overdue}


def paper_object(
    resolution: Resolution,
    *,
    province: Body,
    status: Figures,
    related: list[int],
    modified: datetime.datetime,
) -> dict:
    """A public resolution: its text as ``name``, its label as ``reference``, the meeting
    that adopted it as ``consultation``, its deadline and its directives' progress as
    vendor extensions."""
    meeting = resolution.meeting
    return compact(
        {
            "id": oparl_url("paper", resolution.pk),
            "type": oparl_type("Paper"),
            "body": oparl_url("body", province.pk),
            "name": resolution.text,
            "reference": paper_reference(resolution),
            "date": date(timezone.localdate(meeting.starts_at)),
            "paperType": resolution.get_kind_display(),
            "relatedPaper": [oparl_url("paper", pk) for pk in related],
            "originatorOrganization": (
                [oparl_url("organization", meeting.body_id)] if resolution.oparl_body_shown else []
            ),
            "consultation": [consultation_object(resolution)],
            f"{VENDOR}:deadline": date(resolution.deadline),
            f"{VENDOR}:deadlineJalali": (
                to_jalali(resolution.deadline).strftime("%Y/%m/%d") if resolution.deadline else None
            ),
            f"{VENDOR}:directiveProgress": directive_progress(status),
            "web": absolute("resolutions:public_resolutions"),
            "created": date_time(resolution.created_at),
            "modified": date_time(modified),
        }
    )
