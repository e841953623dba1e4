"""The public pages: content, Persian digits, RTL, the print version and query budgets."""

from __future__ import annotations

import io
import re

import jdatetime
import pypdf
import pytest
from django.urls import reverse

from committees.models import Body
from egov_portal.models import PageCounter, Slogan
from egov_portal.text.persian import normalize_for_search
from members.models import Agency
from tests.factories import MembershipFactory, PersonFactory

pytestmark = pytest.mark.django_db

LATIN_DIGIT = re.compile(r"[0-9]")


def _visible_text(html: str) -> str:
    body = html.split("<main", 1)[1].split(">", 1)[1].split("</main>", 1)[0]
    body = re.sub(r"<svg.*?</svg>", " ", body, flags=re.S)
    return re.sub(r"<[^>]+>", " ", body)


def test_structure_page_is_rtl_persian_with_persian_digits(client):
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="fa" dir="rtl">' in html
    assert "توسعه دولت الکترونیک در استان گیلان" in html
    text = _visible_text(html)
    assert not LATIN_DIGIT.search(text), LATIN_DIGIT.findall(text)[:10]
    today = jdatetime.date.today()
    assert f"{today.year}".translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")) in html


def test_structure_page_shows_the_seats_holders_and_vacancies(client):
    html = client.get("/").content.decode()
    assert "دکتر محمدرضا کریمی" in html  # today's governor, in the chair
    assert "دکتر علی رضایی" not in html  # his predecessor is history
    assert "رئیس شورای هماهنگی بانک‌های استان" in html
    assert "خالی" in html
    for name in ("کمیته خدمات الکترونیک", "کمیته شبکه و زیرساخت", "کمیته امنیت", "کمیته آموزش"):
        assert name in html


def test_structure_page_legal_paragraph_comes_from_the_data(client, working_group):
    basis = working_group.legal_basis
    basis.letter_number = "999/1"
    basis.save()
    html = client.get("/").content.decode()
    # The letter number is isolated as right-to-left text, in both languages.
    assert 'ابلاغی به شماره <bdi dir="rtl" class="letter-no">۹۹۹/۱</bdi> مورخ ۱۳۹۳/۰۶/۱۱' in html
    assert "۱۳۹۲/۱۲/۲۰" in html


def test_structure_page_counts_views(client):
    client.get("/")
    before = PageCounter.objects.get(key="structure").views
    html = client.get("/").content.decode()
    assert PageCounter.objects.get(key="structure").views == before + 1
    assert (
        f'data-testid="views">{before + 1}'.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
        in html
    )


def _footer_slogan(client) -> str:
    html = client.get("/").content.decode()
    return html.split('data-testid="slogan">', 1)[1].split("<", 1)[0]


def test_slogan_is_this_years_from_the_admin_or_none(client):
    Slogan.objects.filter(year=jdatetime.date.today().year).delete()
    assert _footer_slogan(client) == ""  # no made-up default for a year without one
    Slogan.objects.create(year=jdatetime.date.today().year, text="شعار آزمایشی امسال")
    assert _footer_slogan(client) == "شعار آزمایشی امسال"


def test_structure_page_draws_the_org_chart_from_the_data(client):
    html = client.get("/").content.decode()
    svg = html.split("<svg", 1)[1].split("</svg>", 1)[0]
    for body in Body.objects.filter(is_public=True):
        assert reverse("committees:body_detail", args=[body.pk]) in svg
    assert svg.count("<rect") == Body.objects.filter(is_public=True).count()


def test_print_version_is_a_pdf_with_the_working_group(client):
    response = client.get(reverse("committees:structure_print"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    text = normalize_for_search(" ".join(page.extract_text() for page in reader.pages))
    assert normalize_for_search("کارگروه توسعه دولت الکترونیک استان") in text
    assert normalize_for_search("کمیته امنیت") in text
    # «صفحه ۱ از ۲» in Persian digits in the footer.
    pages = len(reader.pages)
    footer = normalize_for_search(
        f"صفحه ۱ از {str(pages).translate(str.maketrans('0123456789', '۰۱۲۳۴۵۶۷۸۹'))}"
    )
    assert footer in text or footer[::-1] in text


def test_body_page_shows_history_composition_and_legal_chain(client, steering):
    html = client.get(reverse("committees:body_detail", args=[steering.pk])).content.decode()
    assert "کمیته راهبری دولت الکترونیک استان" in html
    assert "بند الف" in html and "ماده ۶" in html  # chain up to Article 6
    # Most agencies have named no representative yet: the vacancies are counted.
    assert re.search(r'خالی</dt>\s*<dd class="col-5">۸</dd>', html)
    assert "کارگروه توسعه دولت الکترونیک استان" in html  # parent body


def test_body_page_lists_the_governors_in_the_chair_history(client, working_group):
    html = client.get(reverse("committees:body_detail", args=[working_group.pk])).content.decode()
    assert "دکتر علی رضایی: ۱۴۰۰/۰۷/۰۱ – ۱۴۰۳/۰۶/۲۰" in html
    assert "دکتر محمدرضا کریمی: ۱۴۰۳/۰۶/۲۰ – تاکنون" in html


def test_hidden_body_is_not_found_for_the_public(client, working_group):
    Body.objects.filter(pk=working_group.pk).update(is_public=False)
    assert client.get(reverse("committees:body_detail", args=[working_group.pk])).status_code == 404


def test_agency_directory_searches_persian_spellings(client):
    response = client.get(reverse("members:agency_list"), {"q": "سازمان برنامهوبودجه"})
    assert "سازمان برنامه‌وبودجه" in response.content.decode()
    response = client.get(reverse("members:agency_list"), {"q": "آموزش و پرورش"})
    html = response.content.decode()
    assert "اداره کل آموزش و پرورش" in html and "شرکت مخابرات" not in html


def test_agency_page_shows_posts_and_seats(client):
    agency = Agency.objects.get(name="استانداری گیلان")
    html = client.get(reverse("committees:agency_detail", args=[agency.pk])).content.decode()
    assert "استاندار" in html and "دکتر محمدرضا کریمی" in html
    assert "کارگروه توسعه دولت الکترونیک استان" in html


def test_home_shows_the_users_bodies_and_agencies(persona_client):
    html = persona_client("chair").get(reverse("committees:home")).content.decode()
    assert "کارگروه توسعه دولت الکترونیک استان" in html
    assert "استاندار" in html
    html = persona_client("itmanager").get(reverse("committees:home")).content.decode()
    assert "اداره کل آموزش و پرورش" in html
    html = persona_client("secretary").get(reverse("committees:home")).content.decode()
    assert "دبیرخانه" in html and "کمیته راهبری دولت الکترونیک استان" in html


def test_login_failure_speaks_persian(client):
    response = client.post(reverse("login"), {"username": "chair", "password": "wrong"})
    assert response.status_code == 200
    assert "نام کاربری" in response.content.decode()
    assert "لطفا" in response.content.decode() or "صحیح" in response.content.decode()


# --- query budgets: a literal number that does not grow with the rows -------------------


def _grow_working_group(working_group, extra: int) -> None:
    seat = working_group.seats.get(order=7)
    seat.persons_count = 2 + extra
    seat.save()
    for _ in range(extra):
        MembershipFactory(seat=seat, person=PersonFactory())


@pytest.mark.parametrize("extra", [0, 25])
def test_structure_page_query_budget(client, django_assert_num_queries, working_group, extra):
    _grow_working_group(working_group, extra)
    with django_assert_num_queries(9):
        assert client.get("/").status_code == 200


@pytest.mark.parametrize("extra", [0, 25])
def test_body_page_query_budget(client, django_assert_num_queries, working_group, extra):
    _grow_working_group(working_group, extra)
    url = reverse("committees:body_detail", args=[working_group.pk])
    with django_assert_num_queries(9):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("extra", [0, 60])
def test_agency_list_query_budget(client, django_assert_num_queries, extra):
    for n in range(extra):
        Agency.objects.create(name=f"دستگاه افزوده {n}")
    with django_assert_num_queries(3):
        assert client.get(reverse("members:agency_list")).status_code == 200


def test_agency_page_query_budget(persona_client, django_assert_num_queries):
    agency = Agency.objects.get(name="استانداری گیلان")
    client = persona_client("chair")
    with django_assert_num_queries(9):
        assert client.get(reverse("committees:agency_detail", args=[agency.pk])).status_code == 200


def test_home_query_budget(persona_client, django_assert_num_queries):
    client = persona_client("chair")
    # The desk's panels: the chair's approvals, the directives' follow-up (6 more than the
    # bare page, the same for any number of rows).
    with django_assert_num_queries(29):  # 28 + the directive scope, uncached
        assert client.get(reverse("committees:home")).status_code == 200


@pytest.mark.parametrize("meetings", [1, 6])
def test_home_lists_upcoming_meetings_and_minutes_to_review(
    persona_client, working_group, django_assert_num_queries, meetings
):
    from tests.meeting_helpers import in_review_meeting, scheduled_meeting

    for _ in range(meetings):
        scheduled_meeting(working_group)
        in_review_meeting(working_group)
    client = persona_client("member")
    with django_assert_num_queries(25):
        html = client.get(reverse("committees:home")).content.decode()
    assert html.count('data-testid="upcoming"') == 1
    upcoming = html.split('data-testid="upcoming"', 1)[1].split("</ul>", 1)[0]
    review = html.split('data-testid="to-review"', 1)[1].split("</ul>", 1)[0]
    # The demo data already invites everyone to one upcoming meeting.
    assert upcoming.count("<li") == meetings + 1
    assert review.count("<li") == meetings
