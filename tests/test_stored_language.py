"""What the portal stores or sends is in its own language, whoever acts in English.

Deadline rules and history notes (printed on letters), agenda titles of referrals (printed
in minutes), audit names and directive notices are read later by others, in documents that
are Persian; an English interface must not leak into them.
"""

from __future__ import annotations

import pytest
from django.utils import translation

from egov_portal.models import AuditEvent, NoticeKind, Notification
from resolutions.models import Directive, DirectiveEvent, DirectiveState, Referral
from resolutions.services.referrals import referral_place
from resolutions.services.reminders import directive_path
from tests.directive_helpers import approved_with, education
from tests.meeting_helpers import scheduled_meeting, user

pytestmark = pytest.mark.django_db


def test_a_chair_approving_in_english_stores_persian_deadline_rules_and_notes(working_group):
    first = approved_with(working_group, {"responsible": [education()]})
    old = first.resolutions.get()
    with translation.override("en"):
        meeting = approved_with(
            working_group,
            {
                "responsible": [education()],
                "deadline_working_days": 10,
                "kind": "amendment",
                "amends": old,
            },
        )
    directive = Directive.objects.get(resolution__meeting=meeting)
    assert directive.deadline_rule == "۱۰ روز کاری پس از ابلاغ"
    note = DirectiveEvent.objects.get(
        directive__resolution=old, state=DirectiveState.SUPERSEDED
    ).note
    assert note.startswith("با مصوبه")


def test_a_referral_placed_in_english_gets_a_persian_agenda_title(working_group, steering):
    upper = approved_with(working_group, {"kind": "referral", "refer_to": steering, "text": "x"})
    referral = Referral.objects.get(resolution__meeting=upper)
    meeting = scheduled_meeting(steering)
    with translation.override("en"):
        referral_place(referral=referral, meeting=meeting, user=user("secretary"))
    referral.refresh_from_db()
    title = referral.agenda_item.title
    assert title.startswith("ارجاع ")
    assert "جلسه" in title and "meeting" not in title


def test_audit_names_are_persian_when_the_actor_works_in_english(working_group):
    with translation.override("en"):
        meeting = scheduled_meeting(working_group)
    event = AuditEvent.objects.filter(model__iexact="committees.meeting", object_id=str(meeting.pk))
    assert event.exists()
    assert all("meeting" not in e.object_repr for e in event)
    assert any("جلسه" in e.object_repr for e in event)


def test_an_amendment_tells_the_agency_its_directive_was_superseded(working_group):
    first = approved_with(working_group, {"responsible": [education()]})
    old = Directive.objects.get(resolution__meeting=first)
    approved_with(
        working_group,
        {"responsible": [education()], "kind": "amendment", "amends": old.resolution},
    )
    notice = (
        Notification.objects.filter(
            user=user("itmanager"), url=directive_path(old), kind=NoticeKind.DIRECTIVE
        )
        .order_by("pk")
        .last()
    )
    assert "جایگزین شد" in notice.title
    assert notice.body.startswith("با مصوبه")


def test_a_directive_without_a_deadline_says_so_in_its_notice(working_group):
    meeting = approved_with(working_group, {"responsible": [education()]})
    directive = Directive.objects.get(resolution__meeting=meeting)
    assert directive.due_date is None
    notice = Notification.objects.get(user=user("itmanager"), url=directive_path(directive))
    assert notice.body.endswith("بدون مهلت معین")
