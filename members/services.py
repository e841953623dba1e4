"""Writes about agencies, people and posts: each validates, runs in a transaction and
grants the permissions the relationship implies."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from egov_portal.text.jalali import display_short
from members.models import Agency, Person, Position, PositionHolding
from members.selectors import overlapping_holdings

User = get_user_model()

IT_MANAGER_PERMISSION = "members.manage_agency_directives"


def holding_validate_period(
    *,
    position: Position,
    start_date: datetime.date,
    end_date: datetime.date | None,
    exclude_pk: int | None = None,
) -> None:
    """Refuse a tenure that ends before it starts or shares a day with another holder's."""
    if end_date is not None and end_date <= start_date:
        raise ValidationError(
            {"end_date": _("تاریخ پایان باید بعد از تاریخ شروع باشد.")}, code="end_before_start"
        )
    clash = overlapping_holdings(
        position=position, start_date=start_date, end_date=end_date, exclude_pk=exclude_pk
    ).first()
    if clash is not None:
        until = display_short(clash.end_date) if clash.end_date else _("اکنون")
        raise ValidationError(
            _(
                "این دوره با تصدی %(person)s در سمت «%(position)s» از %(start)s تا %(end)s "
                "هم‌پوشانی دارد؛ هر سمت در هر روز یک متصدی دارد."
            )
            % {
                "person": clash.person,
                "position": position,
                "start": display_short(clash.start_date),
                "end": until,
            },
            code="overlapping_holding",
        )


@transaction.atomic
def position_holding_create(
    *,
    position: Position,
    person: Person,
    start_date: datetime.date,
    end_date: datetime.date | None = None,
    letter_number: str = "",
    letter_date: datetime.date | None = None,
    end_current: bool = False,
) -> PositionHolding:
    """Record that ``person`` holds ``position`` from ``start_date``.

    With ``end_current`` the holding open at ``start_date`` (the predecessor's) is ended on
    that day, which is how an appointment replaces a governor. Overlaps are refused.
    """
    Position.objects.select_for_update().get(pk=position.pk)  # serialise appointments to a post
    if end_current:
        current = (
            PositionHolding.objects.filter(
                position=position, end_date__isnull=True, start_date__lt=start_date
            )
            .select_for_update()
            .first()
        )
        if current is not None:
            current.end_date = start_date
            current.save(update_fields=["end_date", "updated_at"])
    holding_validate_period(position=position, start_date=start_date, end_date=end_date)
    return PositionHolding.objects.create(
        position=position,
        person=person,
        start_date=start_date,
        end_date=end_date,
        appointment_letter_number=letter_number,
        appointment_letter_date=letter_date,
    )


@transaction.atomic
def agency_it_manager_grant(*, agency: Agency, user) -> None:
    """Make ``user`` an IT manager of ``agency``: he acts on its directives."""
    assign_perm(IT_MANAGER_PERMISSION, user, agency)


@transaction.atomic
def agency_it_manager_revoke(*, agency: Agency, user) -> None:
    remove_perm(IT_MANAGER_PERMISSION, user, agency)


def user_account_for_person(
    *, person: Person, username: str, password: str, is_staff: bool = False
):
    """Create (or update) the sign-in account of ``person`` and link it."""
    user, _created = User.objects.get_or_create(username=username)
    user.first_name = person.first_name
    user.last_name = person.last_name
    user.email = person.email
    user.is_staff = is_staff or user.is_staff
    user.is_active = True
    user.set_password(password)
    user.save()
    if person.user_id != user.pk:
        person.user = user
        person.save(update_fields=["user", "updated_at"])
    return user


def group_with_permission(*, name: str, permission) -> Group:
    group, _created = Group.objects.get_or_create(name=name)
    group.permissions.add(permission)
    return group
