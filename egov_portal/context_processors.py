"""Values every page needs: today's Jalali date and the year's slogan."""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from egov_portal.models import DEFAULT_SLOGAN, Slogan
from egov_portal.text.jalali import today_jalali


def _slogan() -> str:
    year = today_jalali().year
    slogan = Slogan.objects.filter(year__lte=year).order_by("-year").values_list("text", flat=True)
    return slogan.first() or DEFAULT_SLOGAN


def portal(request) -> dict[str, object]:
    return {"today": today_jalali(), "slogan": SimpleLazyObject(_slogan)}
