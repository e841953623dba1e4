"""A user's secret calendar address (``/calendar/<token>.ics``): made, renewed, revoked.

The secret is shown once, when it is made; only its SHA-256 is stored. Each user has at
most one live address: renewing revokes the old one in the same transaction.
"""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils import timezone

from committees.models import CalendarFeedToken
from committees.selectors.calendar import feed_key_hash


@transaction.atomic
def calendar_feed_renew(*, user) -> tuple[CalendarFeedToken, str]:
    """A new secret address for ``user`` (his old one stops working). Returns the token
    and its secret, which is not stored."""
    calendar_feed_revoke(user=user)
    secret = secrets.token_urlsafe(32)
    token = CalendarFeedToken.objects.create(user=user, key_hash=feed_key_hash(secret))
    return token, secret


@transaction.atomic
def calendar_feed_revoke(*, user) -> int:
    """Stop ``user``'s secret address at once; how many were live (0 or 1)."""
    return CalendarFeedToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
