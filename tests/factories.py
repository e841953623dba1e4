"""factory_boy factories for the portal's models."""

from __future__ import annotations

import factory
import jdatetime
from django.contrib.auth import get_user_model

from committees.models import Body, BodyKind, Membership, Seat, SeatKind, SeatRole
from members.models import Agency, Person, Position, PositionHolding, Sector
from resolutions.data.demo import national_code


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    name = factory.Sequence(lambda n: f"اداره کل آزمایشی {n}")
    sector = Sector.PUBLIC


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    first_name = factory.Sequence(lambda n: f"نام{n}")
    last_name = factory.Sequence(lambda n: f"خانوادگی{n}")
    national_code = factory.Sequence(lambda n: national_code(f"{900000000 + n:09d}"))
    agency = factory.SubFactory(AgencyFactory)


class PositionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Position

    agency = factory.SubFactory(AgencyFactory)
    title = factory.Sequence(lambda n: f"سمت {n}")


class PositionHoldingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PositionHolding

    position = factory.SubFactory(PositionFactory)
    person = factory.SubFactory(PersonFactory)
    start_date = jdatetime.date(1400, 1, 1)


class BodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Body

    name = factory.Sequence(lambda n: f"کمیته آزمایشی {n}")
    kind = BodyKind.SUBCOMMITTEE
    jurisdiction = "گیلان"


class SeatFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Seat

    body = factory.SubFactory(BodyFactory)
    order = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"جایگاه {n}")
    role = SeatRole.MEMBER
    kind = SeatKind.NOMINATED


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    seat = factory.SubFactory(SeatFactory)
    person = factory.SubFactory(PersonFactory)
    start_date = jdatetime.date(1400, 1, 1)
