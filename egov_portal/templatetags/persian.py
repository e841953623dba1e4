"""Template filters for Persian digits, Jalali dates, abjad labels and ordinals.

Usage: ``{% load persian %}`` then e.g. ``{{ meeting.date|jalali_long }}``. Like Django's
own ``date`` filter, these return "" for None or for values they cannot handle.
"""

from django import template
from django.utils.html import format_html

from egov_portal.text import i18n, jalali
from egov_portal.text import persian as fa

register = template.Library()


_is_english = i18n.interface_is_english


@register.filter(is_safe=True)
def fa_digits(value: object) -> str:
    """Persian digits (left unchanged when the active language is English)."""
    return "" if value is None else i18n.digits(value)


@register.filter(is_safe=True)
def percent(value: object) -> str:
    """50 → «۵۰٪» (in English «50%»); "" for None."""
    if value is None or value == "":
        return ""
    return f"{fa_digits(value)}{'%' if _is_english() else '٪'}"


@register.filter
def jalali_long(value: object) -> str:
    """«یکشنبه ۲۴ آذر ۱۳۹۸»; in English with the Gregorian date beside it."""
    try:
        return jalali.display_long(value)
    except (TypeError, ValueError):
        return ""


@register.filter
def jalali_short(value: object) -> str:
    """«۱۳۹۸/۰۹/۲۴»; in English «1398/09/24 (15 Dec 2019)»."""
    try:
        return jalali.display_short(value)
    except (TypeError, ValueError):
        return ""


@register.filter
def jalali_datetime(value: object) -> str:
    """«۱۳۹۵/۱۱/۱۱ ۰۹:۱۶» (local time); in English with the Gregorian date beside it."""
    try:
        return jalali.display_datetime(value)
    except (TypeError, ValueError):
        return ""


def _as_int(value: object) -> int | None:
    if value is None:
        return None
    try:
        return int(fa.to_latin_digits(str(value)))
    except ValueError:
        return None


@register.filter
def abjad(value: object) -> str:
    """1 → «الف», 3 → «ج», 29 → «الف۱»."""
    n = _as_int(value)
    return fa.abjad_label(n) if n is not None and n >= 1 else ""


@register.filter
def ordinal_fa(value: object) -> str:
    """6 → «ششم», 21 → «بیست و یکم» (in English «6th», «21st»)."""
    n = _as_int(value)
    return i18n.ordinal(n) if n is not None and n >= 1 else ""


@register.filter
def first_line(value: object) -> str:
    """The first non-empty line of a text (what a directive asks, in a list row)."""
    for line in str(value or "").splitlines():
        if line.strip():
            return line.strip()
    return ""


@register.filter
def letter_no(value: object) -> str:
    """A letter number («۶۵/ک‌د/۱۴۰۵») isolated as right-to-left text, in the interface's
    digits: without the isolation an English (left-to-right) page reorders its parts."""
    if value in (None, ""):
        return ""
    return format_html('<bdi dir="rtl" class="letter-no">{}</bdi>', i18n.digits(str(value)))
