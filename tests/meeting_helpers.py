"""Building meetings in every state for tests."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from committees.models import AttendanceStatus, Meeting
from committees.services.meetings import (
    agenda_item_add,
    attendance_record,
    meeting_create,
    meeting_schedule,
    minutes_send_for_review,
)


def scheduled_meeting(body, *, days: int = 3) -> Meeting:
    meeting = meeting_create(
        body=body, starts_at=timezone.now() + datetime.timedelta(days=days), place="تالار استانداری"
    )
    agenda_item_add(meeting=meeting, title="گزارش پیشرفت خدمات الکترونیک")
    meeting_schedule(meeting=meeting)
    return meeting


def held_meeting(body, *, absent: int = 0) -> Meeting:
    """A scheduled meeting moved to now and recorded as held (``absent`` invitees absent)."""
    meeting = scheduled_meeting(body)
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=timezone.now() - datetime.timedelta(hours=1)
    )
    meeting.refresh_from_db()
    statuses = {}
    for index, invitation in enumerate(meeting.invitations.order_by("pk")):
        status = AttendanceStatus.ABSENT if index < absent else AttendanceStatus.PRESENT
        statuses[invitation.pk] = {"attendance": status}
    return attendance_record(meeting=meeting, statuses=statuses, guests=[])


def in_review_meeting(body) -> Meeting:
    meeting = held_meeting(body)
    minutes_send_for_review(meeting=meeting, deadline=timezone.now() + datetime.timedelta(days=2))
    meeting.refresh_from_db()
    return meeting


def user(username: str):
    return get_user_model().objects.get(username=username)
