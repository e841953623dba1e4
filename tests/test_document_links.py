"""Calendar files in Tehran time with their VTIMEZONE, and every absolute link in e-mails,
calendar files and printed documents starting with ``PORTAL_BASE_URL`` — the address that
``make run`` sets from its HOST and PORT."""

from __future__ import annotations

import datetime
import os
import re
import subprocess
import zoneinfo
from pathlib import Path

import icalendar
import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils import timezone

from committees.notifications import ical_for_meetings, invitation_ics, meeting_url
from committees.services.meetings import meeting_create, meeting_schedule
from egov_portal.env import env_base_url

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[1]
TEHRAN = zoneinfo.ZoneInfo("Asia/Tehran")
BASE = "http://portal.example:8301"


def _meeting(body, *, month: int, day: int):
    """A scheduled meeting at 09:30 Tehran time on ``month``/``day`` of next year."""
    starts_at = datetime.datetime(timezone.localdate().year + 1, month, day, 9, 30, tzinfo=TEHRAN)
    meeting = meeting_create(
        body=body,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=2),
        place="سالن جلسات استانداری",
        created_by=get_user_model().objects.get(username="secretary"),
    )
    meeting_schedule(meeting=meeting)
    meeting.refresh_from_db()
    return meeting


def _offsets(zone) -> set[str]:
    return {o.to_ical().decode().split("TZOFFSETTO:", 1)[1][:5] for o in zone.subcomponents}


def _urls(text: str) -> list[str]:
    return re.findall(r"https?://[^\s\"'<>)]+", text)


def test_invitation_calendar_file_is_in_tehran_time_with_its_vtimezone(working_group, settings):
    settings.PORTAL_BASE_URL = BASE
    meeting = _meeting(working_group, month=12, day=1)
    invitation = meeting.invitations.select_related("person", "meeting").first()
    raw = invitation_ics(invitation, method="REQUEST").decode()

    assert "DTSTART;TZID=Asia/Tehran:" in raw and "T093000" in raw
    assert "DTEND;TZID=Asia/Tehran:" in raw and "T113000" in raw
    calendar = icalendar.Calendar.from_ical(raw)
    (zone,) = calendar.walk("VTIMEZONE")
    assert str(zone["tzid"]) == "Asia/Tehran"
    assert "+0330" in _offsets(zone)
    (event,) = calendar.walk("VEVENT")
    assert event.decoded("dtstart") == meeting.starts_at
    assert event.decoded("dtstart").utcoffset() == datetime.timedelta(hours=3, minutes=30)
    # DTSTAMP stays in UTC, as RFC 5545 requires.
    assert event["dtstamp"].to_ical().endswith(b"Z")
    # Its links are the portal's public address.
    assert str(event["url"]) == f"{BASE}/meetings/{meeting.pk}/"
    assert all(url.startswith(BASE + "/") for url in _urls(raw.replace("\r\n ", "")))


def test_calendar_feed_covers_every_meetings_offset_in_its_vtimezone(working_group, steering):
    # The founding meeting of 1394/02/07 fell in Iran's summer time (+04:30), today's do not.
    founding = steering.legal_basis.meeting
    later = _meeting(working_group, month=12, day=1)
    calendar = icalendar.Calendar.from_ical(ical_for_meetings([founding, later], name="feed"))
    (zone,) = calendar.walk("VTIMEZONE")
    assert {"+0330", "+0430"} <= _offsets(zone)
    starts = {str(e["uid"]): e.decoded("dtstart") for e in calendar.walk("VEVENT")}
    assert starts[f"meeting-{founding.pk}@egov-portal"] == founding.starts_at
    assert starts[f"meeting-{later.pk}@egov-portal"] == later.starts_at


def test_body_calendar_feed_is_in_tehran_time(working_group, persona_client):
    meeting = _meeting(working_group, month=12, day=1)
    response = persona_client("secretary").get(
        reverse("committees:body_ical", args=[working_group.pk])
    )
    raw = response.content.decode()
    assert "BEGIN:VTIMEZONE" in raw and "TZID:Asia/Tehran" in raw
    calendar = icalendar.Calendar.from_ical(raw)
    (event,) = [
        e for e in calendar.walk("VEVENT") if str(e["uid"]).startswith(f"meeting-{meeting.pk}@")
    ]
    assert event["dtstart"].params["TZID"] == "Asia/Tehran"


def test_invitation_email_links_and_calendar_use_the_portal_address(
    working_group, settings, django_capture_on_commit_callbacks
):
    settings.PORTAL_BASE_URL = BASE
    with django_capture_on_commit_callbacks(execute=True):
        meeting = _meeting(working_group, month=11, day=3)
    assert mail.outbox
    for message in mail.outbox:
        html, _mimetype = message.alternatives[0]
        (calendar,) = [a for a in message.attachments if "calendar" in str(a.get_content_type())]
        text = message.body + html + calendar.get_payload(decode=True).decode()
        urls = _urls(text.replace("\r\n ", ""))
        assert f"{BASE}/meetings/{meeting.pk}/" in urls
        assert all(url.startswith(BASE + "/") for url in urls), urls
    assert meeting_url(meeting) == f"{BASE}/meetings/{meeting.pk}/"


def _make_run_address(*, environ: dict[str, str], **variables: str) -> dict[str, str]:
    """The PORTAL_BASE_URL that ``make run`` gives seed_demo and runserver: their command
    lines as ``make -n`` prints them (running nothing), each command replaced by printenv."""
    args = [f"{name}={value}" for name, value in variables.items()]
    printed = subprocess.run(
        ["make", "-n", "run", *args], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    found = {}
    for command in ("seed_demo", "runserver"):
        (line,) = [line for line in printed.splitlines() if f"manage.py {command}" in line]
        assignments = line.split(" .venv/bin/python ", 1)[0]
        shell = f"{assignments} printenv PORTAL_BASE_URL"
        env = {"PATH": os.environ["PATH"], **environ}
        found[command] = subprocess.run(
            ["bash", "-c", shell], env=env, capture_output=True, text=True, check=True
        ).stdout.strip()
    return found


def test_make_run_sets_the_portal_address_from_its_host_and_port():
    found = _make_run_address(environ={}, HOST="127.0.0.1", PORT="8301")
    assert found == {"seed_demo": "http://127.0.0.1:8301", "runserver": "http://127.0.0.1:8301"}
    # An address given explicitly (a proxy in front, say) is kept.
    found = _make_run_address(environ={"PORTAL_BASE_URL": "https://egov.gilan.ir"}, PORT="8301")
    assert set(found.values()) == {"https://egov.gilan.ir"}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://egov.gilan.ir/", "https://egov.gilan.ir"),
        ("http://127.0.0.1:8301", "http://127.0.0.1:8301"),
        ("https://portal.example/egov/", "https://portal.example/egov"),
    ],
)
def test_portal_base_url_is_an_absolute_address(monkeypatch, value, expected):
    monkeypatch.setenv("PORTAL_BASE_URL", value)
    assert env_base_url("PORTAL_BASE_URL", "http://127.0.0.1:8000") == expected


@pytest.mark.parametrize(
    "value", ["127.0.0.1:8301", "egov.gilan.ir", "ftp://egov.gilan.ir", "http://", "http://h:port"]
)
def test_portal_base_url_refuses_what_is_no_address(monkeypatch, value):
    monkeypatch.setenv("PORTAL_BASE_URL", value)
    with pytest.raises(ImproperlyConfigured, match="PORTAL_BASE_URL"):
        env_base_url("PORTAL_BASE_URL", "http://127.0.0.1:8000")
