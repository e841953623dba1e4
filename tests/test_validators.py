"""Tests for egov_portal.validators."""

import pytest
from django.core.exceptions import ValidationError

from egov_portal.persian import to_persian_digits
from egov_portal.validators import (
    normalize_mobile,
    normalize_national_code,
    validate_mobile,
    validate_national_code,
    validate_no_bidi_controls,
)


def with_check_digit(stem: str) -> str:
    """Append the national-code check digit to a 9-digit stem (the documented algorithm)."""
    remainder = sum(int(d) * (10 - i) for i, d in enumerate(stem)) % 11
    return stem + str(remainder if remainder < 2 else 11 - remainder)


def error_of(validator, value) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        validator(value)
    return info.value


# --- bidi -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "char", ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2069"]
)
def test_validate_no_bidi_controls_rejects_controls(char):
    error = error_of(validate_no_bidi_controls, f"مصوبه{char}txt")
    assert error.code == "bidi_controls"
    assert error.messages == ["متن شامل نویسه‌های کنترل جهت (bidi) است که مجاز نیست."]


@pytest.mark.parametrize("value", ["مصوبه شماره ۱۲", "a\u200fb", "نایب\u200cرئیس", "", None])
def test_validate_no_bidi_controls_accepts_plain_text(value):
    validate_no_bidi_controls(value)


# --- national code ----------------------------------------------------------------------


@pytest.mark.parametrize("stem", ["049937089", "001234567", "123456789", "272000001", "999999998"])
def test_validate_national_code_accepts_computed_codes(stem):
    validate_national_code(with_check_digit(stem))


def test_validate_national_code_known_example_matches_algorithm():
    assert with_check_digit("049937089") == "0499370899"
    validate_national_code("0499370899")


@pytest.mark.parametrize("stem", ["049937089", "123456789", "272000001"])
def test_validate_national_code_wrong_check_digit_rejected(stem):
    good = with_check_digit(stem)
    bad = good[:9] + str((int(good[9]) + 1) % 10)
    error = error_of(validate_national_code, bad)
    assert error.code == "invalid_national_code"
    assert error.messages == ["کد ملی معتبر نیست."]


@pytest.mark.parametrize("digit", "0123456789")
def test_validate_national_code_all_same_digit_rejected(digit):
    error = error_of(validate_national_code, digit * 10)
    assert error.messages == ["کد ملی معتبر نیست."]


@pytest.mark.parametrize("value", ["123456789", "12345678901", "", "۰۴۹۹۳۷۰۸۹"])
def test_validate_national_code_wrong_length_rejected(value):
    error = error_of(validate_national_code, value)
    assert error.code == "national_code_length"
    assert error.messages == ["کد ملی باید ۱۰ رقم باشد."]


@pytest.mark.parametrize("value", ["04993708a9", "0499/370899"])
def test_validate_national_code_non_digits_rejected(value):
    assert error_of(validate_national_code, value).messages == ["کد ملی معتبر نیست."]


@pytest.mark.parametrize(
    "value",
    [
        to_persian_digits("0499370899"),
        "٠٤٩٩٣٧٠٨٩٩",
        "049-937089-9",
        " 049 937 0899 ",
        "۰۴۹-۹۳۷۰۸۹-۹",
    ],
)
def test_validate_national_code_other_digits_and_separators_accepted(value):
    validate_national_code(value)
    assert normalize_national_code(value) == "0499370899"


def test_normalize_national_code_none_empty():
    assert normalize_national_code(None) == ""


# --- mobile -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "09121234567",
        "۰۹۱۲۱۲۳۴۵۶۷",
        "٠٩١٢١٢٣٤٥٦٧",
        "+989121234567",
        "+98 912 123 4567",
        "00989121234567",
        "989121234567",
        "9121234567",
        "0912 123 4567",
        "0912-123-4567",
        "(0912) 123-4567",
        "+۹۸۹۱۲۱۲۳۴۵۶۷",
    ],
)
def test_normalize_mobile_accepted_forms(value):
    assert normalize_mobile(value) == "09121234567"
    validate_mobile(value)


@pytest.mark.parametrize(
    ("value", "cleaned"),
    [
        ("0912123456", "0912123456"),
        ("091212345678", "091212345678"),
        ("02112345678", "02112345678"),
        ("۰۲۱ ۱۲۳۴ ۵۶۷۸", "02112345678"),
        ("09a2123456", "09a2123456"),
        ("", ""),
    ],
)
def test_validate_mobile_invalid_rejected(value, cleaned):
    assert normalize_mobile(value) == cleaned
    error = error_of(validate_mobile, value)
    assert error.code == "invalid_mobile"
    assert error.messages == ["شماره همراه باید به شکل ۰۹xxxxxxxxx باشد."]


def test_normalize_mobile_none_empty():
    assert normalize_mobile(None) == ""
