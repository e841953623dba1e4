"""Rows of the permission matrix for the OParl endpoint: open data, 200 for everyone.

The objects are the demo's public ones: the working group (the province and an
organization), the governor (a tenure of the post his seat follows), a named member, the
founding meeting of 1394/02/07 (public approved minutes) and its resolution «الف»; an agenda
item needs a public meeting with an agenda, made here.
"""

from __future__ import annotations

from committees.models import Body, BodyKind, Meeting, Membership, Seat, SeatKind
from members.models import PositionHolding
from resolutions.models import Resolution
from resolutions.services.minutes import minutes_approve
from tests.meeting_helpers import in_review_meeting, user
from tests.permission_rows import ALL_200


def _wg() -> Body:
    return Body.objects.get(kind=BodyKind.WORKING_GROUP, jurisdiction="گیلان")


def _founding() -> Meeting:
    return Meeting.objects.get(body=_wg(), number=0)


def _body() -> dict:
    return {"pk": _wg().pk}


def _governor_tenure() -> dict:
    seat = Seat.objects.get(body=_wg(), kind=SeatKind.BY_POST, order=1)
    holding = PositionHolding.objects.filter(position=seat.position).latest("start_date")
    return {"seat_pk": seat.pk, "holding_pk": holding.pk}


def _membership() -> dict:
    return {"pk": Membership.objects.filter(seat__body=_wg()).order_by("pk").first().pk}


def _person() -> dict:
    return {"pk": Membership.objects.filter(seat__body=_wg()).order_by("pk").first().person_id}


def _meeting() -> dict:
    return {"pk": _founding().pk}


def _minutes() -> dict:
    return {"pk": _founding().minutes.pk}


def _agenda_item() -> dict:
    meeting = in_review_meeting(_wg())
    Meeting.objects.filter(pk=meeting.pk).update(is_public=True)
    meeting = minutes_approve(meeting=meeting, user=user("chair"))
    return {"pk": meeting.agenda_items.get().pk}


def _paper() -> dict:
    return {"pk": Resolution.objects.get(meeting=_founding(), label_override="الف").pk}


ROWS = {
    "resolutions:oparl_system": ("get", dict, ALL_200),
    "resolutions:oparl_body_list": ("get", dict, ALL_200),
    "resolutions:oparl_body": ("get", _body, ALL_200),
    "resolutions:oparl_body_organizations": ("get", _body, ALL_200),
    "resolutions:oparl_body_persons": ("get", _body, ALL_200),
    "resolutions:oparl_body_meetings": ("get", _body, ALL_200),
    "resolutions:oparl_body_papers": ("get", _body, ALL_200),
    "resolutions:oparl_organization": ("get", _body, ALL_200),
    "resolutions:oparl_organization_meetings": ("get", _body, ALL_200),
    "resolutions:oparl_person": ("get", _person, ALL_200),
    "resolutions:oparl_membership": ("get", _membership, ALL_200),
    "resolutions:oparl_post_membership": ("get", _governor_tenure, ALL_200),
    "resolutions:oparl_meeting": ("get", _meeting, ALL_200),
    "resolutions:oparl_location": ("get", _meeting, ALL_200),
    "resolutions:oparl_agenda_item": ("get", _agenda_item, ALL_200),
    "resolutions:oparl_file": ("get", _minutes, ALL_200),
    "resolutions:oparl_file_download": ("get", _minutes, ALL_200),
    "resolutions:oparl_paper": ("get", _paper, ALL_200),
    "resolutions:oparl_consultation": ("get", _paper, ALL_200),
}
