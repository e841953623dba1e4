"""Referrals: a body's resolution refers a matter down, the lower body takes it up and
answers, and the outcome shows where it came from."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from committees.models import AttendanceStatus, Meeting
from committees.services.meetings import (
    attendance_record,
    meeting_cancel,
    meeting_create,
    minutes_send_for_review,
)
from resolutions.models import Referral, ReferralState
from resolutions.selectors.followup import referral_outcomes_for_body, referrals_for_body
from resolutions.services.minutes import minutes_approve
from resolutions.services.referrals import referral_place
from resolutions.services.resolutions import resolution_create
from tests.directive_helpers import approved_with
from tests.meeting_helpers import in_review_meeting, scheduled_meeting, user

pytestmark = pytest.mark.django_db


def _refer(upper, lower, *texts: str) -> list[Referral]:
    meeting = approved_with(
        upper, *({"kind": "referral", "refer_to": lower, "text": text} for text in texts)
    )
    return list(Referral.objects.filter(resolution__meeting=meeting).order_by("resolution__order"))


def _answer(referral: Referral, meeting: Meeting, text: str) -> Meeting:
    """Hold ``meeting`` (a scheduled meeting of the lower body), record the resolution that
    answers ``referral`` and approve the minutes."""
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=timezone.now() - datetime.timedelta(hours=1)
    )
    meeting.refresh_from_db()
    statuses = {i.pk: {"attendance": AttendanceStatus.PRESENT} for i in meeting.invitations.all()}
    meeting = attendance_record(meeting=meeting, statuses=statuses, guests=[])
    minutes_send_for_review(meeting=meeting, deadline=timezone.now() + datetime.timedelta(days=2))
    meeting.refresh_from_db()
    referral.refresh_from_db()
    resolution_create(
        meeting=meeting,
        text=text,
        kind="decision",
        answers=referral,
        agenda_item=referral.agenda_item,
    )
    return minutes_approve(meeting=meeting, user=user("admin"))


def _queue(body) -> str:
    return reverse("resolutions:referral_queue", args=[body.pk])


def _sent(body) -> str:
    return reverse("resolutions:referrals_sent", args=[body.pk])


def _waiting(response) -> list[Referral]:
    return next(rows for state, _label, rows in response.context["groups"] if state == "waiting")


def test_referral_round_trip(working_group, steering, persona_client):
    [referral] = _refer(working_group, steering, "بررسی امنیت شبکه دستگاه‌های اجرایی")
    secretary = persona_client("secretary")

    # It waits in the steering committee's queue, with where it came from.
    response = secretary.get(_queue(steering))
    assert _waiting(response) == [referral]
    content = response.content.decode()
    assert "بررسی امنیت شبکه دستگاه‌های اجرایی" in content
    assert f"بند الف {referral.resolution.meeting}" in content

    # The secretariat places it on a coming steering meeting's agenda.
    meeting = scheduled_meeting(steering)
    response = secretary.post(
        reverse("resolutions:referral_place", args=[referral.pk]), {"meeting": meeting.pk}
    )
    assert response.status_code == 302 and response["Location"] == _queue(steering)
    referral.refresh_from_db()
    assert referral.state == ReferralState.ON_AGENDA
    assert referral.agenda_item.meeting == meeting
    assert referral.agenda_item.description == "بررسی امنیت شبکه دستگاه‌های اجرایی"
    assert "بند الف" in referral.agenda_item.title
    assert _waiting(secretary.get(_queue(steering))) == []

    # Until the answer is approved the working group sees it on the agenda.
    sent = secretary.get(_sent(working_group))
    assert sent.context["referrals"] == [referral]
    assert "در دستور جلسه" in sent.content.decode()

    # The steering committee answers it and approves its minutes.
    _answer(referral, meeting, "طرح پایش امنیت شبکه تصویب و به زیرکمیته امنیت سپرده شد")
    referral.refresh_from_db()
    assert referral.state == ReferralState.ANSWERED

    sent = secretary.get(_sent(working_group))
    content = sent.content.decode()
    assert "نتیجه اعلام شد" in content
    assert "طرح پایش امنیت شبکه تصویب و به زیرکمیته امنیت سپرده شد" in content
    [row] = sent.context["referrals"]
    assert [a.meeting for a in row.answers] == [meeting]

    queue = secretary.get(_queue(steering)).content.decode()
    assert reverse("committees:meeting_detail", args=[meeting.pk]) in queue


def test_an_unapproved_answer_is_not_an_outcome(working_group, steering):
    [referral] = _refer(working_group, steering, "موضوع")
    meeting = scheduled_meeting(steering)
    referral_place(referral=referral, meeting=meeting, user=user("secretary"))
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=timezone.now() - datetime.timedelta(hours=1)
    )
    meeting.refresh_from_db()
    statuses = {i.pk: {"attendance": AttendanceStatus.PRESENT} for i in meeting.invitations.all()}
    meeting = attendance_record(meeting=meeting, statuses=statuses, guests=[])
    referral.refresh_from_db()
    resolution_create(meeting=meeting, text="پیش‌نویس پاسخ", kind="decision", answers=referral)
    [row] = referral_outcomes_for_body(working_group)
    assert (row.state, row.answers) == (ReferralState.ON_AGENDA, [])


def test_place_refuses_a_meeting_of_another_body(working_group, steering):
    [referral] = _refer(working_group, steering, "موضوع")
    other = scheduled_meeting(working_group)
    with pytest.raises(ValidationError, match="جلسه باید از جلسات"):
        referral_place(referral=referral, meeting=other, user=user("secretary"))
    referral.refresh_from_db()
    assert (referral.state, referral.agenda_item) == (ReferralState.WAITING, None)


def test_place_refuses_a_cancelled_or_approved_meeting(working_group, steering):
    [referral] = _refer(working_group, steering, "موضوع")
    cancelled = scheduled_meeting(steering)
    meeting_cancel(meeting=cancelled, reason="تداخل")
    with pytest.raises(ValidationError, match="لغوشده"):
        referral_place(referral=referral, meeting=cancelled, user=user("secretary"))
    approved = in_review_meeting(steering)
    minutes_approve(meeting=approved, user=user("admin"))
    with pytest.raises(ValidationError, match="صورتجلسه تصویب"):
        referral_place(referral=referral, meeting=approved, user=user("secretary"))
    assert not cancelled.agenda_items.filter(title__contains="ارجاع").exists()


def test_place_refuses_a_referral_already_placed(working_group, steering):
    [referral] = _refer(working_group, steering, "موضوع")
    first = scheduled_meeting(steering)
    referral_place(referral=referral, meeting=first, user=user("secretary"))
    with pytest.raises(ValidationError, match="دیگر در صف نیست"):
        referral_place(referral=referral, meeting=first, user=user("secretary"))
    assert first.agenda_items.count() == 2  # the helper's item and the referral, once


def test_place_view_reports_a_foreign_meeting_in_persian(working_group, steering, persona_client):
    [referral] = _refer(working_group, steering, "موضوع")
    foreign = scheduled_meeting(working_group)
    client = persona_client("secretary")
    response = client.post(
        reverse("resolutions:referral_place", args=[referral.pk]),
        {"meeting": foreign.pk},
        follow=True,
    )
    assert "جلسه‌ای از جلسات همین رکن برگزینید." in response.content.decode()
    referral.refresh_from_db()
    assert referral.state == ReferralState.WAITING


def test_only_the_secretariat_gets_the_place_form(working_group, steering, persona_client):
    _refer(working_group, steering, "موضوع")
    meeting_create(
        body=steering, starts_at=timezone.now() + datetime.timedelta(days=5), place="تالار"
    )
    place = 'action="/referrals/'
    assert place in persona_client("secretary").get(_queue(steering)).content.decode()
    office = persona_client("governor_office").get(_queue(steering)).content.decode()
    assert place not in office and "در صف دبیرخانه" in office


def test_the_queue_offers_only_coming_meetings(working_group, steering, persona_client):
    _refer(working_group, steering, "موضوع")
    draft = meeting_create(
        body=steering, starts_at=timezone.now() + datetime.timedelta(days=5), place="تالار"
    )
    cancelled = scheduled_meeting(steering)
    meeting_cancel(meeting=cancelled, reason="تداخل")
    response = persona_client("secretary").get(_queue(steering))
    assert response.context["meetings"] == [draft]


def test_selectors_list_received_and_sent(working_group, steering):
    first, second = _refer(working_group, steering, "یک", "دو")
    referral_place(referral=first, meeting=scheduled_meeting(steering), user=user("secretary"))
    received = referrals_for_body(steering)
    assert received.index(second) < received.index(first)  # waiting first
    assert set(referral_outcomes_for_body(working_group)) >= {first, second}
    assert referral_outcomes_for_body(steering) == []


@pytest.mark.parametrize("many", [False, True])
def test_referral_queue_query_budget(
    working_group, steering, persona_client, many, django_assert_num_queries
):
    referrals = _refer(working_group, steering, *(["موضوع"] if not many else ["الف", "ب", "ج"]))
    meeting_create(
        body=steering, starts_at=timezone.now() + datetime.timedelta(days=5), place="تالار"
    )
    if many:
        meeting = scheduled_meeting(steering)
        referral_place(referral=referrals[0], meeting=meeting, user=user("secretary"))
        referral_place(referral=referrals[1], meeting=meeting, user=user("secretary"))
        _answer(referrals[0], meeting, "پاسخ")
    client = persona_client("secretary")
    with django_assert_num_queries(15):
        assert client.get(_queue(steering)).status_code == 200


@pytest.mark.parametrize("many", [False, True])
def test_referrals_sent_query_budget(
    working_group, steering, persona_client, many, django_assert_num_queries
):
    referrals = _refer(working_group, steering, *(["موضوع"] if not many else ["الف", "ب", "ج"]))
    if many:
        meeting = scheduled_meeting(steering)
        referral_place(referral=referrals[0], meeting=meeting, user=user("secretary"))
        _answer(referrals[0], meeting, "پاسخ")
    client = persona_client("secretary")
    with django_assert_num_queries(14):
        assert client.get(_sent(working_group)).status_code == 200
