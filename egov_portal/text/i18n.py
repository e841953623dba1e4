"""What changes with the interface language beyond gettext: digits and ordinals.

The portal is Persian; English is a second interface language chosen with the language
switch. Official documents (minutes, letters, PDFs) stay Persian whatever the choice.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.translation import get_language

from egov_portal.text.persian import ordinal_fa, to_persian_digits


def interface_is_english() -> bool:
    return (get_language() or "").startswith("en")


def ordinal_en(n: int) -> str:
    """1 «1st», 2 «2nd», 11 «11th», 23 «23rd»."""
    if n < 1:
        raise ValueError("ordinal_en() needs n >= 1")
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def ordinal(n: int) -> str:
    """«ششم» in Persian, «6th» in English."""
    return ordinal_en(n) if interface_is_english() else ordinal_fa(n)


def digits(value: object) -> str:
    """Persian digits in Persian, Latin digits in English."""
    return str(value) if interface_is_english() else to_persian_digits(value)


def portal_language():
    """A context manager for text that is stored or sent rather than shown to the person
    acting (deadline rules, agenda titles, audit names, notices): it is written in the
    portal's language, whatever language that person's interface is in."""
    return translation.override(settings.LANGUAGE_CODE)


def official_document():
    """A context manager for rendering an official document (minutes, letters): they are
    Persian documents whatever language the reader's interface is in."""
    return portal_language()
