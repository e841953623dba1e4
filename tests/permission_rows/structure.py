"""Rows of the permission matrix for the structure pages, sign-in and the user's page."""

from __future__ import annotations

from committees.models import Body, BodyKind
from members.models import Agency
from tests.permission_rows import ALL_200, SIGNED_IN_200, every


def _working_group_pk() -> int:
    return Body.objects.get(kind=BodyKind.WORKING_GROUP, jurisdiction="گیلان").pk


def _agency_pk() -> int:
    return Agency.objects.get(name="اداره کل آموزش و پرورش").pk


ROWS = {
    "committees:structure": ("get", dict, ALL_200),
    "committees:structure_print": ("get", dict, ALL_200),
    "committees:body_detail": ("get", lambda: {"pk": _working_group_pk()}, ALL_200),
    "committees:agency_detail": ("get", lambda: {"pk": _agency_pk()}, ALL_200),
    "committees:home": ("get", dict, SIGNED_IN_200),
    "members:agency_list": ("get", dict, ALL_200),
    "login": ("get", dict, {**every(302), "anonymous": 200}),
    "logout": ("post", dict, every(302)),
}
