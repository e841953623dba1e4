"""Tests for egov_portal.jalali and the Jalali date template filters."""

import datetime
import zoneinfo

import jdatetime
import pytest
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.utils import timezone, translation

from egov_portal.text.jalali import (
    PERSIAN_MONTHS,
    PERSIAN_WEEKDAYS,
    format_jalali_datetime,
    format_jalali_long,
    format_jalali_short,
    is_leap_jalali,
    jalali_month_bounds,
    jalali_year_bounds,
    parse_jalali_date,
    to_jalali,
    today_jalali,
)

TEHRAN = zoneinfo.ZoneInfo("Asia/Tehran")
UTC = datetime.UTC


def render(source: str, **context: object) -> str:
    return Template("{% load persian %}" + source).render(Context(context))


def parse_error(text: str) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        parse_jalali_date(text)
    return info.value


# --- constants and calendar facts -------------------------------------------------------


def test_persian_months_twelve_in_order():
    assert len(PERSIAN_MONTHS) == 12
    assert PERSIAN_MONTHS[0] == "فروردین"
    assert PERSIAN_MONTHS[8] == "آذر"
    assert PERSIAN_MONTHS[11] == "اسفند"


@pytest.mark.parametrize(
    ("gregorian", "name"),
    [
        (datetime.date(2024, 3, 16), "شنبه"),
        (datetime.date(2024, 3, 17), "یکشنبه"),
        (datetime.date(2024, 3, 18), "دوشنبه"),
        (datetime.date(2024, 3, 22), "جمعه"),
    ],
)
def test_persian_weekdays_keyed_by_python_weekday(gregorian, name):
    assert PERSIAN_WEEKDAYS[gregorian.weekday()] == name


@pytest.mark.parametrize(
    ("year", "gregorian"),
    [(1403, datetime.date(2024, 3, 20)), (1404, datetime.date(2025, 3, 21))],
)
def test_nowruz_known_gregorian_dates(year, gregorian):
    assert jdatetime.date(year, 1, 1).togregorian() == gregorian
    assert jalali_year_bounds(year)[0] == gregorian


@pytest.mark.parametrize("year", [1399, 1403, 1408])
def test_is_leap_jalali_leap_years(year):
    assert is_leap_jalali(year)


@pytest.mark.parametrize("year", [1400, 1401, 1402, 1404, 1405, 1406, 1407])
def test_is_leap_jalali_common_years(year):
    assert not is_leap_jalali(year)


# --- conversion and formatting ----------------------------------------------------------


def test_to_jalali_none_is_none():
    assert to_jalali(None) is None


def test_to_jalali_date_gives_jalali_date():
    result = to_jalali(datetime.date(2019, 12, 15))
    assert isinstance(result, jdatetime.date)
    assert (result.year, result.month, result.day) == (1398, 9, 24)


def test_to_jalali_jalali_values_pass_through():
    value = jdatetime.date(1403, 1, 1)
    assert to_jalali(value) is value
    naive = jdatetime.datetime(1403, 1, 1, 8, 30)
    assert to_jalali(naive) is naive


def test_to_jalali_aware_datetime_uses_local_time():
    # 20:45 UTC on 19 March 2024 is 00:15 on 1 Farvardin 1403 in Tehran (+03:30).
    with timezone.override(TEHRAN):
        result = to_jalali(datetime.datetime(2024, 3, 19, 20, 45, tzinfo=UTC))
    assert isinstance(result, jdatetime.datetime)
    assert (result.year, result.month, result.day, result.hour, result.minute) == (
        1403,
        1,
        1,
        0,
        15,
    )


def test_to_jalali_unsupported_type_raises():
    with pytest.raises(TypeError):
        to_jalali("1403/01/01")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime.date(2019, 12, 15), "یکشنبه ۲۴ آذر ۱۳۹۸"),
        (datetime.datetime(2019, 12, 15, 23, 59), "یکشنبه ۲۴ آذر ۱۳۹۸"),
        (jdatetime.date(1398, 9, 24), "یکشنبه ۲۴ آذر ۱۳۹۸"),
        (datetime.date(2024, 3, 20), "چهارشنبه ۱ فروردین ۱۴۰۳"),
        (datetime.date(2025, 3, 21), "جمعه ۱ فروردین ۱۴۰۴"),
        (None, ""),
    ],
)
def test_format_jalali_long_known_dates(value, expected):
    assert format_jalali_long(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime.date(2019, 12, 15), "۱۳۹۸/۰۹/۲۴"),
        (datetime.date(2024, 3, 20), "۱۴۰۳/۰۱/۰۱"),
        (jdatetime.date(1403, 12, 30), "۱۴۰۳/۱۲/۳۰"),
        (None, ""),
    ],
)
def test_format_jalali_short_known_dates(value, expected):
    assert format_jalali_short(value) == expected


def test_format_jalali_datetime_aware_shows_local_time():
    value = datetime.datetime(2017, 1, 30, 5, 46, tzinfo=UTC)  # 09:16 in Tehran
    with timezone.override(TEHRAN):
        assert format_jalali_datetime(value) == "۱۳۹۵/۱۱/۱۱ ۰۹:۱۶"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime.datetime(2017, 1, 30, 9, 16), "۱۳۹۵/۱۱/۱۱ ۰۹:۱۶"),
        (datetime.date(2017, 1, 30), "۱۳۹۵/۱۱/۱۱"),
        (None, ""),
    ],
)
def test_format_jalali_datetime_naive_and_date(value, expected):
    assert format_jalali_datetime(value) == expected


def test_format_jalali_long_aware_datetime_uses_local_date():
    value = datetime.datetime(2024, 3, 19, 20, 45, tzinfo=UTC)
    with timezone.override(TEHRAN):
        assert format_jalali_long(value) == "چهارشنبه ۱ فروردین ۱۴۰۳"


# --- parsing ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("۱۴۰۳-۰۱-۰۱", (1403, 1, 1)),
        ("١٤٠٣/٠١/٠١", (1403, 1, 1)),
        ("1392/ 12/ 20", (1392, 12, 20)),
        ("1403/1/5", (1403, 1, 5)),
        (" ۱۴۰۳/۰۱/۱۵ ", (1403, 1, 15)),
        ("1403 - 06 - 31", (1403, 6, 31)),
        ("\u200f۱۴۰۳/۰۱/۱۵\u200e", (1403, 1, 15)),
        ("1403/12/30", (1403, 12, 30)),
        ("1399/12/30", (1399, 12, 30)),
    ],
)
def test_parse_jalali_date_accepted_forms(text, expected):
    result = parse_jalali_date(text)
    assert isinstance(result, jdatetime.date)
    assert (result.year, result.month, result.day) == expected


@pytest.mark.parametrize(
    "text",
    ["", "1403", "1403/01", "03/01/15", "15/01/1403", "1403.01.15", "1403/01-15", "abc", None],
)
def test_parse_jalali_date_bad_format_rejected(text):
    error = parse_error(text)
    assert error.code == "invalid_format"
    assert error.messages == ["تاریخ را به شکل ۱۴۰۳/۰۱/۱۵ وارد کنید."]


@pytest.mark.parametrize("text", ["1403/13/01", "1403/00/10", "۱۴۰۳/۱۴/۰۱"])
def test_parse_jalali_date_month_out_of_range_rejected(text):
    error = parse_error(text)
    assert error.code == "invalid_month"
    assert error.messages == ["ماه باید بین ۱ و ۱۲ باشد."]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1402/12/30", "روز ۳۰ اسفند ۱۴۰۲ وجود ندارد؛ سال ۱۴۰۲ کبیسه نیست."),
        ("۱۴۰۴/۱۲/۳۰", "روز ۳۰ اسفند ۱۴۰۴ وجود ندارد؛ سال ۱۴۰۴ کبیسه نیست."),
        ("1403/07/31", "روز ۳۱ مهر ۱۴۰۳ وجود ندارد."),
        ("1403/01/32", "روز ۳۲ فروردین ۱۴۰۳ وجود ندارد."),
        ("1403/12/31", "روز ۳۱ اسفند ۱۴۰۳ وجود ندارد."),
        ("1403/05/00", "روز ۰ مرداد ۱۴۰۳ وجود ندارد."),
    ],
)
def test_parse_jalali_date_nonexistent_day_rejected(text, message):
    error = parse_error(text)
    assert error.code == "invalid_day"
    assert error.messages == [message]


@pytest.mark.parametrize("text", ["2024/03/20", "1501/01/01", "۲۰۲۴-۰۳-۲۰"])
def test_parse_jalali_date_gregorian_year_rejected(text):
    error = parse_error(text)
    assert error.code == "gregorian_year"
    assert error.messages == ["سال را به تقویم شمسی وارد کنید (مثلاً ۱۴۰۳)."]


@pytest.mark.parametrize("text", ["1199/01/01", "0403/01/01"])
def test_parse_jalali_date_too_early_year_rejected(text):
    assert parse_error(text).code == "year_out_of_range"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1200/01/01", jdatetime.date(1200, 1, 1)),
        ("1500/12/29", jdatetime.date(1500, 12, 29)),
        ("۱۵۰۰/۱۲/۲۹", jdatetime.date(1500, 12, 29)),
    ],
)
def test_parse_jalali_date_year_bounds_accepted(text, expected):
    assert parse_jalali_date(text) == expected


# --- bounds and today -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "bounds"),
    [
        (1402, (datetime.date(2023, 3, 21), datetime.date(2024, 3, 19))),
        (1403, (datetime.date(2024, 3, 20), datetime.date(2025, 3, 20))),
        (1404, (datetime.date(2025, 3, 21), datetime.date(2026, 3, 20))),
    ],
)
def test_jalali_year_bounds_known_years(year, bounds):
    assert jalali_year_bounds(year) == bounds


@pytest.mark.parametrize(
    ("year", "month", "bounds"),
    [
        (1403, 1, (datetime.date(2024, 3, 20), datetime.date(2024, 4, 19))),
        (1403, 7, (datetime.date(2024, 9, 22), datetime.date(2024, 10, 21))),
        (1403, 12, (datetime.date(2025, 2, 19), datetime.date(2025, 3, 20))),
        (1402, 12, (datetime.date(2024, 2, 20), datetime.date(2024, 3, 19))),
    ],
)
def test_jalali_month_bounds_known_months(year, month, bounds):
    assert jalali_month_bounds(year, month) == bounds


@pytest.mark.parametrize("month", [0, 13])
def test_jalali_month_bounds_invalid_month_raises(month):
    with pytest.raises(ValueError):
        jalali_month_bounds(1403, month)


def test_today_jalali_is_the_local_date(monkeypatch):
    # 20:45 UTC on 19 March 2024 (29 Esfand 1402) is already 1 Farvardin 1403 in Tehran.
    monkeypatch.setattr(timezone, "now", lambda: datetime.datetime(2024, 3, 19, 20, 45, tzinfo=UTC))
    with timezone.override(TEHRAN):
        assert today_jalali() == jdatetime.date(1403, 1, 1)
    with timezone.override(UTC):
        assert today_jalali() == jdatetime.date(1402, 12, 29)


# --- template filters -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("template", "value", "expected"),
    [
        ("{{ v|jalali_long }}", datetime.date(2019, 12, 15), "یکشنبه ۲۴ آذر ۱۳۹۸"),
        ("{{ v|jalali_short }}", datetime.date(2019, 12, 15), "۱۳۹۸/۰۹/۲۴"),
        ("{{ v|jalali_datetime }}", datetime.datetime(2017, 1, 30, 9, 16), "۱۳۹۵/۱۱/۱۱ ۰۹:۱۶"),
        ("{{ v|jalali_long }}", None, ""),
        ("{{ v|jalali_short }}", None, ""),
        ("{{ v|jalali_datetime }}", None, ""),
        ("{{ v|jalali_long }}", "not a date", ""),
    ],
)
def test_jalali_filters_render_expected(template, value, expected):
    with translation.override("fa"):
        assert render(template, v=value) == expected


def test_jalali_datetime_filter_aware_uses_local_time():
    value = datetime.datetime(2017, 1, 30, 5, 46, tzinfo=UTC)
    with timezone.override(TEHRAN), translation.override("fa"):
        assert render("{{ v|jalali_datetime }}", v=value) == "۱۳۹۵/۱۱/۱۱ ۰۹:۱۶"


def test_jalali_long_filter_english_still_jalali_with_the_gregorian_beside():
    with translation.override("en"):
        assert render("{{ v|jalali_long }}", v=datetime.date(2019, 12, 15)) == (
            "Sunday 24 Azar 1398 (15 December 2019)"
        )
