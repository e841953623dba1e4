"""Cross-cutting reads: the year's slogan of a document."""

from __future__ import annotations

from egov_portal.models import Slogan
from egov_portal.text.jalali import to_jalali


def jalali_year(day) -> int:
    """The Jalali year of ``day``: a date or datetime, Gregorian or Jalali (an aware
    datetime counts in the portal's time zone)."""
    return to_jalali(day).year


def slogans_by_year() -> dict[int, str]:
    """Every recorded slogan by its Jalali year (one query), for documents made in bulk."""
    return dict(Slogan.objects.values_list("year", "text"))


def slogan_for(day, *, slogans: dict[int, str] | None = None) -> str:
    """The slogan of the Jalali year ``day`` falls in, or "" when that year has none.

    A document prints the slogan of its own date (the meeting of minutes, the issue of a
    letter, the making of a report), so reprinting it years later prints the same line.
    Give ``slogans`` (from :func:`slogans_by_year`) to look many up with no query each.
    """
    if day is None:
        return ""
    year = jalali_year(day)
    if slogans is not None:
        return slogans.get(year, "")
    return Slogan.objects.filter(year=year).values_list("text", flat=True).first() or ""
