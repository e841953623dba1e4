"""Rows of the permission matrix for the secret calendar addresses.

Every signed-in user manages his own address; the address itself opens without a session
for whoever holds the secret (here the chair's), so every persona, the anonymous visitor
included, gets the same calendar.
"""

from __future__ import annotations

from committees.services.calendar_feeds import calendar_feed_renew
from tests.meeting_helpers import user
from tests.permission_rows import ALL_200, SIGNED_IN_200


def _chair_feed() -> dict:
    _token, secret = calendar_feed_renew(user=user("chair"))
    return {"token": secret}


ROWS = {
    "committees:calendar_feed_settings": ("get", dict, SIGNED_IN_200),
    "committees:calendar_feed": ("get", _chair_feed, ALL_200),
}
