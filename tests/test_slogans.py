"""The slogan of the year (شعار سال): shipped as data that ``load_structure`` loads, edited in
the admin, and printed by each document for the Jalali year of its own date."""

from __future__ import annotations

import datetime
import io
import zoneinfo

import jdatetime
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from egov_portal.data.slogans import SLOGANS
from egov_portal.models import Slogan
from egov_portal.selectors import slogan_for
from egov_portal.text.persian import normalize_for_search

pytestmark = pytest.mark.django_db

TEHRAN = zoneinfo.ZoneInfo("Asia/Tehran")

ISSUE_TEXTS = {
    1394: "دولت و ملت، همدلی و همزبانی",
    1395: "اقتصاد مقاومتی؛ اقدام و عمل",
    1396: "اقتصاد مقاومتی؛ تولید ـ اشتغال",
    1397: "حمایت از کالای ایرانی",
    1398: "رونق تولید",
    1399: "جهش تولید",
    1400: "تولید؛ پشتیبانی‌ها، مانع‌زدایی‌ها",
    1401: "تولید؛ دانش‌بنیان، اشتغال‌آفرین",
    1402: "مهار تورم، رشد تولید",
    1403: "جهش تولید با مشارکت مردم",
    1404: "سرمایه‌گذاری برای تولید",
}


def _pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return normalize_for_search(" ".join(page.extract_text() for page in reader.pages))


def _this_year() -> int:
    return jdatetime.date.fromgregorian(date=timezone.localdate()).year


def test_load_structure_loads_the_known_slogans_word_for_word():
    assert SLOGANS == ISSUE_TEXTS
    assert dict(Slogan.objects.filter(year__lte=1404).values_list("year", "text")) == ISSUE_TEXTS


def test_load_structure_adds_a_missing_year_and_keeps_an_administrators_edit():
    Slogan.objects.filter(year=1398).delete()
    Slogan.objects.filter(year=1402).update(text="مهار تورم و رشد تولید")
    before = Slogan.objects.get(year=1399).updated_at
    out = io.StringIO()
    call_command("load_structure", stdout=out)
    assert Slogan.objects.get(year=1398).text == "رونق تولید"
    assert Slogan.objects.get(year=1402).text == "مهار تورم و رشد تولید"
    assert Slogan.objects.get(year=1399).updated_at == before  # unchanged rows not saved
    assert "شعار سال: 1" in out.getvalue()
    call_command("load_structure", stdout=(again := io.StringIO()))
    assert "بدون تغییر" in again.getvalue()


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (jdatetime.date(1394, 2, 7), "دولت و ملت، همدلی و همزبانی"),
        (datetime.date(2015, 4, 27), "دولت و ملت، همدلی و همزبانی"),  # 1394/02/07
        (jdatetime.date(1403, 12, 29), "جهش تولید با مشارکت مردم"),
        (jdatetime.date(1404, 1, 1), "سرمایه‌گذاری برای تولید"),
        (jdatetime.date(1390, 5, 5), ""),  # before the recorded years
    ],
)
def test_slogan_for_is_the_slogan_of_the_jalali_year_of_the_date(day, expected):
    assert slogan_for(day) == expected


def test_slogan_for_counts_a_moment_in_tehran_time():
    # 1405/01/01 00:30 in Tehran is still 1404/12/29 in UTC.
    nowruz = datetime.datetime(2026, 3, 21, 0, 30, tzinfo=TEHRAN)
    assert jdatetime.datetime.fromgregorian(datetime=nowruz).year == 1405
    Slogan.objects.filter(year=1405).delete()
    assert slogan_for(nowruz.astimezone(datetime.UTC)) == ""
    Slogan.objects.create(year=1405, text="شعار آزمایشی ۱۴۰۵")
    assert slogan_for(nowruz.astimezone(datetime.UTC)) == "شعار آزمایشی ۱۴۰۵"
    assert slogan_for(nowruz - datetime.timedelta(hours=1)) == "سرمایه‌گذاری برای تولید"


def test_slogan_edited_in_the_admin_is_printed(persona_client):
    admin = persona_client("admin")
    slogan = Slogan.objects.get(year=1404)
    response = admin.post(
        reverse("admin:egov_portal_slogan_change", args=[slogan.pk]),
        {"year": 1404, "text": "سرمایه‌گذاری برای تولید (ویرایش‌شده)"},
    )
    assert response.status_code == 302
    assert slogan_for(jdatetime.date(1404, 6, 1)) == "سرمایه‌گذاری برای تولید (ویرایش‌شده)"


def test_structure_pdf_prints_the_slogan_of_the_year_it_is_printed_in(client):
    Slogan.objects.filter(year=_this_year()).delete()
    text = _pdf_text(client.get(reverse("committees:structure_print")).content)
    assert not any(normalize_for_search(t) in text for t in ISSUE_TEXTS.values())
    assert normalize_for_search("همدلی") not in text  # no default of another year
    Slogan.objects.create(year=_this_year(), text="شعار آزمایشی امسال")
    text = _pdf_text(client.get(reverse("committees:structure_print")).content)
    assert normalize_for_search("شعار آزمایشی امسال") in text


def test_dashboard_pdf_prints_the_slogan_of_its_day(persona_client):
    Slogan.objects.filter(year=_this_year()).delete()
    Slogan.objects.create(year=_this_year(), text="شعار آزمایشی امسال")
    response = persona_client("secretary").get(reverse("resolutions:dashboard_pdf"))
    assert normalize_for_search("شعار آزمایشی امسال") in _pdf_text(response.content)
