"""Writes about agencies, people and posts: each validates, runs in a transaction and
grants the permissions the relationship implies."""

from __future__ import annotations

import datetime
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from egov_portal.text.jalali import display_short
from egov_portal.text.persian import to_persian_digits
from members.models import (
    Agency,
    AgencyApiToken,
    Person,
    Position,
    PositionHolding,
    parse_address_list,
)
from members.selectors import api_token_hash, overlapping_holdings

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


# --- keys of agency systems (the directives API) -------------------------------------------

API_TOKEN_PREFIX = "egov_"
#: Longest life of a key; an administrator or the IT manager makes a new one before then.
API_TOKEN_MAX_DAYS = 730


def agency_system_account(agency: Agency):
    """The account the agency's systems act as (progress reports, receipts, the audit
    trail name it): one per agency, made on its first key; nobody can sign in with it."""
    user, created = User.objects.get_or_create(
        username=f"agency-system-{agency.pk}",
        defaults={
            "first_name": _("سامانه")[:150],
            "last_name": agency.name[:150],
            "is_active": False,
        },
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


@transaction.atomic
def agency_api_token_create(
    *,
    agency: Agency,
    name: str,
    expires_at: datetime.datetime,
    allowed_addresses: str = "",
    created_by=None,
) -> tuple[AgencyApiToken, str]:
    """A new key for ``agency``'s system. Returns the key and its secret, which is shown
    once and never stored (only its SHA-256 is)."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("نام سامانه را وارد کنید.")}, code="name")
    now = timezone.now()
    if expires_at <= now:
        raise ValidationError(
            {"expires_at": _("پایان اعتبار باید پس از اکنون باشد.")}, code="expired"
        )
    if expires_at > now + datetime.timedelta(days=API_TOKEN_MAX_DAYS):
        raise ValidationError(
            {
                "expires_at": _("اعتبار کلید حداکثر %(days)s روز است.")
                % {"days": to_persian_digits(API_TOKEN_MAX_DAYS)}
            },
            code="too_long",
        )
    addresses = "\n".join(str(n) for n in parse_address_list(allowed_addresses))
    secret = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = AgencyApiToken(
        agency=agency,
        name=name,
        prefix=secret[: len(API_TOKEN_PREFIX) + 6],
        key_hash=api_token_hash(secret),
        account=agency_system_account(agency),
        created_by=created_by,
        expires_at=expires_at,
        allowed_addresses=addresses,
    )
    token.full_clean()
    token.save()
    return token, secret


@transaction.atomic
def agency_api_token_revoke(*, token: AgencyApiToken, user=None) -> AgencyApiToken:
    """Stop a key at once (a revoked key stays listed, with who revoked it and when)."""
    token = AgencyApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.revoked_by = user
        token.save(update_fields=["revoked_at", "revoked_by", "updated_at"])
    return token
