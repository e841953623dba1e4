"""Meeting e-mails with calendar files, portal notices and the reminder command."""

from __future__ import annotations

import datetime
import io
import zoneinfo

import icalendar
import jdatetime
import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from committees.models import Meeting, MeetingState
from committees.notifications import meeting_notice_send, meeting_path, meeting_url
from committees.services.meetings import (
    meeting_cancel,
    meeting_create,
    meeting_schedule,
    meeting_update,
)
from egov_portal.models import Notification
from egov_portal.text.jalali import PERSIAN_MONTHS
from egov_portal.text.persian import to_persian_digits
from members.models import Person

TEHRAN = zoneinfo.ZoneInfo("Asia/Tehran")


def _local(*, days: float = 0, hours: float = 0, hour: int | None = None) -> datetime.datetime:
    moment = timezone.localtime() + datetime.timedelta(days=days, hours=hours)
    if hour is not None:
        moment = moment.replace(hour=hour, minute=30)
    return moment.replace(second=0, microsecond=0)


def _meeting(body, starts_at, *, length=datetime.timedelta(hours=2)) -> Meeting:
    secretary = get_user_model().objects.get(username="secretary")
    return meeting_create(
        body=body,
        starts_at=starts_at,
        ends_at=starts_at + length,
        place="سالن جلسات استانداری",
        created_by=secretary,
    )


def _scheduled(body, starts_at) -> Meeting:
    meeting = _meeting(body, starts_at)
    meeting_schedule(meeting=meeting)  # on_commit never runs here: nothing is sent yet
    meeting.refresh_from_db()
    return meeting


def _calendar_of(message) -> icalendar.Calendar:
    parts = [p for p in message.message().walk() if p.get_content_type() == "text/calendar"]
    assert len(parts) == 1
    return icalendar.Calendar.from_ical(parts[0].get_payload(decode=True))


def _emailed(meeting: Meeting) -> set[str]:
    return {i.person.email for i in meeting.invitations.select_related("person") if i.person.email}


def _jalali_day(moment: datetime.datetime) -> str:
    """«۲۴ آذر ۱۴۰۴» of an aware moment, in Tehran, worked out with jdatetime directly."""
    j = jdatetime.date.fromgregorian(date=moment.astimezone(TEHRAN).date())
    return f"{to_persian_digits(j.day)} {PERSIAN_MONTHS[j.month - 1]} {to_persian_digits(j.year)}"


def test_invitation_email_carries_a_calendar_file(
    working_group, django_capture_on_commit_callbacks
):
    meeting = _meeting(working_group, _local(days=10, hour=9))
    with django_capture_on_commit_callbacks(execute=True):
        meeting_schedule(meeting=meeting)

    assert {m.to[0] for m in mail.outbox} == _emailed(meeting)
    assert len(mail.outbox) == len(_emailed(meeting))
    message = next(m for m in mail.outbox if m.to == ["dg.finance@example.ir"])
    assert message.subject == f"دعوت به {meeting}"
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert 'dir="rtl"' in html

    calendar = _calendar_of(message)
    assert str(calendar["method"]) == "REQUEST"
    (event,) = calendar.walk("VEVENT")
    start = event.decoded("dtstart")
    assert start == meeting.starts_at
    assert event["dtstart"].params["TZID"] == "Asia/Tehran"  # not UTC: the time invitees read
    assert event.decoded("dtend") == meeting.ends_at
    assert str(event["uid"]) == f"meeting-{meeting.pk}@egov-portal"
    assert str(event["summary"]) == str(meeting)
    assert str(event["location"]) == "سالن جلسات استانداری"
    assert str(event["url"]) == meeting_url(meeting)
    assert meeting_url(meeting).endswith(f"/meetings/{meeting.pk}/")
    day = _jalali_day(start)
    assert day in message.body
    assert day in str(event["description"])
    assert meeting_url(meeting) in message.body


def test_person_without_email_still_gets_a_portal_notice(
    working_group, django_capture_on_commit_callbacks
):
    member = Person.objects.get(user__username="member")
    address = member.email
    member.email = ""
    member.save()
    meeting = _meeting(working_group, _local(days=10, hour=9))
    with django_capture_on_commit_callbacks(execute=True):
        meeting_schedule(meeting=meeting)

    assert meeting.invitations.filter(person=member).exists()
    assert address not in {m.to[0] for m in mail.outbox}
    notice = Notification.objects.filter(user=member.user).latest("pk")
    assert notice.title == f"دعوت به {meeting}"
    assert notice.url == meeting_path(meeting)
    assert notice.read_at is None


def test_notice_send_returns_the_number_of_emails(working_group):
    meeting = _scheduled(working_group, _local(days=10, hour=9))
    ids = list(meeting.invitations.values_list("pk", flat=True))

    sent = meeting_notice_send(invitation_ids=ids, kind="invitation")

    assert sent == len(_emailed(meeting)) == len(mail.outbox)
    assert Notification.objects.filter(url=meeting_path(meeting)).count() == (
        meeting.invitations.filter(person__user__isnull=False).count()
    )


def test_cancelled_meeting_sends_a_cancel_calendar_file(
    working_group, django_capture_on_commit_callbacks
):
    meeting = _scheduled(working_group, _local(days=10, hour=9))
    with django_capture_on_commit_callbacks(execute=True):
        meeting_cancel(meeting=meeting, reason="سفر استاندار")

    assert len(mail.outbox) == len(_emailed(meeting))
    for message in mail.outbox:
        assert message.subject == f"لغو {meeting}"
        assert "سفر استاندار" in message.body
        calendar = _calendar_of(message)
        assert str(calendar["method"]) == "CANCEL"
        (event,) = calendar.walk("VEVENT")
        assert str(event["status"]) == "CANCELLED"
        assert str(event["uid"]) == f"meeting-{meeting.pk}@egov-portal"


def test_changed_meeting_sends_the_new_time_with_a_higher_sequence(
    working_group, django_capture_on_commit_callbacks
):
    meeting = _meeting(working_group, _local(days=10, hour=9))
    with django_capture_on_commit_callbacks(execute=True):
        meeting_schedule(meeting=meeting)
    first = _calendar_of(mail.outbox[0]).walk("VEVENT")[0]
    mail.outbox.clear()
    meeting.refresh_from_db()
    later = meeting.starts_at + datetime.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        meeting_update(
            meeting=meeting,
            starts_at=later,
            ends_at=later + datetime.timedelta(hours=2),
            place=meeting.place,
            online_link="",
            is_public=False,
        )

    assert len(mail.outbox) == len(_emailed(meeting))
    changed = _calendar_of(mail.outbox[0]).walk("VEVENT")[0]
    assert changed.decoded("dtstart") == later
    assert str(changed["uid"]) == str(first["uid"])
    assert int(changed["sequence"]) >= int(first["sequence"])
    assert _jalali_day(later) in mail.outbox[0].body


def test_postponed_and_review_notices_carry_no_calendar_file(working_group):
    meeting = _scheduled(working_group, _local(days=10, hour=9))
    ids = list(meeting.invitations.values_list("pk", flat=True))
    meeting_notice_send(invitation_ids=ids, kind="postponed")
    meeting_notice_send(invitation_ids=ids, kind="minutes_review")

    for message in mail.outbox:
        types = {p.get_content_type() for p in message.message().walk()}
        assert "text/calendar" not in types


def test_unknown_kind_is_refused(working_group):
    with pytest.raises(ValueError):
        meeting_notice_send(invitation_ids=[], kind="gossip")


def _remind(*args: str) -> str:
    out = io.StringIO()
    call_command("send_meeting_reminders", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_reminder_command_sends_once(working_group):
    meeting = _scheduled(working_group, _local(hours=5))

    summary = _remind()
    _remind()

    recipients = [m.to[0] for m in mail.outbox]
    assert sorted(recipients) == sorted(_emailed(meeting))
    assert all(m.subject == f"یادآوری: {meeting}" for m in mail.outbox)
    assert not meeting.invitations.filter(reminder_sent_at__isnull=True).exists()
    assert to_persian_digits(len(recipients)) in summary
    assert Notification.objects.filter(title=f"یادآوری: {meeting}").count() == (
        meeting.invitations.filter(person__user__isnull=False).count()
    )


def test_reminder_command_skips_later_and_cancelled_meetings(working_group, steering):
    later = _scheduled(working_group, _local(days=2))
    cancelled = _scheduled(steering, _local(hours=5))
    meeting_cancel(meeting=cancelled, reason="نبود حد نصاب")

    _remind("--hours", "24")

    assert mail.outbox == []
    assert not later.invitations.filter(reminder_sent_at__isnull=False).exists()
    assert not cancelled.invitations.filter(reminder_sent_at__isnull=False).exists()

    _remind("--hours", "72")

    assert sorted(m.to[0] for m in mail.outbox) == sorted(_emailed(later))


def test_reminder_command_skips_meetings_already_started(working_group):
    meeting = _scheduled(working_group, _local(hours=1))
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=timezone.now() - datetime.timedelta(minutes=5)
    )

    _remind()

    assert mail.outbox == []
    assert meeting.state == MeetingState.SCHEDULED
