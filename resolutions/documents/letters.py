"""Directive letters (نامه ابلاغ): one agency's letter as PDF, and all of a meeting's letters
in one PDF made by a background job (``egov_portal/jobs/runner.py``).

Each letter is laid out on one A4 page with its own «صفحه ۱ از ۱» footer; the meeting's
file is the letters rendered one by one (so progress is real: letters done / total) and
joined into one PDF by WeasyPrint itself, which keeps each letter's page numbering.
"""

from __future__ import annotations

import datetime
import logging
import re
from collections.abc import Iterable
from urllib.parse import urljoin

from django.db.models import Prefetch, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from committees.models import Body, Meeting, SeatRole
from committees.selectors.structure import seat_states_on
from egov_portal import signing
from egov_portal.jobs import runner as jobs
from egov_portal.pdf import PDF_BASE_URL, render_pdf, static_only_fetcher
from egov_portal.selectors import letterhead_for, slogan_for, slogans_by_year
from egov_portal.text.i18n import official_document
from egov_portal.text.jalali import format_jalali_long, format_jalali_short
from egov_portal.uploads import safe_download_name
from resolutions.models import (
    AgencyRole,
    Classification,
    Directive,
    Priority,
    ResolutionAgency,
)

logger = logging.getLogger(__name__)

LETTER_TEMPLATE = "resolutions/letters/letter.html"
MEETING_LETTERS = "meeting_letters"
SECRETARY_ROLES = (SeatRole.SECRETARY, SeatRole.VICE_CHAIR_SECRETARY)


def _secretary_of(body: Body, on_date: datetime.date) -> dict:
    """The body's secretary on ``on_date`` for the signature: the holder of the secretary
    seat (his name and the seat's title), or just «دبیر …» when the seat is vacant
    (two queries: the seat, then its holder)."""
    role_title = _("دبیر %(body)s") % {"body": body.full_title}
    seats = list(
        body.seats.filter(role__in=SECRETARY_ROLES)
        .select_related("position", "position__agency", "agency")
        .order_by("order")[:1]
    )
    if seats:
        state = seat_states_on(seats=seats, on_date=on_date)[0]
        if state.holders:
            return {
                "name": state.holders[0].person.full_name,
                "seat_title": state.seat.title,
                "role_title": role_title,
            }
    return {"name": "", "seat_title": "", "role_title": role_title}


def _gregorian(value) -> datetime.date:
    return value.togregorian() if hasattr(value, "togregorian") else value


def _copies(directive: Directive, title: str) -> list[dict]:
    """The copy list (رونوشت): the resolution's other agencies (in the model's order,
    responsible ones first) and the issuing body's secretariat. An «all agencies» resolution lists no agency: each has
    its own letter."""
    purposes = {
        AgencyRole.RESPONSIBLE: _("جهت اطلاع و هماهنگی"),
        AgencyRole.COLLABORATING: _("جهت اطلاع و همکاری"),
    }
    copies = [
        {"to": addressee.agency.addressed_as, "purpose": purposes[addressee.role]}
        for addressee in directive.resolution.addressees.all()
        if addressee.agency_id != directive.agency_id
    ]
    copies.append(
        {
            "to": _("دبیرخانه %(body)s") % {"body": title},
            "purpose": _("جهت درج در پرونده و پیگیری"),
        }
    )
    return copies


def letter_context(
    directive: Directive,
    *,
    secretary: dict | None = None,
    slogans: dict[int, str] | None = None,
    letterhead: dict | None = None,
) -> dict:
    """Everything a directive letter shows (five queries: the secretary seat and its
    holder, none if ``secretary`` is given; the slogan, none if ``slogans`` is given; the
    province's letterhead, none if ``letterhead`` (``letterhead_for``) is given; the
    resolution's agencies, none when prefetched). The directive should come from
    ``directive_queryset()``, which selects and prefetches what the letter names."""
    resolution = directive.resolution
    meeting = resolution.meeting
    body = directive.body
    if secretary is None:
        secretary = _secretary_of(body, _gregorian(directive.issued_on))
    if letterhead is None:
        letterhead = letterhead_for(body.jurisdiction)
    title = body.full_title
    subject = _("ابلاغ مصوبه بند «%(label)s» %(meeting)s %(body)s") % {
        "label": resolution.label,
        "meeting": meeting.title,
        "body": title,
    }
    return {
        "directive": directive,
        "resolution": resolution,
        "meeting": meeting,
        "body": body,
        "body_title": title,
        # The minutes' letterhead (egov_portal/documents/letterhead.html), under it the
        # secretariat that issues the letter, as Iranian letters name their unit.
        "letterhead": {**letterhead, "body_title": title, "unit": _("دبیرخانه")},
        "agency": directive.agency,
        "addressee": directive.agency.addressed_as,
        "copies": _copies(directive, title),
        # The slogan of the year the letter was issued in, however late it is reprinted.
        "slogan": slogan_for(directive.issued_on, slogans=slogans),
        "subject": subject,
        "label": resolution.label,
        "meeting_title": meeting.title,
        "meeting_date": format_jalali_long(meeting.starts_at),
        "issued_on": format_jalali_short(directive.issued_on),
        "due_date": format_jalali_short(directive.due_date),
        "deadline_rule": directive.deadline_rule,
        "is_responsible": directive.role == AgencyRole.RESPONSIBLE,
        "role": directive.get_role_display(),
        "classification": directive.get_classification_display(),
        "classified": directive.classification != Classification.NORMAL,
        "priority": directive.get_priority_display(),
        "urgent": directive.priority != Priority.NORMAL,
        "secretary": secretary,
    }


def directive_queryset() -> QuerySet[Directive]:
    """Directives with what their letters name (one more query for the copy lists)."""
    return Directive.objects.select_related(
        "agency", "body", "resolution__meeting__body"
    ).prefetch_related(
        # In the model's order: responsible agencies first, each group by name.
        Prefetch(
            "resolution__addressees", queryset=ResolutionAgency.objects.select_related("agency")
        )
    )


def meeting_directives(meeting: Meeting) -> QuerySet[Directive]:
    """The directives issued from ``meeting``'s resolutions, in abjad then agency order."""
    return (
        directive_queryset()
        .filter(resolution__meeting=meeting)
        .order_by("resolution__order", "resolution__pk", "sequence")
    )


def letter_contexts(directives: Iterable[Directive]) -> list[dict]:
    """Letter contexts for many directives, the secretary looked up once per body and
    issue date, the letterhead once per province and the slogans once (so four queries
    for a meeting's letters, however many, besides the directives' own)."""
    secretaries: dict[tuple[int, datetime.date], dict] = {}
    letterheads: dict[str, dict] = {}
    slogans = slogans_by_year()
    contexts = []
    for directive in directives:
        on_date = _gregorian(directive.issued_on)
        key = (directive.body_id, on_date)
        if key not in secretaries:
            secretaries[key] = _secretary_of(directive.body, on_date)
        jurisdiction = directive.body.jurisdiction
        if jurisdiction not in letterheads:
            letterheads[jurisdiction] = letterhead_for(jurisdiction)
        contexts.append(
            letter_context(
                directive,
                secretary=secretaries[key],
                slogans=slogans,
                letterhead=letterheads[jurisdiction],
            )
        )
    return contexts


def letter_html(context: dict, *, request=None) -> str:
    return render_to_string(LETTER_TEMPLATE, {**context, "pdf": True}, request=request)


# The letter's one stylesheet, as the template links it.
_LETTER_CSS_LINK = re.compile(r'<link rel="stylesheet" href="([^"]*letters[^"]*\.css)">')


def _render_document(html: str, font_config, stylesheets: dict):
    """Lay out one letter. Its stylesheet is parsed once per batch (``stylesheets``, by
    URL) instead of once per letter: a fifth of a letter's time went into parsing it."""
    from weasyprint import CSS, HTML

    fetcher = static_only_fetcher()
    extra = []
    link = _LETTER_CSS_LINK.search(html)
    if link is not None:
        url = urljoin(PDF_BASE_URL, link[1])
        if url not in stylesheets:
            stylesheets[url] = CSS(url=url, url_fetcher=fetcher, font_config=font_config)
        extra = [stylesheets[url]]
        html = html[: link.start()] + html[link.end() :]
    return HTML(string=html, base_url=PDF_BASE_URL, url_fetcher=fetcher).render(
        stylesheets=extra, font_config=font_config
    )


def letter_pdf(directive: Directive, *, request=None) -> bytes:
    """One directive's letter as PDF bytes, signed with the province's certificate when one
    is configured (egov_portal.signing; letters are not stored, so each is signed as made)."""
    with official_document():
        pdf = render_pdf(LETTER_TEMPLATE, letter_context(directive), request=request)
    return signing.sign_pdf(pdf)


def letters_pdf(contexts: list[dict], *, report_progress=None) -> bytes:
    """The letters of ``contexts`` as one PDF, each starting on its own page and keeping
    its own page numbers; ``report_progress(done, total)`` after each letter."""
    from weasyprint.text.fonts import FontConfiguration

    font_config = FontConfiguration()
    stylesheets = {}
    total = len(contexts)
    documents = []
    for done, context in enumerate(contexts, start=1):
        documents.append(_render_document(letter_html(context), font_config, stylesheets))
        if report_progress:
            report_progress(done, total)
    if not documents:
        raise ValueError("No letters to render")
    pages = [page for document in documents for page in document.pages]
    return signing.sign_pdf(documents[0].copy(pages).write_pdf())


def _job_meeting(job) -> Meeting | None:
    return Meeting.objects.select_related("body").filter(pk=job.params.get("meeting")).first()


def _job_download_name(job) -> str:
    """«نامه‌های ابلاغ جلسه ششم کارگروه … .pdf»."""
    meeting = _job_meeting(job)
    if meeting is None:
        return ""
    name = _("نامه‌های ابلاغ %(meeting)s %(body)s") % {
        "meeting": meeting.title,
        "body": meeting.body.full_title,
    }
    return safe_download_name(name, "pdf")


def _job_breadcrumbs(job) -> list[tuple[str, str]]:
    pk = job.params.get("meeting")
    return [
        (_("جلسه"), reverse("committees:meeting_detail", args=[pk])),
        (_("نامه‌های ابلاغ"), reverse("resolutions:meeting_letters", args=[pk])),
    ]


@jobs.register(
    MEETING_LETTERS,
    title=gettext_lazy("تهیه نامه‌های ابلاغ جلسه در یک پرونده"),
    download_name=_job_download_name,
    breadcrumbs=_job_breadcrumbs,
)
def meeting_letters_job(job, report_progress) -> None:
    """All directive letters of the meeting ``job.params["meeting"]`` in one PDF."""
    meeting = Meeting.objects.select_related("body").get(pk=job.params["meeting"])
    contexts = letter_contexts(meeting_directives(meeting))
    report_progress(0, len(contexts))
    pdf = letters_pdf(contexts, report_progress=report_progress)
    jobs.job_save_result(job, f"letters-{meeting.body_id}-{meeting.number}.pdf", pdf)
