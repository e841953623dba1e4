"""Every sender honours each user's notification preferences, and directive steps notify.

A muted kind gives neither a notice nor an e-mail; a daily-digest reader gets the notice
(the digest e-mails it later) but no e-mail now; a person without an account is e-mailed
at his recorded address.
"""

from __future__ import annotations

import datetime

import jdatetime
import pytest
from django.core import mail
from django.utils import timezone, translation

from committees.notifications import meeting_notice_send, meeting_path
from committees.services.meetings import meeting_create, meeting_schedule
from egov_portal.models import NoticeKind, Notification, NotificationPreference
from members.models import Person
from resolutions.models import Directive, DirectiveState
from resolutions.services.directives import (
    directive_acknowledge,
    directive_cancel,
    directive_return,
    directive_verify,
    progress_report_add,
)
from resolutions.services.reminders import directive_path, reminders_send
from tests.directive_helpers import approved_with, education
from tests.meeting_helpers import user

pytestmark = pytest.mark.django_db


def _prefer(username: str, *, muted=(), digest: bool = False) -> None:
    NotificationPreference.objects.update_or_create(
        user=user(username), defaults={"muted_kinds": list(muted), "daily_digest": digest}
    )


def _meeting_invitations(body) -> list[int]:
    start = timezone.localtime().replace(second=0, microsecond=0) + datetime.timedelta(days=10)
    meeting = meeting_create(
        body=body,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        place="سالن جلسات استانداری",
        created_by=user("secretary"),
    )
    meeting_schedule(meeting=meeting)  # on_commit does not run here: nothing sent yet
    return meeting, list(meeting.invitations.values_list("pk", flat=True))


def _member_address() -> str:
    person = Person.objects.get(user__username="member")
    assert person.email
    return person.email


def _addresses() -> set[str]:
    return {address for message in mail.outbox for address in message.to}


# --- meeting notices -----------------------------------------------------------------


def test_meeting_notices_reach_a_user_without_preferences(working_group):
    meeting, ids = _meeting_invitations(working_group)
    meeting_notice_send(invitation_ids=ids, kind="invitation")
    assert _member_address() in _addresses()
    notice = Notification.objects.get(user=user("member"), url=meeting_path(meeting))
    assert notice.kind == NoticeKind.MEETING


def test_a_muted_meeting_kind_gives_no_notice_and_no_email(working_group):
    _prefer("member", muted=[NoticeKind.MEETING])
    meeting, ids = _meeting_invitations(working_group)
    meeting_notice_send(invitation_ids=ids, kind="invitation")
    assert _member_address() not in _addresses()
    assert not Notification.objects.filter(user=user("member"), url=meeting_path(meeting))
    assert mail.outbox  # the others were still invited


def test_a_digest_reader_gets_the_notice_but_no_email_now(working_group):
    _prefer("member", digest=True)
    meeting, ids = _meeting_invitations(working_group)
    meeting_notice_send(invitation_ids=ids, kind="cancelled")
    assert _member_address() not in _addresses()
    assert Notification.objects.filter(user=user("member"), url=meeting_path(meeting)).exists()


def test_minutes_review_is_its_own_kind(working_group):
    _prefer("member", muted=[NoticeKind.MEETING])
    meeting, ids = _meeting_invitations(working_group)
    meeting_notice_send(invitation_ids=ids, kind="minutes_review")
    notice = Notification.objects.get(user=user("member"), url=meeting_path(meeting))
    assert notice.kind == NoticeKind.MINUTES
    assert _member_address() in _addresses()


def test_a_person_without_an_account_is_still_emailed(working_group):
    meeting, ids = _meeting_invitations(working_group)
    without_account = [
        i.person.email
        for i in meeting.invitations.select_related("person")
        if i.person.user_id is None and i.person.email
    ]
    assert without_account
    meeting_notice_send(invitation_ids=ids, kind="invitation")
    assert set(without_account) <= _addresses()


# --- directive reminders ---------------------------------------------------------------


def _reminded_directive(body) -> tuple[Directive, datetime.date]:
    Directive.objects.update(state=DirectiveState.VERIFIED)  # only this test's directive
    due = timezone.localdate() + datetime.timedelta(days=40)
    meeting = approved_with(
        body,
        {"responsible": [education()], "deadline": jdatetime.date.fromgregorian(date=due)},
    )
    return Directive.objects.get(resolution__meeting=meeting), due


@pytest.mark.parametrize(
    ("muted", "digest", "notice", "email"),
    [
        ((), False, True, True),
        ((NoticeKind.REMINDER,), False, False, False),
        ((), True, True, False),
    ],
)
def test_reminders_honour_the_preferences(working_group, muted, digest, notice, email):
    directive, due = _reminded_directive(working_group)
    _prefer("itmanager", muted=muted, digest=digest)
    Notification.objects.filter(user=user("itmanager")).delete()
    assert reminders_send(today=due) == 1
    notices = Notification.objects.filter(user=user("itmanager"), url=directive_path(directive))
    assert notices.exists() is notice
    if notice:
        assert notices.get().kind == NoticeKind.REMINDER
    assert (user("itmanager").email in _addresses()) is email


# --- directive steps ---------------------------------------------------------------------


def _directive_notices(username: str, directive: Directive):
    return Notification.objects.filter(
        user=user(username), url=directive_path(directive), kind=NoticeKind.DIRECTIVE
    ).order_by("pk")


def _issued(body) -> Directive:
    meeting = approved_with(body, {"responsible": [education()]})
    return Directive.objects.get(resolution__meeting=meeting)


def test_issuing_tells_the_agencys_it_managers_only(working_group):
    directive = _issued(working_group)
    [notice] = _directive_notices("itmanager", directive)
    assert directive.agency.name in notice.title
    assert not _directive_notices("itmanager2", directive).exists()
    assert not _directive_notices("chair", directive).exists()  # who approved: not told


def test_a_muted_directive_kind_gives_no_notice(working_group):
    _prefer("itmanager", muted=[NoticeKind.DIRECTIVE])
    directive = _issued(working_group)
    assert not _directive_notices("itmanager", directive).exists()


def test_reports_tell_the_secretariat_and_decisions_tell_the_agency(working_group):
    directive = _issued(working_group)
    it, secretary = user("itmanager"), user("secretary")
    directive_acknowledge(directive=directive, user=it)
    assert not _directive_notices("secretary", directive).exists()

    progress_report_add(directive=directive, user=it, percent=50, narrative="نیمی انجام شد")
    [progress] = _directive_notices("secretary", directive)
    assert "۵۰" in progress.title
    assert _directive_notices("itmanager", directive).count() == 1  # only "issued"

    progress_report_add(directive=directive, user=it, percent=100, narrative="تمام", final=True)
    directive_return(directive=directive, user=secretary, comment="صورت‌حساب پیوست نشده")
    returned = _directive_notices("itmanager", directive).last()
    assert returned.body == "صورت‌حساب پیوست نشده"

    progress_report_add(directive=directive, user=it, percent=100, narrative="پیوست شد", final=True)
    directive_verify(directive=directive, user=secretary)
    assert _directive_notices("secretary", directive).count() == 3
    assert _directive_notices("itmanager", directive).count() == 3  # issued, returned, verified


def test_cancelling_tells_the_agency_with_the_reason(working_group):
    directive = _issued(working_group)
    directive_cancel(directive=directive, user=user("secretary"), reason="مصوبه اصلاح شد")
    assert _directive_notices("itmanager", directive).last().body == "مصوبه اصلاح شد"


def test_notices_are_persian_whatever_the_actors_language(working_group):
    directive = _issued(working_group)
    with translation.override("en"):
        directive_cancel(directive=directive, user=user("secretary"), reason="لغو")
    notice = _directive_notices("itmanager", directive).last()
    assert "لغو شد" in notice.title


def test_an_it_manager_by_group_is_told_too_and_only_once(working_group):
    from django.contrib.auth.models import Group
    from guardian.shortcuts import assign_perm

    managers = Group.objects.create(name="مدیران فناوری آموزش")
    assign_perm("members.manage_agency_directives", managers, education())
    user("member").groups.add(managers)
    user("itmanager").groups.add(managers)  # also granted directly
    directive = _issued(working_group)
    assert _directive_notices("member", directive).count() == 1
    assert _directive_notices("itmanager", directive).count() == 1
