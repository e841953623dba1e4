"""Issuing directives, their numbers and deadlines, and the follow-up states."""

from __future__ import annotations

import datetime
import threading

import jdatetime
import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from committees.workdays import add_working_days, is_working_day
from members.models import Agency
from resolutions.models import Directive, DirectiveEvent, DirectiveState, LetterSequence, Referral
from resolutions.services.directives import (
    directive_acknowledge,
    directive_return,
    directive_verify,
    progress_report_add,
)
from resolutions.services.minutes import minutes_approve
from resolutions.services.resolutions import resolution_create
from tests.directive_helpers import approved_with, education, water
from tests.meeting_helpers import in_review_meeting, user

pytestmark = pytest.mark.django_db


def test_directives_go_to_exactly_the_addressed_agencies(working_group):
    meeting = approved_with(
        working_group, {"responsible": [education()], "collaborating": [water()]}
    )
    directives = Directive.objects.filter(resolution__meeting=meeting)
    assert {(d.agency.name, d.role) for d in directives} == {
        ("اداره کل آموزش و پرورش", "responsible"),
        ("شرکت آب و فاضلاب", "collaborating"),
    }
    assert all(d.state == DirectiveState.ISSUED for d in directives)


def test_all_agencies_follows_the_active_flag(working_group):
    Agency.objects.filter(name="شرکت گاز").update(is_active=False)
    meeting = approved_with(working_group, {"all_agencies": True})
    names = set(
        Directive.objects.filter(resolution__meeting=meeting).values_list("agency__name", flat=True)
    )
    assert names == set(Agency.objects.filter(is_active=True).values_list("name", flat=True))
    assert "شرکت گاز" not in names


def test_letter_numbers_are_consecutive_and_follow_the_pattern(working_group):
    year = jdatetime.date.fromgregorian(date=timezone.localdate()).year  # Tehran, not UTC
    before = (
        LetterSequence.objects.filter(body=working_group, year=year)
        .values_list("last", flat=True)
        .first()
        or 0
    )
    approved_with(working_group, {"responsible": [education(), water()]})
    approved_with(working_group, {"responsible": [education()]})
    numbers = list(
        Directive.objects.filter(body=working_group, year=year, sequence__gt=before)
        .order_by("sequence")
        .values_list("sequence", "letter_number")
    )
    assert [n for n, _ in numbers] == [before + 1, before + 2, before + 3]
    assert numbers[0][1] == f"{before + 1}/ک‌د/{year}"


def _clock_on(monkeypatch, day: jdatetime.date) -> None:
    """Django's clock (``timezone.now`` and so ``localdate``) reads 10:00 on ``day``."""
    moment = timezone.make_aware(datetime.datetime.combine(day.togregorian(), datetime.time(10)))
    monkeypatch.setattr(timezone, "now", lambda: moment)


def _numbers(meeting) -> list[tuple]:
    return list(
        Directive.objects.filter(resolution__meeting=meeting)
        .order_by("sequence")
        .values_list("year", "sequence", "letter_number", "issued_on")
    )


def _approved_in(body, responsible: list[Agency]):
    meeting = in_review_meeting(body)
    resolution_create(meeting=meeting, text="تکلیف", kind="assignment", responsible=responsible)
    return minutes_approve(meeting=meeting, user=user("admin"))


def test_letter_numbers_restart_each_jalali_year(steering, monkeypatch):
    # The steering committee (prefix «ک‌ر»; the demo issues none of its letters) has sent
    # 41 letters in 1404 so far.
    LetterSequence.objects.create(body=steering, year=1404, last=41)
    # 1404/12/29 is Friday 2026-03-20, the last day of 1404 (not a leap year).
    _clock_on(monkeypatch, jdatetime.date(1404, 12, 29))
    last_of_1404 = _approved_in(steering, [education()])
    # 1405/01/15 is Saturday 2026-04-04.
    _clock_on(monkeypatch, jdatetime.date(1405, 1, 15))
    first_of_1405 = _approved_in(steering, [education(), water()])
    assert _numbers(last_of_1404) == [
        (1404, 42, "42/ک\u200cر/1404", datetime.date(2026, 3, 20)),
    ]
    assert _numbers(first_of_1405) == [
        (1405, 1, "1/ک\u200cر/1405", datetime.date(2026, 4, 4)),
        (1405, 2, "2/ک\u200cر/1405", datetime.date(2026, 4, 4)),
    ]
    assert LetterSequence.objects.get(body=steering, year=1404).last == 42


def test_double_acknowledgement_makes_one_record(working_group):
    meeting = approved_with(working_group, {"responsible": [education()]})
    directive = Directive.objects.get(resolution__meeting=meeting)
    manager = user("itmanager")
    directive_acknowledge(directive=directive, user=manager)
    directive_acknowledge(directive=directive, user=manager)
    directive.refresh_from_db()
    assert directive.state == DirectiveState.ACKNOWLEDGED
    assert DirectiveEvent.objects.filter(directive=directive, state="acknowledged").count() == 1


def test_report_verify_and_return(working_group):
    meeting = approved_with(working_group, {"responsible": [education()]})
    directive = Directive.objects.get(resolution__meeting=meeting)
    manager, secretary = user("itmanager"), user("secretary")
    with pytest.raises(ValidationError, match="رسید"):
        progress_report_add(directive=directive, user=manager, percent=10, narrative="آغاز")
    directive_acknowledge(directive=directive, user=manager)
    progress_report_add(directive=directive, user=manager, percent=50, narrative="نیمی انجام شد")
    with pytest.raises(ValidationError):
        progress_report_add(
            directive=directive, user=manager, percent=90, narrative="x", final=True
        )
    progress_report_add(
        directive=directive, user=manager, percent=100, narrative="تمام", final=True
    )
    directive.refresh_from_db()
    assert (directive.state, directive.progress) == (DirectiveState.REPORTED_DONE, 100)
    with pytest.raises(ValidationError):
        directive_return(directive=directive, user=secretary, comment=" ")
    directive_return(directive=directive, user=secretary, comment="مستندات کافی نیست")
    progress_report_add(
        directive=directive, user=manager, percent=100, narrative="مستند افزوده شد", final=True
    )
    directive_verify(directive=directive, user=secretary)
    directive.refresh_from_db()
    assert directive.state == DirectiveState.VERIFIED and directive.verified_by == secretary


def test_overdue_is_derived_from_the_deadline(working_group):
    meeting = approved_with(
        working_group, {"responsible": [education()], "deadline": jdatetime.date(1405, 1, 10)}
    )
    directive = Directive.objects.get(resolution__meeting=meeting)
    assert directive.is_overdue_on(datetime.date(2026, 4, 1))
    assert not directive.is_overdue_on(datetime.date(2026, 3, 29))
    directive.state = DirectiveState.VERIFIED
    assert not directive.is_overdue_on(datetime.date(2026, 4, 1))


def test_working_days_skip_nowruz_and_fridays(settings):
    # From Wednesday 1404/12/27 (2026-03-18), 3 working days with Thursdays off:
    #   1404/12/28 Thu 03-19   Thursday                          skipped
    #   1404/12/29 Fri 03-20   Friday, oil nationalisation day   skipped
    #   1405/01/01–04 Sat–Tue  Nowruz (and Eid al-Fitr)          skipped
    #   1405/01/05 Wed 03-25   working day 1
    #   1405/01/06 Thu 03-26   Thursday                          skipped
    #   1405/01/07 Fri 03-27   a Friday and no holiday           skipped
    #   1405/01/08 Sat 03-28   working day 2
    #   1405/01/09 Sun 03-29   working day 3: the deadline
    settings.THURSDAY_IS_WEEKEND = True
    start = jdatetime.date(1404, 12, 27).togregorian()
    assert start == datetime.date(2026, 3, 18)
    assert add_working_days(start, 3) == datetime.date(2026, 3, 29)
    assert jdatetime.date(1405, 1, 9).togregorian() == datetime.date(2026, 3, 29)
    for day in range(1, 5):
        assert not is_working_day(jdatetime.date(1405, 1, day).togregorian())


def test_working_days_count_thursdays_when_the_province_works_them(settings):
    settings.THURSDAY_IS_WEEKEND = False
    # From Wednesday 1404/12/27 (2026-03-18), 3 working days:
    #   1404/12/28 Thu 03-19   working day 1
    #   1404/12/29 Fri 03-20   Friday, oil nationalisation day   skipped
    #   1405/01/01–04 Sat–Tue  Nowruz                            skipped
    #   1405/01/05 Wed 03-25   working day 2
    #   1405/01/06 Thu 03-26   working day 3: the deadline
    assert add_working_days(datetime.date(2026, 3, 18), 3) == datetime.date(2026, 3, 26)
    assert jdatetime.date(1405, 1, 6).togregorian() == datetime.date(2026, 3, 26)
    # An ordinary week: from Wednesday 1405/02/02 (2026-04-22), 2 working days:
    #   1405/02/03 Thu 04-23 working day 1; 1405/02/04 Fri 04-24 skipped (a Friday and
    #   nothing else); 1405/02/05 Sat 04-25 working day 2: the deadline.
    assert add_working_days(datetime.date(2026, 4, 22), 2) == datetime.date(2026, 4, 25)
    assert jdatetime.date(1405, 2, 5).togregorian() == datetime.date(2026, 4, 25)
    settings.THURSDAY_IS_WEEKEND = True
    # With Thursdays off the same two days end on Sunday 1405/02/06 (2026-04-26).
    assert add_working_days(datetime.date(2026, 4, 22), 2) == datetime.date(2026, 4, 26)


def test_working_days_skip_a_lunar_holiday():
    ashura = datetime.date(2025, 7, 6)  # Ashura 1404 in the package's Iranian calendar
    assert not is_working_day(ashura)
    assert add_working_days(datetime.date(2025, 7, 5), 1) == datetime.date(2025, 7, 7)


def test_working_day_deadline_is_shown_with_its_rule(working_group):
    meeting = approved_with(
        working_group, {"responsible": [education()], "deadline_working_days": 10}
    )
    directive = Directive.objects.get(resolution__meeting=meeting)
    assert directive.deadline_rule == "۱۰ روز کاری پس از ابلاغ"
    assert directive.due_date.togregorian() == add_working_days(timezone.localdate(), 10)


def test_amendment_supersedes_the_open_directives(working_group):
    first = approved_with(working_group, {"responsible": [education()]})
    old = first.resolutions.get()
    approved_with(working_group, {"responsible": [education()], "kind": "amendment", "amends": old})
    directive = Directive.objects.get(resolution=old)
    assert directive.state == DirectiveState.SUPERSEDED
    assert directive.superseded_by.amends == old
    assert old.amended_by.count() == 1


def test_referral_waits_in_the_lower_body_queue(working_group, steering):
    meeting = approved_with(
        working_group, {"kind": "referral", "refer_to": steering, "text": "بررسی امنیت"}
    )
    referral = Referral.objects.get(resolution__meeting=meeting)
    assert (referral.to_body, referral.state) == (steering, "waiting")


def test_referral_only_to_a_lower_body(working_group, steering):
    meeting = in_review_meeting(steering)
    with pytest.raises(ValidationError, match="ارجاع فقط"):
        resolution_create(meeting=meeting, text="x", kind="referral", refer_to=working_group)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locking under real concurrency")
@pytest.mark.django_db(transaction=True)
def test_letter_numbers_under_concurrent_approvals(gilan):
    from committees.models import Body, BodyKind

    group = Body.objects.get(kind=BodyKind.WORKING_GROUP, jurisdiction="گیلان")
    meetings = []
    for _ in range(6):
        meeting = in_review_meeting(group)
        resolution_create(
            meeting=meeting, text="تکلیف", kind="assignment", responsible=[education(), water()]
        )
        meetings.append(meeting)
    chair = user("chair")
    barrier = threading.Barrier(len(meetings))
    errors = []

    def approve(meeting):
        try:
            barrier.wait()
            minutes_approve(meeting=meeting, user=chair)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(m,)) for m in meetings]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    year = jdatetime.date.fromgregorian(date=timezone.localdate()).year  # Tehran, not UTC
    sequences = sorted(
        Directive.objects.filter(body=group, year=year).values_list("sequence", flat=True)
    )
    assert sequences == list(range(sequences[0], sequences[0] + len(sequences)))
    assert len(sequences) >= 12
