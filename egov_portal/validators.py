"""Field validators (and their normalisers) with Persian error messages."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from egov_portal.text.persian import contains_bidi_controls, to_latin_digits

_SEPARATORS_RE = re.compile(r"[\s\-\u2010\u2011\u2012\u2013\u2014]+")
_MOBILE_JUNK_RE = re.compile(r"[\s\-\u2010\u2011\u2012\u2013\u2014()]+")
_MOBILE_RE = re.compile(r"09[0-9]{9}")
_DIGITS_RE = re.compile(r"[0-9]*")


def validate_no_bidi_controls(value: object) -> None:
    """Reject text containing bidi embedding/override/isolate controls."""
    if value is not None and contains_bidi_controls(str(value)):
        raise ValidationError(
            _("متن شامل نویسه‌های کنترل جهت (bidi) است که مجاز نیست."),
            code="bidi_controls",
        )


def normalize_national_code(value: object) -> str:
    """Digits of any script to ASCII, with spaces and dashes removed."""
    if value is None:
        return ""
    return _SEPARATORS_RE.sub("", to_latin_digits(str(value)))


def national_code_check_digit(stem: str) -> int:
    """The check digit of a national code from its first nine digits: the digits weighted
    10 down to 2, summed, modulo 11; a remainder below 2 is the check digit itself,
    otherwise 11 minus it."""
    remainder = sum(int(digit) * (10 - i) for i, digit in enumerate(stem[:9])) % 11
    return remainder if remainder < 2 else 11 - remainder


def validate_national_code(value: object) -> None:
    """Validate an Iranian national code (کد ملی): 10 digits with a check digit."""
    code = normalize_national_code(value)
    if not _DIGITS_RE.fullmatch(code):
        raise ValidationError(_("کد ملی معتبر نیست."), code="invalid_national_code")
    if len(code) != 10:
        raise ValidationError(_("کد ملی باید ۱۰ رقم باشد."), code="national_code_length")
    if len(set(code)) == 1:
        raise ValidationError(_("کد ملی معتبر نیست."), code="invalid_national_code")
    if int(code[9]) != national_code_check_digit(code):
        raise ValidationError(_("کد ملی معتبر نیست."), code="invalid_national_code")


def normalize_mobile(value: object) -> str:
    """Normalise a mobile number to ``09xxxxxxxxx``.

    Accepts any digit script, spaces, dashes, parentheses and the prefixes +98, 0098, 98
    or a bare leading 9. Invalid input is returned cleaned but otherwise as is, so
    :func:`validate_mobile` can reject it.
    """
    if value is None:
        return ""
    number = _MOBILE_JUNK_RE.sub("", to_latin_digits(str(value)))
    if number.startswith("+98"):
        number = "0" + number[3:]
    elif number.startswith("0098"):
        number = "0" + number[4:]
    elif number.startswith("98") and len(number) == 12:
        number = "0" + number[2:]
    elif number.startswith("9") and len(number) == 10:
        number = "0" + number
    return number


def validate_mobile(value: object) -> None:
    """Validate an Iranian mobile number (any accepted form of ``09xxxxxxxxx``)."""
    if not _MOBILE_RE.fullmatch(normalize_mobile(value)):
        raise ValidationError(_("شماره همراه باید به شکل ۰۹xxxxxxxxx باشد."), code="invalid_mobile")
