"""The meeting pages in a browser-like journey, and the refusals on the way."""

from __future__ import annotations

import datetime

import jdatetime
import pytest
from django.urls import reverse
from django.utils import timezone

from committees.models import AttendanceStatus, Meeting, MeetingState
from members.models import Agency
from resolutions.models import Resolution
from resolutions.services.resolutions import resolution_create, resolution_delete
from tests.meeting_helpers import held_meeting, in_review_meeting, scheduled_meeting

pytestmark = pytest.mark.django_db


def _future(days: int) -> jdatetime.date:
    return jdatetime.date.fromgregorian(date=timezone.localdate() + datetime.timedelta(days=days))


def _fa(value: str) -> str:
    return value.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))


def test_secretary_runs_a_meeting_from_draft_to_approval(persona_client, working_group):
    secretary, member, chair = (persona_client(n) for n in ("secretary", "member", "chair"))
    day = _future(5)
    response = secretary.post(
        reverse("committees:meeting_create", args=[working_group.pk]),
        {
            "day": _fa(day.strftime("%Y/%m/%d")),
            "start_time": "09:30",
            "end_time": "11:00",
            "place": "تالار شهید رجایی",
        },
    )
    meeting = Meeting.objects.filter(body=working_group).latest("pk")
    assert response.status_code == 302 and meeting.state == MeetingState.DRAFT
    assert timezone.localtime(meeting.starts_at).strftime("%H:%M") == "09:30"

    secretary.post(
        reverse("committees:agenda_item_add", args=[meeting.pk]), {"title": "پنجره واحد خدمات"}
    )
    secretary.post(
        reverse("committees:agenda_item_add", args=[meeting.pk]), {"title": "امنیت شبکه"}
    )
    first, second = meeting.agenda_items.order_by("order")
    secretary.post(
        reverse("committees:agenda_reorder", args=[meeting.pk]),
        {"order": f"{second.pk},{first.pk}"},
    )
    assert list(meeting.agenda_items.order_by("order").values_list("title", flat=True)) == [
        "امنیت شبکه",
        "پنجره واحد خدمات",
    ]

    secretary.post(reverse("committees:meeting_schedule", args=[meeting.pk]), {"confirm": "1"})
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.SCHEDULED and meeting.invitations.count() == 11

    member.post(reverse("committees:meeting_rsvp", args=[meeting.pk]), {"rsvp": "attending"})
    assert meeting.invitations.get(person__user__username="member").rsvp == "attending"

    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now())
    data = {f"status_{i.pk}": AttendanceStatus.PRESENT for i in meeting.invitations.all()}
    data["guests"] = "علی مهمان — دانشگاه گیلان"
    response = secretary.post(reverse("committees:meeting_attendance", args=[meeting.pk]), data)
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.HELD and meeting.quorum_met is True
    assert meeting.guests.get().agency == "دانشگاه گیلان"

    items = {i.title: i for i in meeting.agenda_items.all()}
    secretary.post(
        reverse("committees:minutes_edit", args=[meeting.pk]),
        {
            "preamble": "جلسه با حضور اعضا برگزار شد.",
            f"discussion_{items['امنیت شبکه'].pk}": "گزارش افتا ارائه شد.",
        },
    )
    education = Agency.objects.get(name="اداره کل آموزش و پرورش")
    for text in ("راه‌اندازی پنجره واحد تا پایان سال", "گزارش فصلی امنیت"):
        response = secretary.post(
            reverse("resolutions:resolution_add", args=[meeting.pk]),
            {
                "text": text,
                "kind": "assignment",
                "responsible": [education.pk],
                "deadline": "1406/01/15",
            },
        )
        assert response.status_code == 302
    assert [r.label for r in meeting.resolutions.order_by("order")] == ["الف", "ب"]

    deadline = _future(2)
    secretary.post(
        reverse("committees:minutes_send", args=[meeting.pk]),
        {"day": deadline.strftime("%Y/%m/%d"), "time": "23:00"},
    )
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.IN_REVIEW

    member.post(reverse("committees:minutes_review", args=[meeting.pk]), {"decision": "confirmed"})
    assert meeting.minutes.reviews.get().decision == "confirmed"

    # Only the chair approves.
    assert (
        secretary.post(reverse("resolutions:minutes_approve", args=[meeting.pk])).status_code == 403
    )
    # The deadline is two days off: the chair is asked first, and nothing is approved.
    asked = chair.post(reverse("resolutions:minutes_approve", args=[meeting.pk]))
    assert asked.status_code == 200
    assert "۱ از " in asked.content.decode() and "مهلت" in asked.content.decode()
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.IN_REVIEW
    chair.post(reverse("resolutions:minutes_approve", args=[meeting.pk]), {"confirm": "1"})
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.APPROVED and len(meeting.minutes.fingerprint) == 64

    page = chair.get(reverse("committees:meeting_detail", args=[meeting.pk])).content.decode()
    assert meeting.minutes.fingerprint in page and "بند الف" in page


def test_bad_meeting_input_gets_persian_errors_and_saves_nothing(persona_client, working_group):
    before = Meeting.objects.count()
    response = persona_client("secretary").post(
        reverse("committees:meeting_create", args=[working_group.pk]),
        {"day": "1404/12/30", "start_time": "10:00", "end_time": "09:00", "place": ""},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "وجود ندارد" in html  # 30 Esfand 1404 does not exist
    assert Meeting.objects.count() == before


def test_refused_action_says_why(persona_client, working_group):
    meeting = held_meeting(working_group, absent=6)  # no quorum
    response = persona_client("secretary").post(
        reverse("resolutions:resolution_add", args=[meeting.pk]), {"text": "x", "kind": "decision"}
    )
    assert response.status_code == 200
    assert "حد نصاب" in response.content.decode()
    assert not Resolution.objects.filter(meeting=meeting).exists()


def test_approved_meeting_pages_refuse_editing(persona_client, working_group):
    from resolutions.services.minutes import minutes_approve
    from tests.meeting_helpers import user

    meeting = in_review_meeting(working_group)
    resolution = resolution_create(meeting=meeting, text="مصوبه", kind="decision")
    minutes_approve(meeting=meeting, user=user("chair"))
    secretary = persona_client("secretary")
    for url in (
        reverse("committees:meeting_edit", args=[meeting.pk]),
        reverse("committees:meeting_attendance", args=[meeting.pk]),
        reverse("committees:minutes_edit", args=[meeting.pk]),
        reverse("resolutions:resolution_edit", args=[resolution.pk]),
        reverse("resolutions:resolution_add", args=[meeting.pk]),
    ):
        assert secretary.get(url).status_code == 403, url
    response = secretary.post(reverse("resolutions:resolution_delete", args=[resolution.pk]))
    assert response.status_code == 403
    assert Resolution.objects.filter(pk=resolution.pk).exists()


def test_outsider_gets_404_for_every_meeting_page(persona_client, working_group):
    meeting = scheduled_meeting(working_group)
    outsider = persona_client("outsider")
    assert outsider.get(reverse("committees:meeting_detail", args=[meeting.pk])).status_code == 404
    assert (
        outsider.post(reverse("committees:meeting_schedule", args=[meeting.pk])).status_code == 404
    )
    assert (
        persona_client("anonymous")
        .get(reverse("committees:meeting_list", args=[working_group.pk]))
        .status_code
        == 404
    )


@pytest.mark.parametrize("extra", [0, 10])
def test_meeting_page_query_budget(persona_client, working_group, django_assert_num_queries, extra):
    meeting = held_meeting(working_group)
    for n in range(2 + extra):
        resolution_create(
            meeting=meeting,
            text=f"مصوبه {n}",
            kind="assignment",
            responsible=[Agency.objects.get(name="اداره کل آموزش و پرورش")],
        )
    # A removed resolution adds nothing but its line offering to restore it: the removed
    # agenda items and resolutions are one query each, however many.
    resolution_delete(resolution=meeting.resolutions.first())
    client = persona_client("secretary")
    with django_assert_num_queries(26):
        assert (
            client.get(reverse("committees:meeting_detail", args=[meeting.pk])).status_code == 200
        )


@pytest.mark.parametrize("extra", [0, 25])
def test_meeting_list_query_budget(persona_client, working_group, django_assert_num_queries, extra):
    from committees.services.meetings import meeting_create

    for _ in range(1 + extra):
        meeting_create(body=working_group, starts_at=timezone.now(), place="x")
    client = persona_client("member")
    with django_assert_num_queries(14):
        assert (
            client.get(reverse("committees:meeting_list", args=[working_group.pk])).status_code
            == 200
        )


def test_founding_meeting_page_shows_the_historical_record(client, steering):
    meeting = steering.legal_basis.meeting
    html = client.get(reverse("committees:meeting_detail", args=[meeting.pk])).content.decode()
    assert "جلسه مورخ ۱۳۹۴/۰۲/۰۷" in html
    assert "ثبت تاریخی بر پایه سند مبنا" in html
    assert "بند الف" in html and "بند ج" in html


def test_a_correction_is_a_new_resolution_amending_the_old_one(persona_client, working_group):
    from resolutions.services.minutes import minutes_approve
    from tests.meeting_helpers import user

    first = in_review_meeting(working_group)
    old = resolution_create(meeting=first, text="مهلت پایان شهریور", kind="assignment")
    minutes_approve(meeting=first, user=user("chair"))
    later = held_meeting(working_group)
    response = persona_client("secretary").post(
        reverse("resolutions:resolution_add", args=[later.pk]),
        {"text": "مهلت تا پایان مهر تمدید شد", "kind": "amendment", "amends": old.pk},
    )
    assert response.status_code == 302
    correction = later.resolutions.get()
    assert correction.amends == old and list(old.amended_by.all()) == [correction]
    html = persona_client("secretary").get(reverse("committees:meeting_detail", args=[first.pk]))
    assert "اصلاح‌شده با بند الف" in html.content.decode()
    html = persona_client("secretary").get(reverse("committees:meeting_detail", args=[later.pk]))
    assert f"اصلاح بند الف {first}" in html.content.decode()
