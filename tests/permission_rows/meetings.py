"""Rows of the permission matrix for the meeting pages and resolution editing."""

from __future__ import annotations

from committees.models import Body, BodyKind
from committees.services.meetings import agenda_item_add, agenda_item_delete, meeting_create
from resolutions.services.resolutions import resolution_create, resolution_delete
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


def _review_comment() -> dict:
    from committees.models import MinutesComment

    meeting = in_review_meeting(_wg())
    invitation = meeting.invitations.filter(attendance="present").select_related("person").first()
    comment = MinutesComment.objects.create(
        minutes=meeting.minutes, person=invitation.person, text="نظر"
    )
    return {"pk": meeting.pk, "comment_pk": comment.pk}


def _item() -> dict:
    meeting = scheduled_meeting(_wg())
    return {"pk": meeting.agenda_items.first().pk}


def _resolution() -> dict:
    meeting = held_meeting(_wg())
    return {"pk": resolution_create(meeting=meeting, text="مصوبه", kind="decision").pk}


def _removed_item() -> dict:
    meeting = scheduled_meeting(_wg())
    item = meeting.agenda_items.first()
    agenda_item_delete(item=item)
    return {"pk": item.pk}


def _removed_resolution() -> dict:
    resolution = resolution_create(meeting=held_meeting(_wg()), text="مصوبه", kind="decision")
    resolution_delete(resolution=resolution)
    return {"pk": resolution.pk}


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
    # The preview of the recipients (only a POST with confirm=1 sends).
    "committees:meeting_schedule": ("get", _draft, manage(200)),
    "committees:meeting_postpone": ("post", _scheduled, manage(302)),
    "committees:meeting_cancel": ("post", _scheduled, manage(302)),
    # A draft never scheduled: the confirmation page (the POST deletes it).
    "committees:meeting_delete": ("get", _draft, manage(200)),
    "committees:agenda_item_add": ("post", _scheduled, manage(302)),
    "committees:agenda_reorder": ("post", _scheduled, manage(302)),
    "committees:agenda_item_edit": ("get", _item, manage(200)),
    # The confirmation page naming the item (the POST removes it).
    "committees:agenda_item_delete": ("get", _item, manage(200)),
    "committees:agenda_item_restore": ("post", _removed_item, manage(302)),
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
    # Anyone with a person record may post a review; a refused one (here: empty) comes
    # back as the meeting page with the errors (200); the administrator has no person record.
    "committees:minutes_review": (
        "post",
        _in_review,
        {**read(200), "admin": 403, "anonymous": 302},
    ),
    # Marking an attendee's comment handled: the secretariat only.
    "committees:minutes_comment_mark": ("post", _review_comment, manage(302)),
    "resolutions:resolution_add": ("get", _held, manage(200)),
    "resolutions:resolution_reorder": ("post", _held, manage(302)),
    "resolutions:resolution_edit": ("get", _resolution, manage(200)),
    "resolutions:resolution_delete": ("get", _resolution, manage(200)),
    "resolutions:resolution_restore": ("post", _removed_resolution, manage(302)),
    # Before the review deadline the chair is first asked to confirm (a page, 200).
    "resolutions:minutes_approve": (
        "post",
        _in_review,
        {**manage(403), "admin": 200, "chair": 200, "secretary": 403},
    ),
}
