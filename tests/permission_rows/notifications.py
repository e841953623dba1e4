"""Rows of the permission matrix for the notification centre: a user's own notices only.

The notice used belongs to ``member``: he may read and open it (both redirect); every
other signed-in persona gets 404 (its existence does not leak); anonymous visitors are
sent to sign in.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model

from egov_portal.models import Notification
from tests.permission_rows import SIGNED_IN_200, every


def _members_notice() -> dict:
    user = get_user_model().objects.get(username="member")
    notice = Notification.objects.create(user=user, title="اعلان آزمایشی", url="/me/")
    return {"pk": notice.pk}


OWNER_ONLY = {**every(404), "member": 302, "anonymous": 302}

ROWS = {
    "notifications:list": ("get", dict, SIGNED_IN_200),
    "notifications:preferences": ("get", dict, SIGNED_IN_200),
    "notifications:read_all": ("post", dict, every(302)),
    "notifications:open": ("get", _members_notice, OWNER_ONLY),
    "notifications:read": ("post", _members_notice, OWNER_ONLY),
}
