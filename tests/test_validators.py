"""Tests for egov_portal.validators."""

import pytest
from django.core.exceptions import ValidationError

from egov_portal.text.persian import to_persian_digits
from egov_portal.validators import (
    normalize_mobile,
    normalize_national_code,
    validate_mobile,
    validate_national_code,
    validate_no_bidi_controls,
)


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


# The check digit: the first nine digits weighted 10, 9, …, 2 and summed; r = sum mod 11;
# the tenth digit is r when r < 2, else 11 − r. Worked by hand:
#   0499370899: 0·10+4·9+9·8+9·7+3·6+7·5+0·4+8·3+9·2 = 0+36+72+63+18+35+0+24+18 = 266;
#               266 mod 11 = 2 → 11 − 2 = 9
#   0012345679: 0+0+1·8+2·7+3·6+4·5+5·4+6·3+7·2 = 8+14+18+20+20+18+14 = 112;
#               112 mod 11 = 2 → 9
#   1234567891: 10+18+24+28+30+30+28+24+18 = 210; 210 mod 11 = 1 → 1 (r < 2)
#   2720000019: 2·10+7·9+2·8+0+0+0+0+0+1·2 = 20+63+16+2 = 101; 101 mod 11 = 2 → 9
#   9999999980: 9·(10+9+8+7+6+5+4+3)+8·2 = 468+16 = 484; 484 mod 11 = 0 → 0 (r < 2)
VALID_NATIONAL_CODES = ["0499370899", "0012345679", "1234567891", "2720000019", "9999999980"]


@pytest.mark.parametrize("code", VALID_NATIONAL_CODES)
def test_validate_national_code_accepts_valid_codes(code):
    validate_national_code(code)
    assert normalize_national_code(code) == code


# The same codes with their tenth digit one higher (9 → 0), and one with its last two
# digits swapped (1234567819: 10+18+24+28+30+30+28+24+1·2 = 194; 194 mod 11 = 7 wants
# 11 − 7 = 4, not 9).
@pytest.mark.parametrize(
    "code", ["0499370890", "0012345670", "1234567892", "2720000010", "9999999981", "1234567819"]
)
def test_validate_national_code_wrong_check_digit_rejected(code):
    error = error_of(validate_national_code, code)
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
