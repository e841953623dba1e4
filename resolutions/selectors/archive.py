"""Reads about a PDF someone brings to the verification page: is it a document the portal
issued, unaltered? (resolutions.documents.archive, egov_portal.signing)"""

from __future__ import annotations

import enum
import hashlib
import json
from dataclasses import dataclass

from committees.models import MeetingState, Minutes
from egov_portal import signing
from egov_portal.signing import SignatureCheck, SignatureState
from resolutions.documents.archive import ATTACHMENT_NAME
from resolutions.documents.minutes import fingerprint_of


class Verdict(enum.StrEnum):
    GENUINE = "genuine"  # the portal's document, unaltered
    ALTERED = "altered"  # the portal's document, changed since
    FOREIGN = "foreign"  # signed, but not by the portal
    UNSIGNED = "unsigned"  # no signature and not a file the portal keeps
    UNREADABLE = "unreadable"  # not a PDF that can be read


@dataclass(frozen=True)
class DocumentCheck:
    verdict: Verdict
    signature: SignatureCheck
    sha256: str
    minutes: Minutes | None = None  # the approved minutes the file is (or claims to be)

    @property
    def snapshot(self) -> dict:
        return self.minutes.snapshot if self.minutes else {}


def _claimed_minutes(pdf: bytes) -> Minutes | None:
    """The approved minutes whose snapshot the file carries as its attachment, if any."""
    data = signing.embedded_file(pdf, ATTACHMENT_NAME)
    if not data:
        return None
    try:
        snapshot = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(snapshot, dict):
        return None
    return _approved().filter(fingerprint=fingerprint_of(snapshot)).first()


def _approved():
    return Minutes.objects.filter(meeting__state=MeetingState.APPROVED).select_related("meeting")


def document_verify(pdf: bytes) -> DocumentCheck:
    """Check an uploaded PDF: the very bytes of an archived minutes file (by SHA-256), or
    a file whose signature is intact and the portal's (a directive letter, signed when it
    was made). A file carrying minutes' data that is neither is an altered copy."""
    sha256 = hashlib.sha256(pdf).hexdigest()
    stored = _approved().filter(archive_sha256=sha256).first()
    signature = signing.verify_pdf(pdf)
    if stored is not None:
        return DocumentCheck(Verdict.GENUINE, signature, sha256, stored)
    if signature.state == SignatureState.UNREADABLE:
        return DocumentCheck(Verdict.UNREADABLE, signature, sha256)
    claimed = _claimed_minutes(pdf)
    if signature.state == SignatureState.VALID:
        if claimed is not None and claimed.archive_sha256:
            # Signed by the portal but not the file it keeps: not one it issued as such.
            return DocumentCheck(Verdict.ALTERED, signature, sha256, claimed)
        return DocumentCheck(Verdict.GENUINE, signature, sha256, claimed)
    if signature.state == SignatureState.ALTERED:
        return DocumentCheck(Verdict.ALTERED, signature, sha256, claimed)
    if claimed is not None:
        return DocumentCheck(Verdict.ALTERED, signature, sha256, claimed)
    if signature.state == SignatureState.FOREIGN:
        return DocumentCheck(Verdict.FOREIGN, signature, sha256)
    return DocumentCheck(Verdict.UNSIGNED, signature, sha256)
