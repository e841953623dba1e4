"""The language switch, and what changes in English: direction, digits, dates, ordinals.

Official documents (minutes, letters) stay Persian whatever the interface language.
"""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from egov_portal.text import i18n, jalali
from egov_portal.text.persian import to_persian_digits
from tests.meeting_helpers import held_meeting

pytestmark = pytest.mark.django_db

DAY = datetime.date(2019, 12, 15)  # 24 Azar 1398, a Sunday


def _english(client: Client) -> Client:
    response = client.post(
        reverse("set_language"), {"language": "en", "next": reverse("help:index")}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("help:index")
    return client


def test_switching_to_english_sets_the_cookie_and_returns_to_the_page():
    client = _english(Client())
    cookie = client.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "en"
    assert cookie["httponly"]


def test_the_switch_refuses_an_unknown_language_and_a_foreign_next():
    client = Client()
    response = client.post(
        reverse("set_language"), {"language": "xx", "next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert settings.LANGUAGE_COOKIE_NAME not in client.cookies
    html = client.get(reverse("help:index")).content.decode()
    assert '<html lang="fa" dir="rtl">' in html


def test_a_page_in_english_is_left_to_right_with_latin_digits_and_both_dates(persona_client):
    client = _english(persona_client("member"))
    response = client.get(reverse("committees:structure"))
    html = response.content.decode()
    assert response["Content-Language"] == "en"
    assert '<html lang="en" dir="ltr">' in html
    assert "bootstrap.min.css" in html and "bootstrap.rtl.min.css" not in html
    # The switch now offers Persian back.
    assert 'name="language" value="fa"' in html
    with translation.override("en"):
        today = jalali.display_long(datetime.date.today())
    assert today in html
    assert "(" in today and today[-5:-1].isdigit()


def test_persian_is_the_default_whatever_the_browser_says():
    response = Client().get(reverse("help:index"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    html = response.content.decode()
    assert '<html lang="fa" dir="rtl">' in html
    assert 'name="language" value="en"' in html
    assert "bootstrap.rtl.min.css" in html


def test_the_english_interface_is_translated(persona_client):
    client = _english(persona_client("member"))
    html = client.get(reverse("committees:structure")).content.decode()
    assert ">Executive agencies<" in html
    assert ">دستگاه‌های اجرایی<" not in html


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fa", "یکشنبه ۲۴ آذر ۱۳۹۸"),
        ("en", "Sunday 24 Azar 1398 (15 December 2019)"),
    ],
)
def test_long_date_by_language(language, expected):
    with translation.override(language):
        assert jalali.display_long(DAY) == expected


def test_short_and_datetime_dates_in_english_carry_the_gregorian_date():
    moment = datetime.datetime(2017, 1, 30, 9, 16)
    with translation.override("en"):
        assert jalali.display_short(DAY) == "1398/09/24 (15 Dec 2019)"
        assert jalali.display_datetime(moment) == "1395/11/11 09:16 (30 Jan 2017)"
        assert jalali.display_datetime(DAY) == "1398/09/24 (15 Dec 2019)"
        assert jalali.display_short(None) == ""
    with translation.override("fa"):
        assert jalali.display_short(DAY) == "۱۳۹۸/۰۹/۲۴"
        assert jalali.display_datetime(moment) == "۱۳۹۵/۱۱/۱۱ ۰۹:۱۶"


def test_official_formats_stay_persian_in_english():
    with translation.override("en"):
        assert jalali.format_jalali_short(DAY) == "۱۳۹۸/۰۹/۲۴"
        assert jalali.format_jalali_long(DAY) == "یکشنبه ۲۴ آذر ۱۳۹۸"


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (1, "1st"),
        (2, "2nd"),
        (3, "3rd"),
        (4, "4th"),
        (11, "11th"),
        (12, "12th"),
        (13, "13th"),
        (21, "21st"),
        (22, "22nd"),
        (101, "101st"),
        (111, "111th"),
    ],
)
def test_english_ordinals(n, expected):
    assert i18n.ordinal_en(n) == expected


def test_ordinals_and_digits_follow_the_language():
    with translation.override("en"):
        assert i18n.ordinal(6) == "6th"
        assert i18n.digits(145) == "145"
    with translation.override("fa"):
        assert i18n.ordinal(6) == "ششم"
        assert i18n.digits(145) == to_persian_digits(145)
    with pytest.raises(ValueError):
        i18n.ordinal_en(0)


def test_an_invalid_date_message_speaks_the_interface_language():
    from django.core.exceptions import ValidationError

    with translation.override("en"), pytest.raises(ValidationError) as caught:
        jalali.parse_jalali_date("1404/12/30")
    assert "Esfand 1404" in " ".join(caught.value.messages)


def test_minutes_print_stays_persian_in_english(working_group, persona_client):
    meeting = held_meeting(working_group)
    client = _english(persona_client("chair"))
    response = client.get(reverse("resolutions:minutes_print", args=[meeting.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="fa" dir="rtl">' in html
    assert jalali.format_jalali_long(meeting.starts_at) in html
    with translation.override("fa"):
        assert meeting.title in html


def test_meeting_title_in_english(working_group):
    meeting = held_meeting(working_group)
    with translation.override("en"):
        title = meeting.title
    assert i18n.ordinal_en(meeting.number) in title


def test_a_request_in_english_leaves_the_thread_in_persian(persona_client):
    translation.activate(settings.LANGUAGE_CODE)
    client = _english(persona_client("member"))
    client.get(reverse("committees:structure"))
    assert translation.get_language() == settings.LANGUAGE_CODE


@pytest.mark.parametrize(("count", "expected"), [(1, "1 day"), (3, "3 days")])
def test_english_counts_have_plural_forms(count, expected):
    from django.template import Context, Template

    template = Template(
        "{% load i18n persian %}{% blocktranslate trimmed with n=c|fa_digits count days=c %}"
        "{{ n }} روز{% plural %}{{ n }} روز{% endblocktranslate %}"
    )
    with translation.override("en"):
        assert template.render(Context({"c": count})) == expected
    with translation.override("fa"):
        assert template.render(Context({"c": count})) == f"{to_persian_digits(count)} روز"
