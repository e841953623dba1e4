"""Rows of the permission matrix for the directive inbox, the directive page and its actions.

Each kwargs maker approves a working-group meeting whose one resolution is addressed to
«اداره کل آموزش و پرورش»: its IT manager (``itmanager``) acts for the agency, the working
group's secretariat (``secretary``) follows it up, the chair and the governor's office read
it; the other agency's IT manager, a member and an outsider get 404. A refused step of the
workflow (verifying an unfinished directive) is a redirect with the service's message, not an
error; a refused form (the matrix posts empty ones: a report without a narrative, a return
or cancellation without a reason) comes back as the page with what was typed (200).
"""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from committees.models import Body, BodyKind
from resolutions.models import Directive
from resolutions.services import directives as follow
from tests.directive_helpers import approved_with, education
from tests.meeting_helpers import user
from tests.permission_rows import SIGNED_IN_200, every

MINIMAL_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def _directive() -> Directive:
    body = Body.objects.get(kind=BodyKind.WORKING_GROUP, jurisdiction="گیلان")
    meeting = approved_with(body, {"responsible": [education()], "deadline_working_days": 10})
    return Directive.objects.get(resolution__meeting=meeting)


def _directive_pk() -> dict:
    return {"pk": _directive().pk}


def _evidence_pk() -> dict:
    directive = follow.directive_acknowledge(directive=_directive(), user=user("itmanager"))
    upload = SimpleUploadedFile("گزارش.pdf", MINIMAL_PDF, content_type="application/pdf")
    report = follow.progress_report_add(
        directive=directive, user=user("itmanager"), percent=30, narrative="آغاز", files=[upload]
    )
    return {"pk": report.evidence.get().pk}


def _readers(status: int) -> dict[str, int]:
    """Who reads the directive gets ``status``; others 404; anonymous to sign-in."""
    return {
        **every(404),
        **dict.fromkeys(("itmanager", "secretary", "chair", "governor_office", "admin"), status),
        "anonymous": 302,
    }


AGENCY_ACTS = {
    **_readers(403),
    "itmanager": 302,
    "admin": 302,
}
SECRETARIAT_ACTS = {
    **_readers(403),
    "secretary": 302,
    "admin": 302,
}

# The forms: posted empty, they come back with their errors on the directive page.
AGENCY_FORM = {**AGENCY_ACTS, "itmanager": 200, "admin": 200}
SECRETARIAT_FORM = {**SECRETARIAT_ACTS, "secretary": 200, "admin": 200}

ROWS = {
    "resolutions:inbox": ("get", dict, SIGNED_IN_200),
    "resolutions:directive_detail": ("get", _directive_pk, _readers(200)),
    "resolutions:directive_acknowledge": ("post", _directive_pk, AGENCY_ACTS),
    "resolutions:directive_report": ("post", _directive_pk, AGENCY_FORM),
    "resolutions:directive_verify": ("post", _directive_pk, SECRETARIAT_ACTS),
    "resolutions:directive_return": ("post", _directive_pk, SECRETARIAT_FORM),
    "resolutions:directive_cancel": ("post", _directive_pk, SECRETARIAT_FORM),
    "resolutions:evidence_download": ("get", _evidence_pk, _readers(200)),
}
