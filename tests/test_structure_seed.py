"""The structure loaded by ``load_structure`` is the seed document's, name for name."""

from __future__ import annotations

import io

import jdatetime
import pytest
from django.core.management import call_command

from committees.models import Body, BodyKind, LegalBasis, Seat, SeatKind
from members.models import Agency, Position

pytestmark = pytest.mark.django_db

# The seed's working-group list, in order, with the missing ZWNJs restored.
WORKING_GROUP_SEATS = [
    ("استاندار", "chair"),
    ("معاون هماهنگی امور اقتصادی و توسعه منابع", "vice_chair"),
    ("مدیرکل فناوری اطلاعات و ارتباطات استان", "secretary"),
    ("مدیرکل امور اقتصادی و دارایی استان", "member"),
    ("شهردار مرکز استان", "member"),
    ("رئیس شورای هماهنگی بانک‌های استان", "member"),
    ("دو نفر از مدیران فناوری اطلاعات دستگاه‌های استانی به پیشنهاد استاندار", "member"),
    ("مدیرکل دفتر فناوری اطلاعات استانداری یا عناوین مشابه", "member"),
    ("مدیرعامل شرکت مخابرات استان", "member"),
    (
        "یک نفر صاحب‌نظر از دانشگاه یا دستگاه‌های اجرایی به پیشنهاد دبیر و تأیید رئیس کارگروه",
        "member",
    ),
    ("یک نفر نماینده صنف مربوطه به پیشنهاد دبیر و تأیید رئیس کارگروه", "member"),
]

STEERING_SEATS = [
    ("معاون هماهنگی امور اقتصادی و توسعه منابع", "chair"),
    ("اداره کل فناوری اطلاعات استانداری", "vice_chair_secretary"),
    ("اداره کل ارتباطات و فناوری اطلاعات", "member"),
    ("اداره کل امور اقتصادی و دارایی", "member"),
    ("افتا", "member"),
    ("سازمان برنامه‌وبودجه", "member"),
    ("سازمان نظام صنفی رایانه‌ای", "member"),
    ("پارک علم و فناوری", "member"),
    ("شرکت مخابرات", "member"),
    ("شهرداری رشت", "member"),
    ("مرکز آموزش و پژوهش‌های توسعه و آینده‌نگری", "member"),
]

SUBCOMMITTEES = ["کمیته خدمات الکترونیک", "کمیته شبکه و زیرساخت", "کمیته امنیت", "کمیته آموزش"]


def test_working_group_seats_follow_the_seed_in_order(working_group):
    seats = list(working_group.seats.order_by("order").values_list("order", "title", "role"))
    assert seats == [(i, t, r) for i, (t, r) in enumerate(WORKING_GROUP_SEATS, start=1)]


def test_working_group_nomination_rules(working_group):
    seven = working_group.seats.get(order=7)
    assert (seven.kind, seven.persons_count, seven.proposed_by.title) == (
        SeatKind.NOMINATED,
        2,
        "استاندار",
    )
    for order in (10, 11):
        seat = working_group.seats.get(order=order)
        assert seat.kind == SeatKind.NOMINATED
        assert seat.proposed_by.title == "مدیرکل فناوری اطلاعات و ارتباطات استان"
        assert seat.approved_by.title == "استاندار"
    chair = working_group.seats.get(order=1)
    assert (chair.kind, chair.position.agency.name) == (SeatKind.BY_POST, "استانداری گیلان")


def test_steering_committee_seats_follow_the_seed(steering, working_group):
    seats = list(steering.seats.order_by("order").values_list("title", "role"))
    assert seats == STEERING_SEATS
    assert steering.parent == working_group
    assert steering.seats.get(order=1).kind == SeatKind.BY_POST
    assert set(steering.seats.exclude(order=1).values_list("kind", flat=True)) == {
        SeatKind.BY_AGENCY
    }


def test_four_subcommittees_with_their_rule(steering):
    subs = Body.objects.filter(kind=BodyKind.SUBCOMMITTEE, jurisdiction="گیلان").order_by("order")
    assert [b.name for b in subs] == SUBCOMMITTEES
    for sub in subs:
        assert sub.parent == steering
        assert sub.members_selected_by == steering
        assert sub.public_majority_required is True
        assert (sub.private_members_min, sub.private_members_max) == (1, 2)


def test_legal_basis_of_article_6(working_group):
    basis = working_group.legal_basis
    assert basis.title == "ضوابط فنی و اجرایی توسعه دولت الکترونیک"
    assert basis.article == "ماده ۶"
    assert basis.approving_authority == "شورای عالی فناوری اطلاعات کشور"
    assert basis.approval_session == "ششمین جلسه"
    assert basis.approval_date == jdatetime.date(1392, 12, 20)
    assert basis.letter_number == "145/200"
    assert basis.letter_date == jdatetime.date(1393, 6, 11)
    assert "الزامی است" in basis.text


def test_founding_resolutions_point_up_to_article_6(steering):
    alef = steering.legal_basis
    jim = Body.objects.get(name="کمیته امنیت").legal_basis
    for resolution, label in ((alef, "بند الف"), (jim, "بند ج")):
        assert resolution.article == label
        assert resolution.approval_date == jdatetime.date(1394, 2, 7)
        assert resolution.approving_authority == "کارگروه توسعه دولت الکترونیک استان"
        assert resolution.parent.article == "ماده ۶"
    assert [b.article for b in alef.chain()] == ["بند الف", "ماده ۶"]


def test_national_bodies_sit_above_the_working_group(working_group):
    commission = working_group.parent
    assert (commission.name, commission.kind) == ("کمیسیون توسعه دولت الکترونیکی", "national")
    assert commission.parent.name == "شورای عالی فناوری اطلاعات"


def _snapshot() -> list:
    rows = []
    for model in (LegalBasis, Agency, Position, Body, Seat):
        rows += list(model.objects.order_by("pk").values_list("pk", "updated_at"))
    return rows


def test_load_structure_twice_changes_nothing():
    before = _snapshot()
    out = io.StringIO()
    call_command("load_structure", stdout=out)
    assert _snapshot() == before
    assert "بدون تغییر" in out.getvalue()


def test_load_structure_for_another_province():
    call_command("load_structure", province="مازندران", capital="ساری", stdout=io.StringIO())
    group = Body.objects.get(kind=BodyKind.WORKING_GROUP, jurisdiction="مازندران")
    assert group.seats.get(order=1).position.agency.name == "استانداری مازندران"
    steering = Body.objects.get(kind=BodyKind.STEERING_COMMITTEE, jurisdiction="مازندران")
    assert steering.seats.get(order=10).title == "شهرداری ساری"
    # The national bodies are shared, not duplicated.
    assert Body.objects.filter(kind=BodyKind.NATIONAL).count() == 2


def test_load_structure_repairs_an_edited_seat(working_group):
    Seat.objects.filter(body=working_group, order=1).update(title="چیز دیگری")
    call_command("load_structure", stdout=io.StringIO())
    assert working_group.seats.get(order=1).title == "استاندار"


def test_founding_meeting_is_an_approved_historical_record(steering, working_group):
    from resolutions.selectors.minutes import minutes_verify

    meeting = steering.legal_basis.meeting
    assert meeting.body == working_group and meeting.state == "approved"
    assert meeting.title == "جلسه مورخ ۱۳۹۴/۰۲/۰۷"
    assert [r.label for r in meeting.resolutions.order_by("order")] == ["الف", "ج"]
    assert Body.objects.get(name="کمیته امنیت").legal_basis.meeting == meeting
    assert minutes_verify(meeting.minutes.fingerprint).genuine


def test_founding_meeting_is_recorded_once():
    from committees.models import Meeting

    call_command("load_structure", stdout=io.StringIO())
    assert Meeting.objects.filter(number=0).count() == 1
