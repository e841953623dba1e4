"""Rows of the permission matrix for the follow-up pages: referral queues and overdue lists."""

from __future__ import annotations

from committees.models import Body, BodyKind
from resolutions.models import Referral
from tests.directive_helpers import approved_with
from tests.permission_rows import SIGNED_IN_200, every

# Readers of the steering committee's records: its secretariat (the demo secretary), the
# governor's office and the administrator; the working group's chair, members and IT
# managers hold no seat in it.
STEERING_READERS = ("admin", "secretary", "governor_office")
STEERING_MANAGERS = ("admin", "secretary")


def _body(kind: str) -> Body:
    return Body.objects.get(kind=kind, jurisdiction="گیلان")


def _steering() -> dict:
    return {"pk": _body(BodyKind.STEERING_COMMITTEE).pk}


def _working_group() -> dict:
    return {"pk": _body(BodyKind.WORKING_GROUP).pk}


def _referral() -> dict:
    meeting = approved_with(
        _body(BodyKind.WORKING_GROUP),
        {"kind": "referral", "refer_to": _body(BodyKind.STEERING_COMMITTEE), "text": "بررسی"},
    )
    return {"pk": Referral.objects.get(resolution__meeting=meeting).pk}


def steering_read() -> dict[str, int]:
    return {**every(404), **dict.fromkeys(STEERING_READERS, 200)}


ROWS = {
    "resolutions:referral_queue": ("get", _steering, steering_read()),
    "resolutions:referrals_sent": ("get", _steering, steering_read()),
    # Only the secretariat places a referral; the governor's office reads the queue (403);
    # the working group's other people do not read the steering committee (404).
    "resolutions:referral_place": (
        "post",
        _referral,
        {
            **every(404),
            "governor_office": 403,
            **dict.fromkeys(STEERING_MANAGERS, 302),
            "anonymous": 302,
        },
    ),
    # Every signed-in user sees the overdue directives of the body that he may read.
    "resolutions:overdue_list": ("get", _working_group, SIGNED_IN_200),
}
