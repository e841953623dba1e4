"""Approved meetings with directives, for tests."""

from __future__ import annotations

from members.models import Agency
from resolutions.services.minutes import minutes_approve
from resolutions.services.resolutions import resolution_create
from tests.meeting_helpers import in_review_meeting, user


def education() -> Agency:
    return Agency.objects.get(name="اداره کل آموزش و پرورش")


def water() -> Agency:
    return Agency.objects.get(name="شرکت آب و فاضلاب")


def approved_with(body, *specs: dict):
    """Approve a meeting of ``body`` whose resolutions are built from ``specs``."""
    meeting = in_review_meeting(body)
    for spec in specs:
        resolution_create(meeting=meeting, **{"kind": "assignment", "text": "تکلیف", **spec})
    return minutes_approve(meeting=meeting, user=user("chair"))
