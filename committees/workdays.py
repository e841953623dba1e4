"""Working days in Iran: Fridays, official holidays (the ``holidays`` package's Iranian
calendar), Thursdays when the province closes on them, and closures an administrator
entered (snow, pollution, mourning). One home for the calendar: the directives' deadlines
(``add_working_days``) and the meeting form's confirmations (``committees.rules``) read it."""

from __future__ import annotations

import datetime
from functools import lru_cache

from django.conf import settings

from committees.models import Closure

#: The longest run of days the calculator looks through before giving up (a safety net
#: against a configuration that closes every day).
MAX_SPAN_DAYS = 3660


@lru_cache(maxsize=64)
def _official_holidays(year: int) -> dict[datetime.date, str]:
    import holidays

    return dict(holidays.country_holidays("IR", years=year, language="fa_IR").items())


def official_holiday(day: datetime.date) -> str | None:
    """The Persian name of the official holiday on ``day``, if it is one."""
    return _official_holidays(day.year).get(day)


def closure_on(day: datetime.date) -> str | None:
    """The reason of the closure announced for ``day`` («برف»), if there is one."""
    return Closure.objects.filter(day=day).values_list("title", flat=True).first()


def thursday_is_weekend() -> bool:
    return bool(getattr(settings, "THURSDAY_IS_WEEKEND", True))


def closures_between(start: datetime.date, end: datetime.date) -> set[datetime.date]:
    return {
        c.togregorian() if hasattr(c, "togregorian") else c
        for c in Closure.objects.filter(day__gte=start, day__lte=end).values_list("day", flat=True)
    }


def is_working_day(day: datetime.date, *, closures: set[datetime.date] = frozenset()) -> bool:
    weekday = day.weekday()  # Monday 0 … Thursday 3, Friday 4
    if weekday == 4 or (weekday == 3 and thursday_is_weekend()):
        return False
    return official_holiday(day) is None and day not in closures


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The date ``days`` working days after ``start`` (``start`` itself not counted)."""
    if days < 0:
        raise ValueError("days must not be negative")
    closures = closures_between(start, start + datetime.timedelta(days=days * 3 + 60))
    day, counted = start, 0
    for _step in range(MAX_SPAN_DAYS):
        if counted == days:
            return day
        day += datetime.timedelta(days=1)
        if is_working_day(day, closures=closures):
            counted += 1
    raise ValueError("no working days found; check the closures and the Thursday setting")


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """How many working days lie after ``start`` up to and including ``end``."""
    closures = closures_between(start, end)
    count, day = 0, start
    while day < end:
        day += datetime.timedelta(days=1)
        count += is_working_day(day, closures=closures)
    return count
