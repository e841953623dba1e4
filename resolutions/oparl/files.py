"""Approved minutes as OParl files: their PDF, its size and its SHA-512.

The PDF is the one the minutes page serves (``resolutions:minutes_pdf``): the minutes'
archived file, rendered and signed once at approval and kept (resolutions.documents.archive;
minutes approved before files were kept get theirs at the first request). Reading a file for
each of a list is still too much, so the size and checksum are kept in Django's cache under
the file's SHA-256 (``Minutes.archive_sha256``), which never changes. ``manage.py
oparl_checksums`` fills the cache ahead of the harvesters (after a deploy, and from cron for
minutes approved since), archiving minutes that have no file yet; with Redis as the cache
every process shares it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.cache import cache

from committees.models import Meeting, MeetingState
from egov_portal.pdf import render_pdf
from egov_portal.text.i18n import official_document
from resolutions.documents.minutes import (
    minutes_document,
    minutes_document_context,
    minutes_emblem,
)
from resolutions.services.archive import ArchivedFileMissing, minutes_archive_read

MINUTES_TEMPLATE = "resolutions/pdf/minutes.html"
#: Approved minutes never change; a key that stops being asked for simply ages out.
CHECKSUM_TIMEOUT = None


@dataclass(frozen=True)
class PdfFacts:
    size: int
    sha512: str


def _context(meeting: Meeting) -> dict:
    """``minutes_document(meeting)`` without its minutes query when the minutes came with
    the meeting (``select_related("minutes")``): approved minutes print their snapshot."""
    minutes = meeting.minutes
    with official_document():
        if minutes.snapshot:
            return minutes_document_context(
                minutes.snapshot,
                fingerprint=minutes.fingerprint,
                emblem=minutes_emblem(minutes.snapshot),
            )
        return minutes_document(meeting)


def minutes_pdf_bytes(meeting: Meeting) -> bytes:
    """The minutes' PDF, as ``resolutions:minutes_pdf`` serves it: approved minutes' archived
    file (kept now if they have none yet); anything else rendered."""
    if meeting.state == MeetingState.APPROVED:
        return minutes_archive_read(meeting.minutes)
    with official_document():
        return render_pdf(MINUTES_TEMPLATE, _context(meeting))


def _facts_key(minutes) -> str:
    return f"oparl:minutes-pdf:{minutes.archive_sha256}"


def minutes_pdf_facts(meeting: Meeting) -> PdfFacts:
    """The size and SHA-512 of the minutes' PDF, read once per archived file."""
    minutes = meeting.minutes
    if minutes.archive_sha256:
        facts = cache.get(_facts_key(minutes))
        if facts is not None:
            return facts
    pdf = minutes_pdf_bytes(meeting)
    facts = PdfFacts(size=len(pdf), sha512=hashlib.sha512(pdf).hexdigest())
    if minutes.archive_sha256:
        cache.set(_facts_key(minutes), facts, CHECKSUM_TIMEOUT)
    return facts


def minutes_pdf_facts_or_none(meeting: Meeting) -> PdfFacts | None:
    """:func:`minutes_pdf_facts`, or None while the approved minutes' archived file is
    missing from the storage (logged by ``minutes_archive_read``): a list that shows the
    meeting still answers, without that file."""
    try:
        return minutes_pdf_facts(meeting)
    except ArchivedFileMissing:
        return None


def minutes_pdf_facts_prepare(meetings: Iterable[Meeting]) -> tuple[int, int]:
    """Work out the facts of every meeting's minutes not in the cache yet, so that no
    harvester waits for a PDF to be read or rendered (``manage.py oparl_checksums``).
    Returns how many minutes there were and how many were worked out now."""
    total = rendered = 0
    for meeting in meetings:
        total += 1
        minutes = meeting.minutes
        unknown = not minutes.archive_sha256 or cache.get(_facts_key(minutes)) is None
        # A file missing from the storage is logged and left out.
        if unknown and minutes_pdf_facts_or_none(meeting) is not None:
            rendered += 1
    return total, rendered


def minutes_filename(meeting: Meeting) -> str:
    """The file name the minutes page gives the PDF (``minutes-<body>-<number>.pdf``)."""
    return f"minutes-{meeting.body_id}-{meeting.number}.pdf"
