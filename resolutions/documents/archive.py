"""Approved minutes as their archived file: a tagged PDF/A-3 document carrying the canonical
JSON of the snapshot (``minutes.json``, relationship «Data»), signed with the province's
certificate when one is configured (egov_portal.signing).

The file is rendered once, when the minutes are approved (or on the first request for
minutes approved before files were kept), stored with Django's default storage and served
as it is ever after; its SHA-256 is kept beside the fingerprint (``Minutes.archive_sha256``)
so the verification page can tell the portal's file from any other. Drafts are never
archived: they are rendered at each request.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from egov_portal import signing
from egov_portal.pdf import render_archival_pdf
from egov_portal.text.i18n import official_document
from resolutions.documents.minutes import (
    canonical_json,
    minutes_document_context,
    minutes_emblem,
)

MINUTES_TEMPLATE = "resolutions/pdf/minutes.html"
#: The embedded copy of the snapshot, as the fingerprint hashes it.
ATTACHMENT_NAME = "minutes.json"
ATTACHMENT_DESCRIPTION = "Approved minutes as canonical JSON; SHA-256 = fingerprint"


@dataclass(frozen=True)
class ArchivedFile:
    pdf: bytes
    sha256: str
    signer: str  # the signing certificate's subject; "" when unsigned

    @property
    def signed(self) -> bool:
        return bool(self.signer)


def archive_file_name(minutes) -> str:
    """Where the file is stored: by meeting and fingerprint, never reused."""
    return f"minutes/{minutes.meeting_id}-{minutes.fingerprint[:16]}.pdf"


def minutes_archive_render(snapshot: dict, *, fingerprint: str) -> ArchivedFile:
    """Render, and sign when a certificate is configured, the archived minutes made of
    ``snapshot`` (and the province's emblem)."""
    with official_document():
        # As minutes_document() prints approved minutes (one query, for the emblem).
        context = minutes_document_context(
            snapshot, fingerprint=fingerprint, emblem=minutes_emblem(snapshot)
        )
        pdf = render_archival_pdf(
            MINUTES_TEMPLATE,
            context,
            attachments=[(ATTACHMENT_NAME, canonical_json(snapshot), ATTACHMENT_DESCRIPTION)],
        )
    signer = signing.configured_signer()
    pdf = signing.sign_pdf(pdf)
    return ArchivedFile(pdf, hashlib.sha256(pdf).hexdigest(), signer)
