"""Rows of the permission matrix for the meeting pages and resolution editing."""

from __future__ import annotations

from committees.models import Body, BodyKind
from committees.services.meetings import agenda_item_add, meeting_create
from resolutions.services.resolutions import resolution_create
from tests.meeting_helpers import held_meeting, in_review_meeting, scheduled_meeting
from tests.permission_rows import every

READERS = ("admin", "secretary", "chair", "member", "itmanager", "itmanager2", "governor_office")
MANAGERS = ("admin", "secretary")


def _wg() -> Body:
    return Body.objects.get(kind=BodyKind.WORKING_GROUP, jurisdiction="گیلان")


def _draft() -> dict:
    import datetime

    from django.utils import timezone

    meeting = meeting_create(
        body=_wg(), starts_at=timezone.now() + datetime.timedelta(days=4), place="تالار"
    )
    agenda_item_add(meeting=meeting, title="دستور")
    return {"pk": meeting.pk}


def _scheduled() -> dict:
    return {"pk": scheduled_meeting(_wg()).pk}


def _held() -> dict:
    return {"pk": held_meeting(_wg()).pk}


def _in_review() -> dict:
    return {"pk": in_review_meeting(_wg()).pk}


def _item() -> dict:
    meeting = scheduled_meeting(_wg())
    return {"pk": meeting.agenda_items.first().pk}


def _resolution() -> dict:
    meeting = held_meeting(_wg())
    return {"pk": resolution_create(meeting=meeting, text="مصوبه", kind="decision").pk}


def read(ok: int = 200) -> dict[str, int]:
    """Readers of the body's records get ``ok``; the public and outsiders 404."""
    return {**every(404), **dict.fromkeys(READERS, ok)}


def manage(ok: int) -> dict[str, int]:
    """The secretariat gets ``ok``; other readers 403; outsiders 404; anonymous to sign-in."""
    return {
        **every(404),
        **dict.fromkeys(READERS, 403),
        **dict.fromkeys(MANAGERS, ok),
        "anonymous": 302,
    }


def _wg_kwargs() -> dict:
    return {"pk": _wg().pk}


INVITED = ("chair", "member", "itmanager", "itmanager2")

ROWS = {
    "committees:meeting_list": ("get", _wg_kwargs, read()),
    "committees:meeting_create": ("get", _wg_kwargs, manage(200)),
    "committees:meeting_detail": ("get", _scheduled, read()),
    "committees:meeting_edit": ("get", _scheduled, manage(200)),
    "committees:meeting_schedule": ("post", _draft, manage(302)),
    "committees:meeting_postpone": ("post", _scheduled, manage(302)),
    "committees:meeting_cancel": ("post", _scheduled, manage(302)),
    # A draft never scheduled: the confirmation page (the POST deletes it).
    "committees:meeting_delete": ("get", _draft, manage(200)),
    "committees:agenda_item_add": ("post", _scheduled, manage(302)),
    "committees:agenda_reorder": ("post", _scheduled, manage(302)),
    "committees:agenda_item_edit": ("get", _item, manage(200)),
    "committees:agenda_item_delete": ("post", _item, manage(302)),
    # Only invitees answer; the secretariat staff, the administrator and the governor's
    # office hold no seat and are not invited.
    "committees:meeting_rsvp": (
        "post",
        _scheduled,
        {**read(403), **dict.fromkeys(INVITED, 302), "anonymous": 302},
    ),
    # Self check-in, like the answer: invitees only (outside the meeting's hours the
    # service refuses with a message, the redirect).
    "committees:meeting_check_in": (
        "post",
        _scheduled,
        {**read(403), **dict.fromkeys(INVITED, 302), "anonymous": 302},
    ),
    "committees:meeting_attendance": ("get", _scheduled, manage(200)),
    "committees:minutes_edit": ("get", _held, manage(200)),
    "committees:minutes_send": ("post", _held, manage(302)),
    # Anyone with a person record may post a review; the service refuses non-attendees
    # with a message (the redirect); the administrator has no person record.
    "committees:minutes_review": (
        "post",
        _in_review,
        {**read(302), "admin": 403, "anonymous": 302},
    ),
    "resolutions:resolution_add": ("get", _held, manage(200)),
    "resolutions:resolution_reorder": ("post", _held, manage(302)),
    "resolutions:resolution_edit": ("get", _resolution, manage(200)),
    "resolutions:resolution_delete": ("post", _resolution, manage(302)),
    "resolutions:minutes_approve": (
        "post",
        _in_review,
        {**manage(403), "admin": 302, "chair": 302, "secretary": 403},
    ),
}
