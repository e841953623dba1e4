"""Notices inside the portal: what a user is told, next to (or instead of) an e-mail.

Each user may mute kinds of event (``NoticeKind``: no notice at all) and may ask for a
daily digest: his notices are then e-mailed once a day by ``send_notification_digest``
(each notice once, marked with ``digested_at``) instead of one e-mail per event — senders
of those per-event e-mails ask :func:`email_now` first.
"""

from __future__ import annotations

from egov_portal.models import Notification, NotificationPreference


def preference_for(user) -> NotificationPreference | None:
    """The user's saved preferences, or None for the defaults: one query, none when the
    caller fetched users with ``select_related("notification_preference")``."""
    if user is None or not getattr(user, "pk", None):
        return None
    try:
        return user.notification_preference
    except NotificationPreference.DoesNotExist:
        return None


def email_now(user, kind: str = "other") -> bool:
    """Whether an e-mail about a ``kind`` event should go to ``user`` now: not when he
    muted the kind, nor when he reads a daily digest instead."""
    preference = preference_for(user)
    if preference is None:
        return True
    return not preference.daily_digest and kind not in preference.muted_kinds


def notify(
    *, user, title: str, body: str = "", url: str = "", kind: str = "other"
) -> Notification | None:
    """Leave ``user`` a notice; nothing for ``None`` (a person without an account) or for
    a kind of event he muted. A digest user's notice waits for the daily digest e-mail."""
    if user is None:
        return None
    preference = preference_for(user)
    if preference is not None and kind in preference.muted_kinds:
        return None
    return Notification.objects.create(
        user=user, title=title[:200], body=body, url=url[:300], kind=kind[:20]
    )


def unread_for(user, limit: int = 10) -> list[Notification]:
    """The user's newest unread notices (none for an anonymous visitor)."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(Notification.objects.filter(user=user, read_at__isnull=True)[:limit])


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
