"""Jalali (Solar Hijri) date helpers built on ``jdatetime``."""

import datetime
import re

import jdatetime
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from egov_portal.text.i18n import digits, interface_is_english
from egov_portal.text.persian import to_latin_digits, to_persian_digits

PERSIAN_MONTHS: tuple[str, ...] = (
    "فروردین",
    "اردیبهشت",
    "خرداد",
    "تیر",
    "مرداد",
    "شهریور",
    "مهر",
    "آبان",
    "آذر",
    "دی",
    "بهمن",
    "اسفند",
)

# Keyed by Python's ``weekday()`` (Monday=0). Note jdatetime's own weekday() is Saturday=0.
PERSIAN_WEEKDAYS: dict[int, str] = {
    0: "دوشنبه",
    1: "سه‌شنبه",
    2: "چهارشنبه",
    3: "پنج‌شنبه",
    4: "جمعه",
    5: "شنبه",
    6: "یکشنبه",
}

# For the English interface: Jalali months transliterated, Gregorian months in English.
JALALI_MONTHS_LATIN: tuple[str, ...] = (
    "Farvardin",
    "Ordibehesht",
    "Khordad",
    "Tir",
    "Mordad",
    "Shahrivar",
    "Mehr",
    "Aban",
    "Azar",
    "Dey",
    "Bahman",
    "Esfand",
)
GREGORIAN_MONTHS: tuple[str, ...] = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
ENGLISH_WEEKDAYS: tuple[str, ...] = (
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
)

MIN_YEAR = 1200
MAX_YEAR = 1500

_DATE_RE = re.compile(r"(\d{4})\s*([/-])\s*(\d{1,2})\s*\2\s*(\d{1,2})", re.ASCII)
# Direction marks and controls that copy/paste from RTL text tends to add.
_INVISIBLE_RE = re.compile("[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]")

JalaliValue = jdatetime.date | jdatetime.datetime


def to_jalali(value: object) -> JalaliValue | None:
    """Convert a date/datetime (Gregorian or Jalali) to ``jdatetime``.

    Aware datetimes are first converted to the current Django timezone.
    """
    if value is None:
        return None
    if isinstance(value, jdatetime.datetime):
        if value.tzinfo is None:
            return value
        value = value.togregorian()
    if isinstance(value, jdatetime.date):
        return value
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return jdatetime.datetime.fromgregorian(datetime=value)
    if isinstance(value, datetime.date):
        return jdatetime.date.fromgregorian(date=value)
    raise TypeError(f"Cannot convert {type(value).__name__} to a Jalali date")


def _weekday_name(value: JalaliValue) -> str:
    return PERSIAN_WEEKDAYS[value.togregorian().weekday()]


def format_jalali_long(value: object) -> str:
    """E.g. «یکشنبه ۲۴ آذر ۱۳۹۸» (date part only for datetimes); "" for None."""
    j = to_jalali(value)
    if j is None:
        return ""
    month = PERSIAN_MONTHS[j.month - 1]
    return f"{_weekday_name(j)} {to_persian_digits(j.day)} {month} {to_persian_digits(j.year)}"


def format_jalali_short(value: object) -> str:
    """E.g. «۱۳۹۸/۰۹/۲۴»; "" for None."""
    j = to_jalali(value)
    if j is None:
        return ""
    return to_persian_digits(f"{j.year:04d}/{j.month:02d}/{j.day:02d}")


def format_jalali_datetime(value: object) -> str:
    """E.g. «۱۳۹۵/۱۱/۱۱ ۰۹:۱۶» in local time; plain dates give the short date."""
    j = to_jalali(value)
    if j is None:
        return ""
    if not isinstance(j, jdatetime.datetime):
        return format_jalali_short(j)
    return to_persian_digits(f"{j.year:04d}/{j.month:02d}/{j.day:02d} {j.hour:02d}:{j.minute:02d}")


def _gregorian_day(j: JalaliValue) -> datetime.date:
    g = j.togregorian()
    return g.date() if isinstance(g, datetime.datetime) else g


def _english_long(j: JalaliValue) -> str:
    g = _gregorian_day(j)
    return (
        f"{ENGLISH_WEEKDAYS[g.weekday()]} {j.day} {JALALI_MONTHS_LATIN[j.month - 1]} {j.year}"
        f" ({g.day} {GREGORIAN_MONTHS[g.month - 1]} {g.year})"
    )


def _english_gregorian(j: JalaliValue) -> str:
    g = _gregorian_day(j)
    return f"{g.day} {GREGORIAN_MONTHS[g.month - 1][:3]} {g.year}"


def display_long(value: object) -> str:
    """The long date for the interface: Persian («یکشنبه ۲۴ آذر ۱۳۹۸»), or in English the
    Jalali date with the Gregorian one beside it («Sunday 24 Azar 1398 (15 December 2019)»).

    Official documents (minutes, letters, PDFs) use the ``format_jalali_*`` functions,
    which are Persian whatever the interface language.
    """
    if not interface_is_english():
        return format_jalali_long(value)
    j = to_jalali(value)
    return _english_long(j) if j is not None else ""


def display_short(value: object) -> str:
    """«۱۳۹۸/۰۹/۲۴», or in English «1398/09/24 (15 Dec 2019)»."""
    if not interface_is_english():
        return format_jalali_short(value)
    j = to_jalali(value)
    if j is None:
        return ""
    return f"{j.year:04d}/{j.month:02d}/{j.day:02d} ({_english_gregorian(j)})"


def display_datetime(value: object) -> str:
    """«۱۳۹۵/۱۱/۱۱ ۰۹:۱۶», or in English «1395/11/11 09:16 (30 Jan 2017)»."""
    if not interface_is_english():
        return format_jalali_datetime(value)
    j = to_jalali(value)
    if j is None:
        return ""
    if not isinstance(j, jdatetime.datetime):
        return display_short(j)
    return (
        f"{j.year:04d}/{j.month:02d}/{j.day:02d} {j.hour:02d}:{j.minute:02d}"
        f" ({_english_gregorian(j)})"
    )


def month_name(month: int) -> str:
    """The Jalali month's name in the interface language."""
    names = JALALI_MONTHS_LATIN if interface_is_english() else PERSIAN_MONTHS
    return names[month - 1]


def is_leap_jalali(year: int) -> bool:
    """True if the Jalali ``year`` is a leap year (Esfand has 30 days)."""
    return jdatetime.date(year, 1, 1).isleap()


def _days_in_month(year: int, month: int) -> int:
    if month <= 6:
        return 31
    if month <= 11:
        return 30
    return 30 if is_leap_jalali(year) else 29


def parse_jalali_date(text: str) -> jdatetime.date:
    """Parse «۱۴۰۳/۰۱/۱۵» (any digit script, ``/`` or ``-``, Y/M/D, 4-digit year).

    Raises ``ValidationError`` with a Persian message on bad input.
    """
    if isinstance(text, jdatetime.date) and not isinstance(text, jdatetime.datetime):
        return text
    cleaned = _INVISIBLE_RE.sub("", to_latin_digits(str(text or ""))).strip()
    match = _DATE_RE.fullmatch(cleaned)
    if not match:
        raise ValidationError(_("تاریخ را به شکل ۱۴۰۳/۰۱/۱۵ وارد کنید."), code="invalid_format")
    year, month, day = int(match[1]), int(match[3]), int(match[4])
    if year > MAX_YEAR:
        raise ValidationError(
            _("سال را به تقویم شمسی وارد کنید (مثلاً ۱۴۰۳)."), code="gregorian_year"
        )
    if year < MIN_YEAR:
        raise ValidationError(_("سال باید بین ۱۲۰۰ و ۱۵۰۰ باشد."), code="year_out_of_range")
    if not 1 <= month <= 12:
        raise ValidationError(_("ماه باید بین ۱ و ۱۲ باشد."), code="invalid_month")
    if not 1 <= day <= _days_in_month(year, month):
        params = {"day": digits(day), "month": month_name(month), "year": digits(year)}
        if month == 12 and day == 30:
            message = _("روز %(day)s %(month)s %(year)s وجود ندارد؛ سال %(year)s کبیسه نیست.")
        else:
            message = _("روز %(day)s %(month)s %(year)s وجود ندارد.")
        raise ValidationError(message, code="invalid_day", params=params)
    return jdatetime.date(year, month, day)


def jalali_year_bounds(year: int) -> tuple[datetime.date, datetime.date]:
    """Gregorian first and last day of the Jalali ``year`` (inclusive)."""
    first = jdatetime.date(year, 1, 1).togregorian()
    last = jdatetime.date(year + 1, 1, 1).togregorian() - datetime.timedelta(days=1)
    return first, last


def jalali_month_bounds(year: int, month: int) -> tuple[datetime.date, datetime.date]:
    """Gregorian first and last day of the Jalali ``month`` of ``year`` (inclusive)."""
    first = jdatetime.date(year, month, 1)
    last = jdatetime.date(year, month, _days_in_month(year, month))
    return first.togregorian(), last.togregorian()


def today_jalali() -> jdatetime.date:
    """Today's Jalali date in the current Django timezone."""
    return jdatetime.date.fromgregorian(date=timezone.localdate())
