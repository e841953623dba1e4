"""The meeting and minutes workflow, quorum, invitations, freezing and verification."""

from __future__ import annotations

import datetime
import json

import jdatetime
import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from committees.models import (
    RSVP,
    AgendaItem,
    AttendanceStatus,
    FrozenError,
    Meeting,
    MeetingState,
    Minutes,
)
from committees.rules import quorum_required
from committees.services.meetings import (
    agenda_item_add,
    agenda_reorder,
    attendance_record,
    invitation_respond,
    meeting_cancel,
    meeting_create,
    meeting_postpone,
    meeting_schedule,
    minutes_review_submit,
    minutes_send_for_review,
)
from members.models import Agency, Position
from members.services import position_holding_create
from resolutions.models import Resolution
from resolutions.selectors.minutes import minutes_verify
from resolutions.services.minutes import minutes_approve
from resolutions.services.resolutions import (
    resolution_create,
    resolution_reorder,
    resolution_update,
)
from tests.factories import PersonFactory
from tests.meeting_helpers import held_meeting, in_review_meeting, scheduled_meeting, user

pytestmark = pytest.mark.django_db


def test_meetings_are_numbered_per_body(working_group, steering):
    first = scheduled_meeting(working_group)
    second = scheduled_meeting(working_group, days=4)
    other = scheduled_meeting(steering)
    assert (second.number - first.number, other.number) == (1, 1)
    assert second.title.startswith("جلسه ")


def test_schedule_invites_every_seat_holder_once(working_group):
    meeting = scheduled_meeting(working_group)
    names = {i.person.last_name for i in meeting.invitations.select_related("person")}
    # 11 people in 11 seats: the banks' council head is vacant, seat 7 holds two people.
    assert len(names) == meeting.invitations.count() == 11
    assert {"کریمی", "کاظمی", "جعفری"} <= names
    assert meeting.state == MeetingState.SCHEDULED


def test_invitations_go_to_the_governor_on_the_meeting_date(working_group):
    newcomer = PersonFactory(first_name="بهرام", last_name="تازه‌وارد")
    starts = timezone.now() + datetime.timedelta(days=10)
    position_holding_create(
        position=Position.objects.get(title="استاندار"),
        person=newcomer,
        start_date=timezone.localtime(starts).date() - datetime.timedelta(days=1),
        end_current=True,
    )
    meeting = meeting_create(body=working_group, starts_at=starts, place="تالار")
    meeting_schedule(meeting=meeting)
    invited = set(meeting.invitations.values_list("person__last_name", flat=True))
    assert "تازه‌وارد" in invited and "کریمی" not in invited


def test_schedule_refused_for_a_past_meeting(working_group):
    meeting = meeting_create(
        body=working_group, starts_at=timezone.now() - datetime.timedelta(days=1), place="x"
    )
    with pytest.raises(ValidationError, match="گذشته"):
        meeting_schedule(meeting=meeting)
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.DRAFT and not meeting.invitations.exists()


def test_postpone_and_cancel_need_reasons_and_follow_the_states(working_group):
    meeting = scheduled_meeting(working_group)
    with pytest.raises(ValidationError):
        meeting_postpone(meeting=meeting, reason="  ")
    meeting_postpone(meeting=meeting, reason="سفر استاندار")
    assert meeting.state == MeetingState.POSTPONED
    meeting_cancel(meeting=meeting, reason="ادغام با جلسه بعد")
    assert meeting.state == MeetingState.CANCELLED
    with pytest.raises(ValidationError):
        meeting_schedule(meeting=meeting)


def test_substitute_rsvp_needs_a_name(working_group):
    meeting = scheduled_meeting(working_group)
    invitation = meeting.invitations.first()
    with pytest.raises(ValidationError):
        invitation_respond(invitation=invitation, rsvp=RSVP.SUBSTITUTE)
    invitation_respond(
        invitation=invitation,
        rsvp=RSVP.SUBSTITUTE,
        substitute_name="رضا نادری",
        substitute_post="معاون",
    )
    invitation.refresh_from_db()
    assert (invitation.rsvp, invitation.substitute_name) == (RSVP.SUBSTITUTE, "رضا نادری")


@pytest.mark.parametrize(
    ("rule", "count", "members", "required"),
    [
        ("majority", None, 10, 6),
        ("majority", None, 11, 6),
        ("two_thirds", None, 10, 7),
        ("two_thirds", None, 9, 6),
        ("fixed", 4, 10, 4),
    ],
)
def test_quorum_rules(working_group, rule, count, members, required):
    working_group.quorum_rule, working_group.quorum_count = rule, count
    assert quorum_required(body=working_group, members=members) == required


def test_quorum_met_and_not_met(working_group):
    assert held_meeting(working_group, absent=5).quorum_met is True  # 6 of 11
    assert held_meeting(working_group, absent=6).quorum_met is False  # 5 of 11


def test_substitutes_count_for_quorum(working_group):
    meeting = scheduled_meeting(working_group)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now())
    meeting.refresh_from_db()
    rows = list(meeting.invitations.order_by("pk"))
    statuses = {i.pk: {"attendance": AttendanceStatus.ABSENT} for i in rows[:5]}
    statuses |= {
        i.pk: {"attendance": AttendanceStatus.SUBSTITUTE, "substitute_name": "جانشین"}
        for i in rows[5:6]
    }
    statuses |= {i.pk: {"attendance": AttendanceStatus.PRESENT} for i in rows[6:]}
    # Five present and one substitute make six of eleven: the substitute decides it.
    assert attendance_record(meeting=meeting, statuses=statuses).quorum_met is True


def test_meeting_without_quorum_adopts_no_resolution(working_group):
    meeting = held_meeting(working_group, absent=6)
    with pytest.raises(ValidationError, match="حد نصاب"):
        resolution_create(meeting=meeting, text="تکلیف", kind="assignment")
    assert meeting.state == MeetingState.HELD  # recorded as held without decisions


def test_attendance_needs_every_invitee(working_group):
    meeting = scheduled_meeting(working_group)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now())
    meeting.refresh_from_db()
    with pytest.raises(ValidationError):
        attendance_record(meeting=meeting, statuses={})
    assert meeting.invitations.exclude(attendance="").count() == 0


def test_abjad_labels_past_ten_and_reordering(working_group):
    meeting = held_meeting(working_group)
    rows = [
        resolution_create(meeting=meeting, text=f"مصوبه {n}", kind="decision") for n in range(1, 13)
    ]
    assert [r.label for r in rows][:3] == ["الف", "ب", "ج"]
    assert [r.label for r in rows][9:] == ["ی", "ک", "ل"]
    resolution_reorder(
        meeting=meeting, ordered_ids=[rows[2].pk, rows[0].pk, rows[1].pk] + [r.pk for r in rows[3:]]
    )
    rows[2].refresh_from_db()
    assert rows[2].label == "الف"


def test_agenda_reorder_refuses_a_stale_list(working_group):
    meeting = scheduled_meeting(working_group)
    second = agenda_item_add(meeting=meeting, title="دوم")
    first = meeting.agenda_items.get(order=1)
    with pytest.raises(ValidationError):
        agenda_reorder(meeting=meeting, ordered_ids=[second.pk])
    agenda_reorder(meeting=meeting, ordered_ids=[second.pk, first.pk])
    assert list(meeting.agenda_items.values_list("title", flat=True)) == ["دوم", first.title]


def test_review_by_attendees_before_the_deadline(working_group):
    meeting = in_review_meeting(working_group)
    member = user("member").person
    review = minutes_review_submit(meeting=meeting, person=member, decision="confirmed")
    again = minutes_review_submit(
        meeting=meeting, person=member, decision="commented", comment="بند ب دقیق‌تر شود"
    )
    assert review.pk == again.pk and meeting.minutes.reviews.count() == 1
    with pytest.raises(ValidationError):
        minutes_review_submit(meeting=meeting, person=PersonFactory(), decision="confirmed")
    Minutes.objects.filter(pk=meeting.minutes.pk).update(
        review_deadline=timezone.now() - datetime.timedelta(minutes=1)
    )
    meeting.refresh_from_db()
    with pytest.raises(ValidationError, match="مهلت"):
        minutes_review_submit(meeting=meeting, person=member, decision="confirmed")


def _approved(working_group) -> Meeting:
    meeting = in_review_meeting(working_group)
    resolution_create(
        meeting=meeting,
        text="راه‌اندازی پنجره واحد",
        kind="assignment",
        responsible=[Agency.objects.get(name="اداره کل آموزش و پرورش")],
        deadline=jdatetime.date(1406, 1, 15),
    )
    resolution_create(meeting=meeting, text="گزارش فصلی", kind="assignment", all_agencies=True)
    return minutes_approve(meeting=meeting, user=user("chair"))


def test_only_the_chair_approves_and_only_after_review(working_group):
    meeting = held_meeting(working_group)
    with pytest.raises(ValidationError):
        minutes_approve(meeting=meeting, user=user("chair"))
    minutes_send_for_review(meeting=meeting, deadline=timezone.now() + datetime.timedelta(days=1))
    with pytest.raises(ValidationError, match="رئیس"):
        minutes_approve(meeting=meeting, user=user("secretary"))
    assert minutes_approve(meeting=meeting, user=user("chair")).state == MeetingState.APPROVED


def test_approval_freezes_every_write_path(working_group):
    meeting = _approved(working_group)
    resolution = meeting.resolutions.first()
    with pytest.raises(ValidationError):
        resolution_update(resolution=resolution, text="تغییر", kind="decision")
    with pytest.raises(ValidationError):
        resolution_create(meeting=meeting, text="تازه", kind="decision")
    with pytest.raises(ValidationError):
        agenda_item_add(meeting=meeting, title="تازه")
    resolution.text = "تغییر پنهانی"
    with pytest.raises(FrozenError):
        resolution.save()
    with pytest.raises(FrozenError):
        resolution.delete()
    with pytest.raises(FrozenError):
        AgendaItem(meeting=meeting, order=9, title="x").save()
    meeting.place = "جای دیگر"
    with pytest.raises(FrozenError):
        meeting.save()
    assert Resolution.objects.get(pk=resolution.pk).text == "راه‌اندازی پنجره واحد"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_database_refuses_raw_sql_on_approved_rows(working_group):
    meeting = _approved(working_group)
    resolution = meeting.resolutions.first()
    for sql in (
        "UPDATE resolutions_resolution SET text = 'x' WHERE id = %s",
        "DELETE FROM resolutions_resolutionagency WHERE resolution_id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [resolution.pk])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE committees_meeting SET place = 'x' WHERE id = %s", [meeting.pk])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE committees_agendaitem SET title = 'x' WHERE meeting_id = %s", [meeting.pk]
        )
    assert Resolution.objects.get(pk=resolution.pk).text == "راه‌اندازی پنجره واحد"


def test_fingerprint_verifies_and_a_tampered_record_does_not(working_group):
    meeting = _approved(working_group)
    fingerprint = meeting.minutes.fingerprint
    assert len(fingerprint) == 64
    result = minutes_verify(fingerprint)
    assert result.found and result.genuine and result.meeting == meeting
    assert not minutes_verify("0" * 64).found
    assert not minutes_verify("not a fingerprint").found
    snapshot = meeting.minutes.snapshot
    snapshot["resolutions"][0]["text"] = "دستکاری"
    # Tamper with the approved minutes behind the portal's back (on PostgreSQL with triggers
    # switched off, as a superuser restoring a doctored dump could).
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(
            "UPDATE committees_minutes SET snapshot = %s WHERE id = %s",
            [json.dumps(snapshot, ensure_ascii=False), meeting.minutes.pk],
        )
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = origin")
    tampered = minutes_verify(fingerprint)
    assert tampered.found and not tampered.genuine


def test_approval_gives_a_letter_number(working_group):
    meeting = _approved(working_group)
    assert meeting.minutes.letter_number.startswith(f"{meeting.number}/ک‌د/")
    assert meeting.minutes.approved_by.username == "chair"
