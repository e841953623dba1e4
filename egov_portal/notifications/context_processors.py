"""The unread-notice count for the bell in the header (one lazy query, signed-in only)."""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from egov_portal.notifications import services as notices


def unread_count(request) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"notices_unread": SimpleLazyObject(lambda: notices.unread_count(user))}
