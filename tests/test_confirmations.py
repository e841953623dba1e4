"""Irreversible steps ask first (issue 11, point 5): sending the invitations shows who gets
them; removing an agenda item or a resolution asks and can be undone until the minutes are
approved; approving the minutes before every attendee answered asks the chair."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from committees.models import AgendaItem, AttendanceStatus, Meeting, MeetingState
from committees.rules import minutes_approval_concerns
from committees.selectors.meetings import schedule_recipients
from committees.services.meetings import (
    agenda_item_add,
    agenda_item_delete,
    meeting_create,
    meeting_schedule,
    minutes_review_submit,
)
from egov_portal.models import AuditEvent
from members.models import Agency, Person
from resolutions.documents.minutes import minutes_snapshot
from resolutions.models import Directive, Resolution
from resolutions.services.minutes import minutes_approve
from resolutions.services.resolutions import resolution_create
from tests.meeting_helpers import in_review_meeting, scheduled_meeting, user

pytestmark = pytest.mark.django_db

REMOVED_TEXT = "سامانه بایگانی کاغذی دستگاه‌ها برچیده شود"
KEPT_TEXT = "درگاه خدمات الکترونیک استان تا پایان سال تکمیل شود"


def _draft(body) -> Meeting:
    meeting = meeting_create(
        body=body, starts_at=timezone.now() + datetime.timedelta(days=4), place="تالار"
    )
    agenda_item_add(meeting=meeting, title="گزارش پیشرفت")
    return meeting


def _schedule_url(meeting) -> str:
    return reverse("committees:meeting_schedule", args=[meeting.pk])


# --- a) the invitations: a preview of the recipients, sent only when confirmed ------------


def test_schedule_preview_lists_who_gets_the_invitation_and_sends_nothing(
    persona_client, working_group
):
    meeting = _draft(working_group)
    recipients = schedule_recipients(meeting=meeting)
    silent = recipients[0].person
    Person.objects.filter(pk=silent.pk).update(email="")
    secretary = persona_client("secretary")

    response = secretary.get(_schedule_url(meeting))
    assert response.status_code == 200
    rows = response.context["recipients"]
    assert [(r.seat, r.person) for r in rows] == [(r.seat, r.person) for r in recipients]
    page = response.content.decode()
    assert page.count('data-testid="recipient"') == len(recipients)
    assert silent.full_name in page
    # The one without an address is marked; the others show theirs.
    assert "بدون نشانی رایانامه؛ فقط پیام درگاه" in page
    assert rows[1].email and rows[1].email in page
    # A POST without the confirmation shows the list again and sends nothing.
    assert secretary.post(_schedule_url(meeting)).status_code == 200
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.DRAFT and not meeting.invitations.exists()
    assert mail.outbox == []


def test_schedule_sends_exactly_the_previewed_recipients_when_confirmed(
    persona_client, working_group, django_capture_on_commit_callbacks
):
    meeting = _draft(working_group)
    previewed = persona_client("secretary").get(_schedule_url(meeting)).context["recipients"]
    expected = {r.email for r in previewed if r.gets_email}
    with django_capture_on_commit_callbacks(execute=True):
        response = persona_client("secretary").post(_schedule_url(meeting), {"confirm": "1"})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.SCHEDULED
    assert {i.person_id for i in meeting.invitations.all()} == {r.person.pk for r in previewed}
    assert {message.to[0] for message in mail.outbox} == expected
    assert len(mail.outbox) == len(expected)


def test_schedule_service_refuses_until_confirmed(working_group):
    meeting = _draft(working_group)
    with pytest.raises(ValidationError) as refused:
        meeting_schedule(meeting=meeting, confirmed=False)
    assert refused.value.error_list[0].code == "needs_confirmation"
    assert not meeting.invitations.exists()
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.DRAFT and meeting.number is None


def test_schedule_preview_query_budget(persona_client, working_group, django_assert_num_queries):
    meeting = _draft(working_group)
    client = persona_client("secretary")
    with django_assert_num_queries(17):
        assert client.get(_schedule_url(meeting)).status_code == 200


# --- b) removing an agenda item or a resolution asks first and can be undone ---------------


def test_agenda_item_removal_asks_then_hides_and_restores(persona_client, working_group):
    meeting = scheduled_meeting(working_group)
    agenda_item_add(meeting=meeting, title="امنیت شبکه")
    first, second = meeting.agenda_items.order_by("order")
    secretary = persona_client("secretary")
    url = reverse("committees:agenda_item_delete", args=[first.pk])

    asked = secretary.get(url)
    assert asked.status_code == 200 and first.title in asked.content.decode()
    assert meeting.agenda_items.count() == 2  # the page changes nothing

    assert secretary.post(url).status_code == 302
    assert list(meeting.agenda_items.all()) == [second]
    second.refresh_from_db()
    assert second.order == 1  # renumbered
    page = secretary.get(reverse("committees:meeting_detail", args=[meeting.pk]))
    assert [item for item, _up, _down in page.context["agenda"]] == [second]
    assert page.context["removed_agenda"] == [first]
    assert "حذف شد" in page.content.decode() and "بازگرداندن" in page.content.decode()
    # The members see nothing of it.
    member_page = persona_client("member").get(
        reverse("committees:meeting_detail", args=[meeting.pk])
    )
    assert first.title not in member_page.content.decode()

    restore = reverse("committees:agenda_item_restore", args=[first.pk])
    assert secretary.post(restore).status_code == 302
    assert [i.title for i in meeting.agenda_items.order_by("order")] == [first.title, "امنیت شبکه"]
    assert secretary.post(restore).status_code == 404  # nothing removed to restore


def test_removal_and_restore_are_in_the_audit_trail(working_group):
    meeting = scheduled_meeting(working_group)
    item = meeting.agenda_items.get()
    agenda_item_delete(item=item, user=user("secretary"))
    from committees.services.meetings import agenda_item_restore

    agenda_item_restore(item=AgendaItem.all_objects.get(pk=item.pk))
    events = AuditEvent.objects.filter(
        model="committees.AgendaItem", object_id=str(item.pk), action="update"
    ).order_by("pk")
    changes = [(e.before["removed_at"] is None, e.after["removed_at"] is None) for e in events]
    assert changes == [(True, False), (False, True)]  # removed, then restored
    assert events[0].after["removed_by"] == user("secretary").pk


def _two_resolutions(body):
    meeting = in_review_meeting(body)
    education = Agency.objects.get(name="اداره کل آموزش و پرورش")
    removed = resolution_create(
        meeting=meeting, text=REMOVED_TEXT, kind="assignment", responsible=[education]
    )
    kept = resolution_create(
        meeting=meeting, text=KEPT_TEXT, kind="assignment", responsible=[education]
    )
    return meeting, removed, kept


def test_resolution_removal_asks_then_disappears_from_page_print_and_approved_record(
    persona_client, working_group
):
    meeting, removed, kept = _two_resolutions(working_group)
    secretary = persona_client("secretary")
    url = reverse("resolutions:resolution_delete", args=[removed.pk])
    asked = secretary.get(url)
    assert asked.status_code == 200 and REMOVED_TEXT in asked.content.decode()
    assert Resolution.objects.filter(pk=removed.pk).exists()

    assert secretary.post(url).status_code == 302
    kept.refresh_from_db()
    assert kept.label == "الف"  # relettered
    page = secretary.get(reverse("committees:meeting_detail", args=[meeting.pk]))
    assert [r for r, _up, _down in page.context["resolutions"]] == [kept]
    assert page.context["removed_resolutions"] == [Resolution.all_objects.get(pk=removed.pk)]
    member_page = persona_client("member").get(
        reverse("committees:meeting_detail", args=[meeting.pk])
    )
    assert REMOVED_TEXT not in member_page.content.decode()
    printed = secretary.get(reverse("resolutions:minutes_print", args=[meeting.pk]))
    assert KEPT_TEXT in printed.content.decode() and REMOVED_TEXT not in printed.content.decode()
    assert [r["text"] for r in minutes_snapshot(meeting)["resolutions"]] == [KEPT_TEXT]

    minutes_approve(meeting=meeting, user=user("chair"))
    # Deleted for good at approval: not in the record, the directives, register or search.
    assert not Resolution.all_objects.filter(pk=removed.pk).exists()
    meeting.refresh_from_db()
    assert [r["text"] for r in meeting.minutes.snapshot["resolutions"]] == [KEPT_TEXT]
    assert set(
        Directive.objects.filter(resolution__meeting=meeting).values_list(
            "resolution_id", flat=True
        )
    ) == {kept.pk}
    register = secretary.get(reverse("resolutions:register")).content.decode()
    assert KEPT_TEXT in register and REMOVED_TEXT not in register
    found = secretary.get(reverse("resolutions:search"), {"q": "بایگانی کاغذی"})
    assert REMOVED_TEXT not in found.content.decode()


def test_resolution_restore_brings_it_back_at_its_letter(persona_client, working_group):
    meeting, removed, _kept = _two_resolutions(working_group)
    secretary = persona_client("secretary")
    secretary.post(reverse("resolutions:resolution_delete", args=[removed.pk]))
    response = secretary.post(reverse("resolutions:resolution_restore", args=[removed.pk]))
    assert response.status_code == 302
    assert [(r.text, r.label) for r in meeting.resolutions.order_by("order")] == [
        (REMOVED_TEXT, "الف"),
        (KEPT_TEXT, "ب"),
    ]
    restored = Resolution.objects.get(pk=removed.pk)
    assert restored.addressees.count() == 1  # its addressees came back with it


def test_removed_agenda_item_is_deleted_at_approval(working_group):
    meeting = in_review_meeting(working_group)
    item = meeting.agenda_items.get()
    AgendaItem.objects.filter(pk=item.pk).update(removed_at=timezone.now())
    minutes_approve(meeting=meeting, user=user("chair"))
    assert not AgendaItem.all_objects.filter(pk=item.pk).exists()
    meeting.refresh_from_db()
    assert meeting.minutes.snapshot["agenda"] == []


def test_removal_confirmation_pages_query_budget(
    persona_client, working_group, django_assert_num_queries
):
    _meeting, removed, _kept = _two_resolutions(working_group)
    client = persona_client("secretary")
    with django_assert_num_queries(15):
        assert (
            client.get(reverse("resolutions:resolution_delete", args=[removed.pk])).status_code
            == 200
        )
    item = scheduled_meeting(working_group).agenda_items.get()
    with django_assert_num_queries(14):
        assert (
            client.get(reverse("committees:agenda_item_delete", args=[item.pk])).status_code == 200
        )


# --- c) approving before every attendee answered asks the chair ---------------------------


def _approve(client, meeting, **data):
    return client.post(reverse("resolutions:minutes_approve", args=[meeting.pk]), data)


def test_approval_asks_while_answers_are_missing_and_goes_on_when_confirmed(
    persona_client, working_group
):
    meeting = in_review_meeting(working_group)
    attendees = meeting.invitations.filter(attendance=AttendanceStatus.PRESENT).count()
    chair = persona_client("chair")
    asked = _approve(chair, meeting)
    assert asked.status_code == 200
    text = asked.content.decode()
    total = str(attendees).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    assert f"۰ از {total} پاسخ داده‌اند؛ مهلت ۱۴" in text
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.IN_REVIEW

    assert _approve(chair, meeting, confirm="1").status_code == 302
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.APPROVED


def test_approval_after_every_answer_and_the_deadline_does_not_ask(persona_client, working_group):
    meeting = in_review_meeting(working_group)
    for invitation in meeting.invitations.filter(attendance=AttendanceStatus.PRESENT):
        minutes_review_submit(meeting=meeting, person=invitation.person, decision="confirmed")
    type(meeting.minutes).objects.filter(pk=meeting.minutes.pk).update(
        review_deadline=timezone.now() - datetime.timedelta(minutes=1)
    )
    meeting.refresh_from_db()
    assert minutes_approval_concerns(meeting) == []
    assert _approve(persona_client("chair"), meeting).status_code == 302
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.APPROVED


def test_approval_service_refuses_unconfirmed_with_the_count(working_group):
    meeting = in_review_meeting(working_group)
    with pytest.raises(ValidationError) as refused:
        minutes_approve(meeting=meeting, user=user("chair"), confirmed=False)
    assert refused.value.error_list[0].code == "needs_confirmation"
    assert "پاسخ داده‌اند" in refused.value.messages[0]
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.IN_REVIEW


def test_approval_confirmation_page_query_budget(
    persona_client, working_group, django_assert_num_queries
):
    meeting = in_review_meeting(working_group)
    client = persona_client("chair")
    with django_assert_num_queries(23):
        assert _approve(client, meeting).status_code == 200


def test_removed_agenda_item_is_left_out_of_oparl(working_group):
    from resolutions.oparl.selectors import agenda_of

    meeting = scheduled_meeting(working_group)
    kept = agenda_item_add(meeting=meeting, title="امنیت شبکه")
    agenda_item_delete(item=meeting.agenda_items.order_by("order").first())
    assert agenda_of([meeting])[meeting.pk] == [kept]
