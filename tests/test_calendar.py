"""The Jalali meeting calendar, its visibility rule and a body's iCalendar feed."""

from __future__ import annotations

import datetime
import re

import icalendar
import jdatetime
import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from committees.models import Meeting, MeetingState
from committees.notifications import meeting_path
from committees.services.meetings import meeting_cancel, meeting_create, meeting_schedule
from egov_portal.text.jalali import PERSIAN_MONTHS, today_jalali
from egov_portal.text.persian import to_persian_digits

pytestmark = pytest.mark.django_db

CALENDAR = reverse("committees:calendar")


def _next_month() -> tuple[int, int]:
    today = today_jalali()
    return (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)


def _at(year: int, month: int, day: int, hour: int = 9, minute: int = 30) -> datetime.datetime:
    naive = jdatetime.datetime(year, month, day, hour, minute).togregorian()
    return timezone.make_aware(naive)


def _meeting(body, starts_at) -> Meeting:
    return meeting_create(
        body=body,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=2),
        place="سالن جلسات استانداری",
        created_by=get_user_model().objects.get(username="secretary"),
    )


def _cell(html: str, year: int, month: int, day: int) -> str:
    """The HTML of the calendar cell of one Jalali day."""
    match = re.search(
        rf'<td[^>]*data-jalali="{year:04d}-{month:02d}-{day:02d}".*?</td>', html, re.S
    )
    assert match, f"no cell for {year}/{month}/{day}"
    return match.group(0)


def _month(client, year: int, month: int, **extra) -> str:
    response = client.get(CALENDAR, {"year": year, "month": month, **extra})
    assert response.status_code == 200
    return response.content.decode()


def test_calendar_shows_the_meeting_on_its_jalali_day(working_group, persona_client):
    year, month = _next_month()
    meeting = _meeting(working_group, _at(year, month, 12))

    html = _month(persona_client("member"), year, month)

    cell = _cell(html, year, month, 12)
    assert f'href="{meeting_path(meeting)}"' in cell
    assert meeting_path(meeting) == f"/meetings/{meeting.pk}/"
    assert "۱۲" in cell
    assert "۰۹:۳۰" in cell
    assert meeting.title in cell
    assert meeting_path(meeting) not in _cell(html, year, month, 11)
    assert f"{PERSIAN_MONTHS[month - 1]} {to_persian_digits(year)}" in html
    assert 'data-testid="calendar-empty"' not in html


def test_calendar_weeks_start_on_saturday(persona_client):
    html = _month(persona_client("member"), 1404, 1)

    headers = re.findall(r'<th scope="col">([^<]+)</th>', html)
    assert headers == ["شنبه", "یکشنبه", "دوشنبه", "سه‌شنبه", "چهارشنبه", "پنج‌شنبه", "جمعه"]
    # 1 Farvardin 1404 was a Friday: six blank cells come before it.
    first_row = re.search(r"<tbody>\s*<tr>(.*?)</tr>", html, re.S).group(1)
    assert first_row.count("calendar-blank") == 6
    assert 'data-jalali="1404-01-01"' in first_row
    assert 'data-testid="calendar-empty"' in html


def test_calendar_highlights_today(persona_client):
    today = today_jalali()

    html = persona_client("anonymous").get(CALENDAR).content.decode()

    cell = _cell(html, today.year, today.month, today.day)
    assert "is-today" in cell
    assert 'aria-current="date"' in cell
    assert html.count("is-today") == 1


def test_calendar_navigates_from_esfand_to_farvardin(persona_client):
    client = persona_client("member")

    esfand = _month(client, 1403, 12)
    farvardin = _month(client, 1404, 1)

    assert "اسفند ۱۴۰۳" in esfand
    assert 'href="?year=1404&amp;month=1"' in esfand
    assert 'href="?year=1403&amp;month=11"' in esfand
    assert 'data-jalali="1403-12-30"' in esfand  # 1403 is a leap year
    assert "فروردین ۱۴۰۴" in farvardin
    assert 'href="?year=1403&amp;month=12"' in farvardin
    assert 'href="?year=1404&amp;month=2"' in farvardin


def test_calendar_reads_persian_digits_in_the_query(persona_client):
    html = _month(persona_client("member"), "۱۴۰۳", "۱۲")

    assert "اسفند ۱۴۰۳" in html


@pytest.mark.parametrize(
    "query", [{"year": 1404, "month": 13}, {"month": "x"}, {"year": 99999}, {"month": 0}]
)
def test_calendar_bad_month_shows_the_current_month_with_a_message(persona_client, query):
    today = today_jalali()

    response = persona_client("member").get(CALENDAR, query)

    assert response.status_code == 200
    html = response.content.decode()
    assert f"{PERSIAN_MONTHS[today.month - 1]} {to_persian_digits(today.year)}" in html
    assert "ماه خواسته‌شده معتبر نیست" in html


@pytest.mark.parametrize(
    ("persona", "sees"),
    [
        ("anonymous", False),
        ("outsider", False),
        ("member", True),
        ("itmanager", True),
        ("secretary", True),
        ("governor_office", True),
        ("admin", True),
    ],
)
def test_calendar_shows_a_non_public_meeting_only_to_readers(
    working_group, persona_client, persona, sees
):
    year, month = _next_month()
    meeting = _meeting(working_group, _at(year, month, 5))

    html = _month(persona_client(persona), year, month)

    assert (meeting_path(meeting) in html) is sees


def test_calendar_shows_approved_public_meetings_to_everyone(working_group, persona_client):
    year, month = _next_month()
    meeting = _meeting(working_group, _at(year, month, 5))
    Meeting.objects.filter(pk=meeting.pk).update(state=MeetingState.APPROVED, is_public=True)

    for persona in ("anonymous", "outsider"):
        assert meeting_path(meeting) in _month(persona_client(persona), year, month)


def test_calendar_shows_invitees_the_meetings_of_other_bodies(steering, persona_client):
    """An invitee sees the meeting though he holds no seat in its body (here: the member,
    invited to the steering committee as a guest)."""
    from committees.models import Invitation
    from members.models import Person

    year, month = _next_month()
    meeting = _meeting(steering, _at(year, month, 8))
    client = persona_client("member")
    assert meeting_path(meeting) not in _month(client, year, month)

    Invitation.objects.create(meeting=meeting, person=Person.objects.get(user__username="member"))

    assert meeting_path(meeting) in _month(client, year, month)


def test_body_calendar_lists_only_that_body(working_group, steering, persona_client):
    year, month = _next_month()
    ours = _meeting(working_group, _at(year, month, 3))
    theirs = _meeting(steering, _at(year, month, 4))
    url = reverse("committees:body_calendar", args=[working_group.pk])

    response = persona_client("secretary").get(url, {"year": year, "month": month})

    html = response.content.decode()
    assert meeting_path(ours) in html
    assert meeting_path(theirs) not in html
    assert reverse("committees:body_ical", args=[working_group.pk]) in html


def test_body_ical_is_hidden_from_outsiders(working_group, persona_client):
    url = reverse("committees:body_ical", args=[working_group.pk])

    assert persona_client("outsider").get(url).status_code == 404
    assert persona_client("anonymous").get(url).status_code == 404


def test_body_ical_lists_meetings_but_not_drafts_or_cancelled(working_group, persona_client):
    start = timezone.now() + datetime.timedelta(days=10)
    scheduled = _meeting(working_group, start)
    meeting_schedule(meeting=scheduled)
    draft = _meeting(working_group, start + datetime.timedelta(days=1))
    cancelled = _meeting(working_group, start + datetime.timedelta(days=2))
    meeting_cancel(meeting=cancelled, reason="نبود حد نصاب")
    url = reverse("committees:body_ical", args=[working_group.pk])

    response = persona_client("secretary").get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.content)
    uids = {str(e["uid"]): e for e in calendar.walk("VEVENT")}
    assert f"meeting-{scheduled.pk}@egov-portal" in uids
    assert f"meeting-{draft.pk}@egov-portal" not in uids
    assert f"meeting-{cancelled.pk}@egov-portal" not in uids
    event = uids[f"meeting-{scheduled.pk}@egov-portal"]
    assert str(event["url"]).endswith(f"/meetings/{scheduled.pk}/")
    assert event.decoded("dtstart") == scheduled.starts_at.replace(microsecond=0)


def _month_of_meetings(body, count: int) -> tuple[int, int]:
    year, month = _next_month()
    for index in range(count):
        _meeting(body, _at(year, month, 1 + index % 29, hour=8 + index // 29))
    return year, month


@pytest.mark.parametrize("count", [1, 20])
def test_calendar_query_budget(working_group, persona_client, django_assert_num_queries, count):
    year, month = _month_of_meetings(working_group, count)
    client = persona_client("member")

    with django_assert_num_queries(7):
        html = _month(client, year, month)

    assert html.count('href="/meetings/') == count
