"""Values every page needs: today's Jalali date and the slogan of this Jalali year."""

from __future__ import annotations

from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from egov_portal.selectors import slogan_for
from egov_portal.text.jalali import today_jalali


def portal(request) -> dict[str, object]:
    # A page is of today: it shows this year's slogan, or none when none is recorded yet.
    # Documents carry the slogan of their own date in their context instead.
    return {
        "today": today_jalali(),
        "slogan": SimpleLazyObject(lambda: slogan_for(timezone.localdate())),
    }
