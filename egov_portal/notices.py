"""Notices inside the portal: what a user is told, next to (or instead of) an e-mail."""

from __future__ import annotations

from egov_portal.models import Notification


def notify(*, user, title: str, body: str = "", url: str = "") -> Notification | None:
    """Leave ``user`` a notice; nothing for ``None`` (a person without an account)."""
    if user is None:
        return None
    return Notification.objects.create(user=user, title=title[:200], body=body, url=url[:300])


def unread_for(user, limit: int = 10) -> list[Notification]:
    """The user's newest unread notices (none for an anonymous visitor)."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(Notification.objects.filter(user=user, read_at__isnull=True)[:limit])
