"""Wrong records are refused, doubtful ones need a confirmation that names the reason,
drafts take no number, and attendance starts unset (issue 11, points 3, 4 and 9)."""

from __future__ import annotations

import datetime

import jdatetime
import pytest
from django.urls import reverse
from django.utils import timezone

from committees.models import AttendanceStatus, Closure, Meeting, MeetingState
from committees.services.meetings import (
    agenda_item_add,
    invitation_check_in,
    meeting_create,
    meeting_schedule,
)
from committees.workdays import official_holiday
from egov_portal.models import AuditEvent
from egov_portal.text.persian import to_persian_digits
from members.models import Agency
from resolutions.models import Resolution
from tests.meeting_helpers import held_meeting, scheduled_meeting, user

pytestmark = pytest.mark.django_db


def _jalali(day: datetime.date) -> str:
    return to_persian_digits(jdatetime.date.fromgregorian(date=day).strftime("%Y/%m/%d"))


def _next_day(test, *, start: int = 10) -> datetime.date:
    day = timezone.localdate() + datetime.timedelta(days=start)
    while not test(day):
        day += datetime.timedelta(days=1)
    return day


def _plain(day: datetime.date) -> bool:
    """A working day with no closure and no meeting of any body."""
    return (
        day.weekday() not in {3, 4}
        and official_holiday(day) is None
        and not Closure.objects.filter(day=day).exists()
        and not Meeting.objects.filter(starts_at__date=day).exists()
    )


def _post(day: datetime.date, **extra) -> dict:
    return {
        "day": _jalali(day),
        "start_time": "۱۰:۰۰",
        "end_time": "۱۲:۰۰",
        "place": "تالار",
    } | extra


def _create(client, body, data):
    return client.post(reverse("committees:meeting_create", args=[body.pk]), data)


# --- point 3: the meeting's time ----------------------------------------------------------------


def test_meeting_ending_before_it_starts_is_refused_with_the_input_kept(
    persona_client, working_group
):
    before = Meeting.objects.count()
    day = _next_day(_plain)
    response = _create(
        persona_client("secretary"),
        working_group,
        _post(day, start_time="۱۴:۴۶", end_time="۱۲:۰۰", place="سالن شهید بهشتی"),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "ساعت پایان باید بعد از ساعت شروع باشد" in html
    assert 'value="سالن شهید بهشتی"' in html and 'value="۱۴:۴۶"' in html
    assert Meeting.objects.count() == before


@pytest.mark.parametrize(
    ("case", "reason"),
    [
        ("friday", "جمعه"),
        ("holiday", "تعطیل رسمی است"),
        ("closure", "برف سنگین"),
        ("past", "گذشته است"),
        ("same_day", "جلسه دیگری دارد"),
    ],
)
def test_doubtful_meeting_day_needs_a_confirmation_naming_the_reason(
    case, reason, persona_client, working_group
):
    client = persona_client("secretary")
    if case == "friday":
        day = _next_day(lambda d: d.weekday() == 4 and official_holiday(d) is None)
    elif case == "holiday":
        day = _next_day(lambda d: official_holiday(d) is not None and d.weekday() != 4, start=1)
        reason = official_holiday(day)
    elif case == "closure":
        day = _next_day(_plain)
        Closure.objects.create(day=day, title="برف سنگین")
    elif case == "past":
        day = timezone.localdate() - datetime.timedelta(days=3)
    else:
        day = _next_day(_plain)
        other = meeting_create(
            body=working_group,
            starts_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(8))),
            place="سالن ۲",
        )
        reason = f"{other.title}، ساعت ۰۸:۰۰"
    before = Meeting.objects.filter(body=working_group).count()

    asked = _create(client, working_group, _post(day, place="سالن شهید بهشتی"))
    assert asked.status_code == 200
    html = asked.content.decode()
    assert reason in html
    assert 'type="checkbox" name="confirm"' in html
    assert "با وجود این، ثبت شود" in html
    assert 'value="سالن شهید بهشتی"' in html
    assert Meeting.objects.filter(body=working_group).count() == before

    confirmed = _create(client, working_group, _post(day, place="سالن شهید بهشتی", confirm="on"))
    assert confirmed.status_code == 302
    assert Meeting.objects.filter(body=working_group).count() == before + 1


def test_a_plain_working_day_is_saved_without_asking(persona_client, working_group):
    response = _create(persona_client("secretary"), working_group, _post(_next_day(_plain)))
    assert response.status_code == 302


def test_moving_a_meeting_to_a_friday_asks_first(persona_client, working_group):
    meeting = scheduled_meeting(working_group)
    friday = _next_day(lambda d: d.weekday() == 4 and official_holiday(d) is None)
    url = reverse("committees:meeting_edit", args=[meeting.pk])
    client = persona_client("secretary")
    response = client.post(url, _post(friday))
    assert response.status_code == 200 and "جمعه" in response.content.decode()
    meeting.refresh_from_db()
    assert timezone.localdate(meeting.starts_at) != friday
    assert client.post(url, _post(friday, confirm="on")).status_code == 302
    meeting.refresh_from_db()
    assert timezone.localdate(meeting.starts_at) == friday


def test_demo_meetings_end_after_they_start_at_whole_hours(db):
    demo = Meeting.objects.filter(ends_at__isnull=False, number__gte=1)
    assert demo.exists()
    for meeting in demo:
        start = timezone.localtime(meeting.starts_at)
        assert meeting.ends_at > meeting.starts_at
        assert (start.minute, start.hour) == (0, 10)


# --- point 3: the resolution ---------------------------------------------------------------------


def _resolution_post(meeting, **extra) -> dict:
    agency = Agency.objects.filter(is_active=True).order_by("pk").first()
    deadline = timezone.localdate(meeting.starts_at) + datetime.timedelta(days=30)
    return {
        "text": "سامانه نوبت‌دهی راه‌اندازی شود.",
        "kind": "assignment",
        "responsible": [agency.pk],
        "deadline": _jalali(deadline),
        "classification": "normal",
        "priority": "normal",
    } | extra


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"responsible": []}, "responsible", "تکلیف بی‌دستگاه مسئول ثبت نمی‌شود"),
        ({"deadline": ""}, "deadline", "تکلیف بی‌مهلت ثبت نمی‌شود"),
        ("before", "deadline", "پیش از تاریخ جلسه"),
        ({"kind": "referral"}, "refer_to", "رکنی را که موضوع به آن ارجاع می‌شود برگزینید"),
    ],
    ids=["no-agency", "no-deadline", "deadline-before-meeting", "referral-no-target"],
)
def test_incomplete_resolution_is_refused_changing_nothing(
    change, field, message, persona_client, working_group
):
    meeting = held_meeting(working_group)
    if change == "before":
        change = {
            "deadline": _jalali(timezone.localdate(meeting.starts_at) - datetime.timedelta(1))
        }
    url = reverse("resolutions:resolution_add", args=[meeting.pk])
    response = persona_client("secretary").post(url, _resolution_post(meeting, **change))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert "سامانه نوبت‌دهی راه‌اندازی شود." in response.content.decode()
    assert not Resolution.objects.filter(meeting=meeting).exists()


@pytest.mark.parametrize(
    "change",
    [
        {},
        {"responsible": [], "all_agencies": "on"},
        {"deadline": "", "deadline_working_days": "20"},
    ],
    ids=["agency-and-date", "all-agencies", "working-days"],
)
def test_complete_assignment_is_accepted(change, persona_client, working_group):
    meeting = held_meeting(working_group)
    url = reverse("resolutions:resolution_add", args=[meeting.pk])
    response = persona_client("secretary").post(url, _resolution_post(meeting, **change))
    assert response.status_code == 302
    assert Resolution.objects.filter(meeting=meeting).count() == 1


# --- point 4: drafts take no number ----------------------------------------------------------


def _draft(body, *, days: int = 5) -> Meeting:
    return meeting_create(
        body=body, starts_at=timezone.now() + datetime.timedelta(days=days), place="تالار"
    )


def test_abandoned_drafts_do_not_consume_ordinals(working_group):
    last = max(Meeting.objects.filter(body=working_group).values_list("number", flat=True))
    drafts = [_draft(working_group, days=d) for d in (5, 6, 7)]
    assert [d.number for d in drafts] == [None, None, None]
    assert drafts[0].title.startswith("پیش‌نویس جلسه ")
    real = _draft(working_group, days=8)
    agenda_item_add(meeting=real, title="گزارش")
    meeting_schedule(meeting=real)
    real.refresh_from_db()
    assert real.number == last + 1
    assert real.title == "جلسه " + ["اول", "دوم", "سوم", "چهارم", "پنجم"][last]


def test_secretariat_deletes_a_draft_after_a_confirmation_page(persona_client, working_group):
    draft = _draft(working_group)
    agenda_item_add(meeting=draft, title="دستور آزمایشی")
    url = reverse("committees:meeting_delete", args=[draft.pk])
    client = persona_client("secretary")
    page = client.get(url)
    assert page.status_code == 200
    assert "پیش‌نویس" in page.content.decode()
    assert Meeting.objects.filter(pk=draft.pk).exists()  # the GET deletes nothing

    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("committees:meeting_list", args=[working_group.pk])
    assert not Meeting.objects.filter(pk=draft.pk).exists()
    event = AuditEvent.objects.get(
        model="committees.Meeting", object_id=str(draft.pk), action="delete"
    )
    assert event.actor == user("secretary")


def test_a_scheduled_meeting_is_not_deleted(persona_client, working_group):
    meeting = scheduled_meeting(working_group)
    response = persona_client("secretary").post(
        reverse("committees:meeting_delete", args=[meeting.pk]), follow=True
    )
    assert "فقط پیش‌نویسی که دعوت‌نامه‌اش نرفته است حذف می‌شود" in response.content.decode()
    assert Meeting.objects.filter(pk=meeting.pk).exists()


# --- point 9: attendance ----------------------------------------------------------------------


def _meeting_now(body) -> Meeting:
    meeting = scheduled_meeting(body)
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=timezone.now() - datetime.timedelta(minutes=10),
        ends_at=timezone.now() + datetime.timedelta(hours=1),
    )
    meeting.refresh_from_db()
    return meeting


def test_attendance_starts_unset_and_the_quorum_counts_only_those_marked(
    persona_client, working_group
):
    meeting = _meeting_now(working_group)
    url = reverse("committees:meeting_attendance", args=[meeting.pk])
    client = persona_client("secretary")
    form = client.get(url).context["form"]
    invitations = list(meeting.invitations.order_by("pk"))
    assert all(form[f"status_{i.pk}"].value() in ("", None) for i in invitations)

    first = invitations[0]
    response = client.post(url, {f"status_{first.pk}": AttendanceStatus.PRESENT, "guests": ""})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.HELD
    assert meeting.quorum_met is (len(invitations) == 1)
    assert list(meeting.invitations.exclude(pk=first.pk).values_list("attendance", flat=True)) == [
        ""
    ] * (len(invitations) - 1)


def test_attendance_with_nobody_marked_is_refused(persona_client, working_group):
    meeting = _meeting_now(working_group)
    response = persona_client("secretary").post(
        reverse("committees:meeting_attendance", args=[meeting.pk]), {"guests": ""}
    )
    assert response.status_code == 200
    assert "حضور هیچ مدعوی را ثبت نکرده‌اید" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.SCHEDULED


def test_member_checks_in_during_the_meeting_and_the_secretariat_sees_it(
    persona_client, working_group
):
    meeting = _meeting_now(working_group)
    member = persona_client("member")
    detail = member.get(reverse("committees:meeting_detail", args=[meeting.pk])).content.decode()
    assert 'data-testid="check-in"' in detail

    response = member.post(reverse("committees:meeting_check_in", args=[meeting.pk]))
    assert response.status_code == 302
    invitation = meeting.invitations.get(person__user__username="member")
    assert invitation.checked_in_at is not None
    assert invitation.attendance == ""  # the secretariat confirms it

    page = persona_client("secretary").get(
        reverse("committees:meeting_attendance", args=[meeting.pk])
    )
    assert page.context["form"][f"status_{invitation.pk}"].value() == AttendanceStatus.PRESENT
    assert 'data-testid="checked-in"' in page.content.decode()


def test_check_in_outside_the_meeting_hours_is_refused(working_group):
    meeting = scheduled_meeting(working_group, days=2)
    invitation = meeting.invitations.get(person__user__username="member")
    with pytest.raises(Exception, match="فقط در ساعت جلسه"):
        invitation_check_in(invitation=invitation)
    invitation.refresh_from_db()
    assert invitation.checked_in_at is None
