"""Approved minutes as OParl files: their PDF, its size and its SHA-512.

The PDF is the one the minutes page serves (``resolutions:minutes_pdf``): approved minutes
print from the snapshot frozen at approval, and WeasyPrint writes the same bytes for the same
HTML, so every rendering of them is byte for byte the same. Rendering takes about a second,
too long to repeat for each file of a list, so the size and checksum are kept in Django's
cache, under the SHA-256 of the HTML the PDF is made from: whatever changes the bytes (the
minutes, the template, a stylesheet's hashed name, WeasyPrint) changes the key, and a stale
checksum is never served. Making the HTML costs milliseconds and no query beyond the
minutes' own row. ``manage.py oparl_checksums`` fills the cache ahead of the harvesters
(after a deploy, and from cron for minutes approved since); with Redis as the cache every
process shares it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.metadata import version

from django.core.cache import cache
from django.template.loader import render_to_string

from committees.models import Meeting
from egov_portal.pdf import render_pdf
from egov_portal.text.i18n import official_document
from resolutions.documents.minutes import minutes_document, minutes_document_context

MINUTES_TEMPLATE = "resolutions/pdf/minutes.html"
#: Approved minutes never change; a key that stops being asked for simply ages out.
CHECKSUM_TIMEOUT = None


@dataclass(frozen=True)
class PdfFacts:
    size: int
    sha512: str


def _context(meeting: Meeting) -> dict:
    """``minutes_document(meeting)`` without its query when the minutes came with the
    meeting (``select_related("minutes")``): approved minutes print their snapshot."""
    minutes = meeting.minutes
    with official_document():
        if minutes.snapshot:
            return minutes_document_context(minutes.snapshot, fingerprint=minutes.fingerprint)
        return minutes_document(meeting)


def _html(context: dict) -> str:
    with official_document():
        return render_to_string(MINUTES_TEMPLATE, {**context, "pdf": True})


def minutes_pdf_bytes(meeting: Meeting) -> bytes:
    """The minutes' PDF, as ``resolutions:minutes_pdf`` serves it."""
    with official_document():
        return render_pdf(MINUTES_TEMPLATE, _context(meeting))


def _facts_key(context: dict) -> str:
    digest = hashlib.sha256(_html(context).encode("utf-8")).hexdigest()
    return f"oparl:minutes-pdf:{version('weasyprint')}:{digest}"


def minutes_pdf_facts(meeting: Meeting) -> PdfFacts:
    """The size and SHA-512 of the minutes' PDF, rendered once per distinct HTML."""
    context = _context(meeting)
    key = _facts_key(context)
    facts = cache.get(key)
    if facts is None:
        with official_document():
            pdf = render_pdf(MINUTES_TEMPLATE, context)
        facts = PdfFacts(size=len(pdf), sha512=hashlib.sha512(pdf).hexdigest())
        cache.set(key, facts, CHECKSUM_TIMEOUT)
    return facts


def minutes_pdf_facts_prepare(meetings: Iterable[Meeting]) -> tuple[int, int]:
    """Work out the facts of every meeting's minutes not in the cache yet, so that no
    harvester waits for a PDF to be rendered (``manage.py oparl_checksums``). Returns how
    many minutes there were and how many were rendered now."""
    total = rendered = 0
    for meeting in meetings:
        total += 1
        if cache.get(_facts_key(_context(meeting))) is None:
            minutes_pdf_facts(meeting)
            rendered += 1
    return total, rendered


def minutes_filename(meeting: Meeting) -> str:
    """The file name the minutes page gives the PDF (``minutes-<body>-<number>.pdf``)."""
    return f"minutes-{meeting.body_id}-{meeting.number}.pdf"
