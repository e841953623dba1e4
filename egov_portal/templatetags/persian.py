"""Template filters for Persian digits, Jalali dates, abjad labels and ordinals.

Usage: ``{% load persian %}`` then e.g. ``{{ meeting.date|jalali_long }}``. Like Django's
own ``date`` filter, these return "" for None or for values they cannot handle.
"""

from django import template
from django.utils.translation import get_language

from egov_portal import jalali
from egov_portal import persian as fa

register = template.Library()


def _is_english() -> bool:
    return (get_language() or "").startswith("en")


@register.filter(is_safe=True)
def fa_digits(value: object) -> str:
    """Persian digits (left unchanged when the active language is English)."""
    if value is None:
        return ""
    if _is_english():
        return str(value)
    return fa.to_persian_digits(value)


@register.filter
def jalali_long(value: object) -> str:
    """«یکشنبه ۲۴ آذر ۱۳۹۸»."""
    try:
        return jalali.format_jalali_long(value)
    except (TypeError, ValueError):
        return ""


@register.filter
def jalali_short(value: object) -> str:
    """«۱۳۹۸/۰۹/۲۴»."""
    try:
        return jalali.format_jalali_short(value)
    except (TypeError, ValueError):
        return ""


@register.filter
def jalali_datetime(value: object) -> str:
    """«۱۳۹۵/۱۱/۱۱ ۰۹:۱۶» (local time)."""
    try:
        return jalali.format_jalali_datetime(value)
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
    """6 → «ششم», 21 → «بیست و یکم»."""
    n = _as_int(value)
    return fa.ordinal_fa(n) if n is not None and n >= 1 else ""
