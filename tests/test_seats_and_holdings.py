"""Who holds a seat on a date: posts, nominations, vacancies, and the rules on holdings."""

from __future__ import annotations

import datetime

import jdatetime
import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from committees.selectors.structure import (
    body_composition,
    seat_holders_on,
    seat_states_on,
    seats_of,
)
from committees.services.structure import membership_create
from members.forms import PersonForm, PositionHoldingForm
from members.models import Person, Position, PositionHolding, Sector
from members.services import position_holding_create
from tests.factories import (
    AgencyFactory,
    BodyFactory,
    MembershipFactory,
    PersonFactory,
    PositionFactory,
    SeatFactory,
)

pytestmark = pytest.mark.django_db


def g(y: int, m: int, d: int) -> datetime.date:
    return jdatetime.date(y, m, d).togregorian()


def test_change_of_governor_moves_the_chair(working_group):
    chair = working_group.seats.get(order=1)
    before = seat_holders_on(seat=chair, on_date=g(1402, 1, 1))
    after = seat_holders_on(seat=chair, on_date=g(1404, 1, 1))
    assert [p.full_name for p in before] == ["دکتر علی رضایی"]
    assert [p.full_name for p in after] == ["دکتر محمدرضا کریمی"]
    # The handover day belongs to the successor.
    assert seat_holders_on(seat=chair, on_date=g(1403, 6, 20)) == after


def test_appointing_a_new_governor_needs_no_edit_of_the_working_group(working_group):
    governor_post = Position.objects.get(title="استاندار")
    newcomer = PersonFactory(first_name="بهرام", last_name="تازه‌وارد")
    position_holding_create(
        position=governor_post, person=newcomer, start_date=g(1405, 1, 15), end_current=True
    )
    chair = working_group.seats.get(order=1)
    assert seat_holders_on(seat=chair, on_date=g(1405, 1, 15)) == [newcomer]
    assert seat_holders_on(seat=chair, on_date=g(1405, 1, 14))[0].last_name == "کریمی"


def test_vacant_post_gives_a_vacant_seat(working_group):
    banks = working_group.seats.get(order=6)
    assert seat_holders_on(seat=banks, on_date=g(1404, 1, 1)) == []
    states = seat_states_on(seats=[banks], on_date=g(1404, 1, 1))
    assert states[0].is_vacant


def test_nominated_seat_holds_two_people(working_group):
    seven = working_group.seats.get(order=7)
    state = seat_states_on(seats=[seven], on_date=g(1404, 1, 1))[0]
    assert {h.person.last_name for h in state.holders} == {"کاظمی", "جعفری"}
    assert state.vacancies == 0


def test_overlapping_holdings_are_rejected():
    post = PositionFactory()
    position_holding_create(position=post, person=PersonFactory(), start_date=g(1400, 1, 1))
    with pytest.raises(ValidationError) as error:
        position_holding_create(position=post, person=PersonFactory(), start_date=g(1401, 1, 1))
    assert "هم‌پوشانی" in error.value.messages[0]
    assert PositionHolding.objects.filter(position=post).count() == 1


def test_closed_holdings_may_not_overlap_either():
    post = PositionFactory()
    position_holding_create(
        position=post, person=PersonFactory(), start_date=g(1400, 1, 1), end_date=g(1401, 1, 1)
    )
    with pytest.raises(ValidationError):
        position_holding_create(
            position=post, person=PersonFactory(), start_date=g(1400, 6, 1), end_date=g(1400, 9, 1)
        )
    position_holding_create(position=post, person=PersonFactory(), start_date=g(1401, 1, 1))


def test_holding_form_rejects_an_overlap_with_a_persian_message():
    post = PositionFactory()
    position_holding_create(position=post, person=PersonFactory(), start_date=g(1400, 1, 1))
    form = PositionHoldingForm(
        data={"position": post.pk, "person": PersonFactory().pk, "start_date": "۱۴۰۲/۰۱/۰۱"}
    )
    assert not form.is_valid()
    assert "هم‌پوشانی" in str(form.errors)


def test_holding_form_rejects_30_esfand_of_a_common_year():
    form = PositionHoldingForm(
        data={
            "position": PositionFactory().pk,
            "person": PersonFactory().pk,
            "start_date": "1402/12/30",
        }
    )
    assert not form.is_valid()
    assert "وجود ندارد" in str(form.errors["start_date"])


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="exclusion constraints are PostgreSQL's"
)
def test_database_refuses_overlapping_holdings_on_postgresql():
    post = PositionFactory()
    PositionHolding.objects.create(
        position=post, person=PersonFactory(), start_date=g(1400, 1, 1), end_date=g(1402, 1, 1)
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        PositionHolding.objects.create(
            position=post, person=PersonFactory(), start_date=g(1401, 1, 1), end_date=g(1401, 6, 1)
        )


def test_database_refuses_two_open_holdings():
    post = PositionFactory()
    PositionHolding.objects.create(position=post, person=PersonFactory(), start_date=g(1400, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        PositionHolding.objects.create(
            position=post, person=PersonFactory(), start_date=g(1401, 1, 1)
        )


def test_person_form_normalises_digits_and_validates_the_national_code():
    form = PersonForm(
        data={
            "first_name": "سارا",
            "last_name": "نیکو",
            "national_code": "۰۴۹۹۳۷۰۸۹۹",
            "mobile": "+98 912 123 4567",
        }
    )
    assert form.is_valid(), form.errors
    person = form.save()
    assert (person.national_code, person.mobile) == ("0499370899", "09121234567")


def test_person_form_rejects_a_wrong_check_digit_and_bidi_controls():
    form = PersonForm(
        data={"first_name": "سارا\u202e", "last_name": "نیکو", "national_code": "0499370898"}
    )
    assert not form.is_valid()
    assert "کد ملی معتبر نیست." in form.errors["national_code"]
    assert "bidi" in str(form.errors["first_name"])
    assert not Person.objects.filter(last_name="نیکو").exists()


def _subcommittee_with(private: int, public: int):
    body = BodyFactory(public_majority_required=True, private_members_min=1, private_members_max=2)
    seat = SeatFactory(body=body, persons_count=private + public)
    private_agency = AgencyFactory(sector=Sector.PRIVATE)
    for _ in range(private):
        MembershipFactory(seat=seat, person=PersonFactory(agency=private_agency))
    for _ in range(public):
        MembershipFactory(seat=seat)
    states = seat_states_on(seats=list(seats_of(body)), on_date=g(1404, 1, 1))
    return body_composition(body=body, states=states)


def test_subcommittee_with_three_private_of_five_fails_and_says_why():
    check = _subcommittee_with(private=3, public=2)
    assert not check.is_satisfied
    assert (check.private, check.public, check.filled) == (3, 2, 5)
    assert any("اکثریت اعضا باید از بخش دولتی باشند" in r for r in check.reasons)
    assert any("بین ۱ و ۲ نفر" in r and "۳ نفر" in r for r in check.reasons)


def test_subcommittee_with_one_private_of_five_satisfies_its_rule():
    check = _subcommittee_with(private=1, public=4)
    assert check.is_satisfied, check.reasons


def test_vacant_chair_breaks_the_working_group_composition(working_group):
    PositionHolding.objects.filter(position__title="استاندار").delete()
    states = seat_states_on(seats=list(seats_of(working_group)), on_date=g(1404, 1, 1))
    check = body_composition(body=working_group, states=states)
    assert "جایگاه «رئیس» خالی است." in check.reasons
    assert check.vacancies == 2  # the chair and the banks' council


def test_membership_in_a_full_seat_is_refused(working_group):
    seven = working_group.seats.get(order=7)
    with pytest.raises(ValidationError) as error:
        membership_create(seat=seven, person=PersonFactory(), start_date=g(1404, 1, 1))
    assert "جای خالی ندارد" in error.value.messages[0]


def test_membership_in_an_ex_officio_seat_is_refused(working_group):
    with pytest.raises(ValidationError):
        membership_create(
            seat=working_group.seats.get(order=1), person=PersonFactory(), start_date=g(1404, 1, 1)
        )
