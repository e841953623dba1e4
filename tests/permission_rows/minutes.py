"""Rows of the permission matrix for the minutes PDF, its print view and verification."""

from __future__ import annotations

from committees.models import Body, BodyKind, Meeting
from resolutions.services.minutes import minutes_approve
from resolutions.services.resolutions import resolution_create
from tests.meeting_helpers import in_review_meeting, user
from tests.permission_rows import ALL_200, every


def _approved_meeting() -> Meeting:
    """Approved minutes of a meeting that is not public (the default), with one resolution."""
    body = Body.objects.get(kind=BodyKind.WORKING_GROUP, jurisdiction="گیلان")
    meeting = in_review_meeting(body)
    resolution_create(meeting=meeting, text="گزارش فصلی", kind="assignment", all_agencies=True)
    meeting = minutes_approve(meeting=meeting, user=user("chair"))
    assert not meeting.is_public
    return meeting


def _meeting_pk() -> dict:
    return {"pk": _approved_meeting().pk}


def _fingerprint() -> dict:
    return {"fingerprint": _approved_meeting().minutes.fingerprint}


# The body's secretariat, chair and members (the IT managers hold seat 7), the governor's
# office and the administrator read the minutes; anyone else gets 404.
READERS = {**every(200), "anonymous": 404, "outsider": 404}

ROWS = {
    "resolutions:minutes_pdf": ("get", _meeting_pk, READERS),
    "resolutions:minutes_print": ("get", _meeting_pk, READERS),
    # Its POST (a PDF to check) is public too: tests/test_signed_documents.py,
    # test_every_persona_may_verify_an_upload.
    "resolutions:verify": ("get", dict, ALL_200),
    "resolutions:verify_fingerprint": ("get", _fingerprint, ALL_200),
}
