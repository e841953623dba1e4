"""Directive reminders, escalation and the overdue list."""

from __future__ import annotations

import datetime
import io
import threading

import jdatetime
import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from egov_portal.models import NoticeKind, Notification
from egov_portal.text.persian import to_persian_digits
from resolutions.models import Directive, DirectiveState, ReminderLog
from resolutions.services import reminders
from resolutions.services.directives import directive_cancel
from resolutions.services.reminders import reminders_due, reminders_send, step_on
from tests.directive_helpers import approved_with, education, water
from tests.meeting_helpers import user

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def _quiet_others() -> None:
    """Close the demo data's directives so only the test's own are reminded."""
    Directive.objects.update(state=DirectiveState.VERIFIED)


def _directive(body, *, due: datetime.date, agency=None) -> Directive:
    meeting = approved_with(
        body,
        {
            "responsible": [agency or education()],
            "deadline": jdatetime.date.fromgregorian(date=due),
        },
    )
    return Directive.objects.get(resolution__meeting=meeting)


@pytest.fixture
def due() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=40)


@pytest.fixture
def directive(working_group, due) -> Directive:
    _quiet_others()
    return _directive(working_group, due=due)


def _addresses() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def test_step_sequence_over_time():
    due = datetime.date(2026, 5, 20)
    assert step_on(due, due - 4 * DAY, before=3) is None
    assert step_on(due, due - 3 * DAY, before=3) == "before"
    assert step_on(due, due - DAY, before=3) == "before"
    assert step_on(due, due, before=3) == "due"
    assert step_on(due, due + 6 * DAY, before=3) == "due"
    assert step_on(due, due + 7 * DAY, before=3) == "overdue-w1"
    assert step_on(due, due + 20 * DAY, before=3) == "overdue-w2"
    assert step_on(due, due + 21 * DAY, before=3) == "overdue-w3"
    assert step_on(due, due - DAY, before=0) is None


def test_timeline_before_due_and_weekly_with_escalation(directive, due):
    it, secretary, chair = (user(n).email for n in ("itmanager", "secretary", "chair"))
    expected = [
        (due - 4 * DAY, 0, []),
        (due - 3 * DAY, 1, [it]),
        (due - 2 * DAY, 0, []),
        (due, 1, [it]),
        (due + 6 * DAY, 0, []),
        (due + 7 * DAY, 1, [it, secretary]),
        (due + 14 * DAY, 1, [it, secretary]),
        (due + 21 * DAY, 1, [it, secretary, chair]),
        (due + 22 * DAY, 0, []),
        (due + 28 * DAY, 1, [it, secretary, chair]),
    ]
    for day, steps, addresses in expected:
        mail.outbox.clear()
        assert reminders_send(today=day) == steps, day
        assert _addresses() == sorted(addresses), day
    assert list(
        ReminderLog.objects.filter(directive=directive)
        .order_by("pk")
        .values_list("step", flat=True)
    ) == ["before", "due", "overdue-w1", "overdue-w2", "overdue-w3", "overdue-w4"]


def test_each_step_is_sent_once(directive, due):
    assert reminders_send(today=due) == 1
    sent = len(mail.outbox)
    assert sent == 1
    assert reminders_send(today=due) == 0
    assert reminders_send(today=due + 2 * DAY) == 0
    assert len(mail.outbox) == sent
    assert ReminderLog.objects.filter(directive=directive).count() == 1


def test_escalation_order(directive, due):
    def roles(day):
        [(found, step, recipients)] = reminders_due(day)
        assert found == directive
        return step, [(r.user.username, r.role) for r in recipients]

    assert roles(due) == ("due", [("itmanager", "agency")])
    assert roles(due + 7 * DAY) == (
        "overdue-w1",
        [("itmanager", "agency"), ("secretary", "secretariat")],
    )
    assert roles(due + 14 * DAY)[1] == [("itmanager", "agency"), ("secretary", "secretariat")]
    assert roles(due + 21 * DAY) == (
        "overdue-w3",
        [("itmanager", "agency"), ("secretary", "secretariat"), ("chair", "chair")],
    )


def test_chair_follows_the_seat_on_the_day(directive, due):
    """The chair told is whoever holds the chair seat then; a vacant seat tells nobody."""
    from committees.models import Seat, SeatRole
    from members.models import PositionHolding

    seat = Seat.objects.get(body=directive.body, role=SeatRole.CHAIR)
    PositionHolding.objects.filter(position=seat.position, end_date__isnull=True).update(
        end_date=jdatetime.date.fromgregorian(date=due)
    )
    [(_d, _s, recipients)] = reminders_due(due + 21 * DAY)
    assert [r.role for r in recipients] == ["agency", "secretariat"]


def test_closed_directives_get_nothing(directive, due):
    directive_cancel(directive=directive, user=user("secretary"), reason="منتفی شد")
    verified = _directive(directive.body, due=due, agency=water())
    Directive.objects.filter(pk=verified.pk).update(state=DirectiveState.VERIFIED)
    for day in (due - 3 * DAY, due, due + 7 * DAY, due + 21 * DAY):
        assert reminders_due(day) == []
        assert reminders_send(today=day) == 0
    assert mail.outbox == []


def test_directive_without_a_deadline_or_an_it_manager_is_skipped(working_group, due):
    _quiet_others()
    meeting = approved_with(working_group, {"responsible": [education()]})
    assert Directive.objects.get(resolution__meeting=meeting).due_date is None
    from members.models import Agency

    nobody = Agency.objects.exclude(pk__in=[education().pk, water().pk]).first()
    _directive(working_group, due=due, agency=nobody)
    assert reminders_due(due) == []


def test_days_before_comes_from_settings(directive, due, settings):
    settings.DIRECTIVE_REMINDER_DAYS_BEFORE = 5
    assert reminders_send(today=due - 5 * DAY) == 1
    assert ReminderLog.objects.get(directive=directive).step == "before"


def test_message_is_persian_rtl_with_the_directive_link(directive, due, settings):
    settings.PORTAL_BASE_URL = "https://egov.gilan.ir"
    reminders_send(today=due + 7 * DAY)
    message = next(m for m in mail.outbox if m.to == [user("secretary").email])
    url = f"https://egov.gilan.ir/directives/{directive.pk}/"
    assert directive.letter_number in message.subject
    assert "۷ روز از مهلت گذشته" in message.subject
    assert url in message.body
    assert "دبیرخانه" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert 'dir="rtl"' in html and f'href="{url}"' in html
    notice = Notification.objects.get(
        user=user("itmanager"), url=f"/directives/{directive.pk}/", kind=NoticeKind.REMINDER
    )
    assert directive.letter_number in notice.title


def test_mail_failure_releases_the_step_for_the_next_run(directive, due, monkeypatch):
    import smtplib

    def refuse(self, messages):
        raise smtplib.SMTPServerDisconnected("gone")

    with monkeypatch.context() as patch:
        patch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
        run = reminders.reminders_deliver(due)
    assert (run.steps, run.failed) == (0, [(directive.pk, "due")])
    assert not ReminderLog.objects.filter(directive=directive).exists()
    notices = Notification.objects.filter(kind=NoticeKind.REMINDER)
    assert not notices.filter(url=f"/directives/{directive.pk}/").exists()
    assert reminders_send(today=due) == 1


def _jalali(day: datetime.date) -> str:
    return jdatetime.date.fromgregorian(date=day).strftime("%Y/%m/%d")


def test_command_with_a_jalali_date(directive, due):
    out = io.StringIO()
    call_command("send_directive_reminders", "--date", _jalali(due + 7 * DAY), stdout=out)
    assert "۱ یادآوری فرستاده شد" in out.getvalue()
    assert "۲ رایانامه" in out.getvalue()
    assert to_persian_digits(_jalali(due + 7 * DAY)) in out.getvalue()
    out = io.StringIO()
    call_command(
        "send_directive_reminders",
        "--date",
        to_persian_digits(_jalali(due + 7 * DAY)),
        stdout=out,
    )
    assert "۰ یادآوری فرستاده شد" in out.getvalue()
    assert len(mail.outbox) == 2


def test_command_refuses_a_bad_date(db):
    with pytest.raises(CommandError, match="وجود ندارد"):
        call_command("send_directive_reminders", "--date", "1404/12/30", stdout=io.StringIO())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locking under real concurrency")
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_send_each_step_once(gilan, monkeypatch):
    from committees.models import Body, BodyKind

    group = Body.objects.get(kind=BodyKind.WORKING_GROUP, jurisdiction="گیلان")
    _quiet_others()
    due = timezone.localdate() + datetime.timedelta(days=40)
    directive = _directive(group, due=due, agency=education())
    barrier = threading.Barrier(2)
    original = reminders.reminders_due

    def due_then_wait(today):
        found = original(today)
        barrier.wait()  # both runs have found the step unsent before either claims it
        return found

    monkeypatch.setattr(reminders, "reminders_due", due_then_wait)
    mail.outbox.clear()  # the invitations of the meeting that issued the directive
    results, errors = [], []

    def run():
        try:
            results.append(reminders_send(today=due + 7 * DAY))
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(results) == [0, 1]
    assert ReminderLog.objects.filter(directive=directive).count() == 1
    assert len(mail.outbox) == 2  # the IT manager and the secretariat, once each


# --- the overdue list ----------------------------------------------------------------------


def _overdue(body, *, days: int, agency=None) -> Directive:
    """A directive of ``body`` whose deadline passed ``days`` days ago."""
    directive = _directive(body, due=timezone.localdate() + 30 * DAY, agency=agency)
    past = jdatetime.date.fromgregorian(date=timezone.localdate() - days * DAY)
    Directive.objects.filter(pk=directive.pk).update(due_date=past)
    directive.refresh_from_db()
    return directive


def test_overdue_list_sorted_by_days_with_steps(working_group, persona_client):
    _quiet_others()
    late = _overdue(working_group, days=3)
    later = _overdue(working_group, days=17, agency=water())
    reminders_send()
    response = persona_client("secretary").get(
        reverse("resolutions:overdue_list", args=[working_group.pk])
    )
    rows = response.context["rows"]
    assert [(r.directive, r.days_overdue) for r in rows] == [(later, 17), (late, 3)]
    assert [label for label, _at in rows[0].steps] == ["هفته دوم پس از مهلت"]
    assert [label for label, _at in rows[1].steps] == ["یادآوری روز مهلت"]
    content = response.content.decode()
    assert "۱۷ روز" in content and "هفته دوم پس از مهلت" in content


def test_overdue_list_shows_each_reader_his_subset(working_group, persona_client):
    _quiet_others()
    mine = _overdue(working_group, days=10)
    _overdue(working_group, days=12, agency=water())
    url = reverse("resolutions:overdue_list", args=[working_group.pk])

    def seen(persona):
        return [r.directive for r in persona_client(persona).get(url).context["rows"]]

    assert seen("itmanager") == [mine]
    assert len(seen("itmanager2")) == 1
    assert len(seen("secretary")) == len(seen("chair")) == len(seen("governor_office")) == 2
    assert seen("outsider") == []
    assert seen("member") == []


def test_overdue_list_leaves_out_open_but_not_late_and_closed(working_group, persona_client):
    _quiet_others()
    late = _overdue(working_group, days=1)
    _directive(working_group, due=timezone.localdate(), agency=water())  # due today
    closed = _overdue(working_group, days=5, agency=water())
    Directive.objects.filter(pk=closed.pk).update(state=DirectiveState.CANCELLED)
    response = persona_client("secretary").get(
        reverse("resolutions:overdue_list", args=[working_group.pk])
    )
    assert [r.directive for r in response.context["rows"]] == [late]


def _overdue_page_queries(client, body, django_assert_num_queries, count: int) -> None:
    url = reverse("resolutions:overdue_list", args=[body.pk])
    with django_assert_num_queries(count):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("many", [False, True])
def test_overdue_list_query_budget(working_group, persona_client, many, django_assert_num_queries):
    _quiet_others()
    from members.models import Agency

    agencies = [education(), water()]
    if many:
        agencies += list(Agency.objects.exclude(pk__in=[a.pk for a in agencies])[:6])
    for index, agency in enumerate(agencies):
        _overdue(working_group, days=index + 8, agency=agency)
    reminders_send()
    client = persona_client("secretary")
    _overdue_page_queries(client, working_group, django_assert_num_queries, 25)


def test_command_help_is_persian():
    from resolutions.management.commands.send_directive_reminders import Command

    text = Command().create_parser("manage.py", "send_directive_reminders").format_help()
    assert "--date" in text and "یادآوری مهلت ابلاغ‌ها" in text
