"""Rows of the permission matrix for the meeting calendar and a body's iCalendar feed.

Everyone may open the calendar (each sees only the meetings he may read). A body's own
calendar and feed are for those who read its records: the secretariat, the chair, its
members (``itmanager`` and ``itmanager2`` hold seat 7 of the working group) and the
governor's office; the rest get 404.
"""

from __future__ import annotations

from committees.models import Body, BodyKind
from tests.permission_rows import ALL_200, every


def _working_group_pk() -> int:
    return Body.objects.get(kind=BodyKind.WORKING_GROUP, jurisdiction="گیلان").pk


READERS_OF_THE_WORKING_GROUP = {**every(200), "anonymous": 404, "outsider": 404}

ROWS = {
    "committees:calendar": ("get", dict, ALL_200),
    "committees:body_calendar": (
        "get",
        lambda: {"pk": _working_group_pk()},
        READERS_OF_THE_WORKING_GROUP,
    ),
    "committees:body_ical": (
        "get",
        lambda: {"pk": _working_group_pk()},
        READERS_OF_THE_WORKING_GROUP,
    ),
}
