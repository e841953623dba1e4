"""Writes about the structure: loading Article 6's bodies and seats, memberships, and the
rights that come with a secretariat seat or the governor's office."""

from __future__ import annotations

import datetime
from collections import Counter

import jdatetime
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from committees.data import article6 as S
from committees.models import (
    Body,
    LegalBasis,
    Membership,
    Seat,
    SeatKind,
)
from egov_portal.text.i18n import digits
from egov_portal.upsert import upsert
from members.models import Agency, Person, Position
from members.services import group_with_permission

SECRETARIAT_PERMISSIONS = ("committees.manage_body", "committees.view_body_records")
GOVERNOR_OFFICE_GROUP = "دفتر استاندار"


@transaction.atomic
def body_secretariat_grant(*, body: Body, user) -> None:
    """Make ``user`` staff of the body's secretariat: he runs its meetings and follow-up."""
    for perm in SECRETARIAT_PERMISSIONS:
        assign_perm(perm, user, body)


@transaction.atomic
def body_secretariat_revoke(*, body: Body, user) -> None:
    for perm in SECRETARIAT_PERMISSIONS:
        remove_perm(perm, user, body)


@transaction.atomic
def governor_office_grant(*, user) -> None:
    """Put ``user`` in the governor's office: he reads and prints everything."""
    permission = Permission.objects.get(
        content_type__app_label="committees", codename="view_everything"
    )
    group_with_permission(name=GOVERNOR_OFFICE_GROUP, permission=permission).user_set.add(user)


def membership_validate(
    *,
    seat: Seat,
    person: Person,
    start_date: datetime.date,
    end_date: datetime.date | None,
    exclude_pk: int | None = None,
) -> None:
    """Refuse a membership in an ex officio seat, a reversed period, a second overlapping
    membership of the same person, or more people than the seat has places for."""
    if seat.kind == SeatKind.BY_POST:
        raise ValidationError(
            _("جایگاه «%(seat)s» به اعتبار سمت است؛ متصدی سمت عضو است و عضویت جداگانه ندارد.")
            % {"seat": seat.title},
            code="seat_by_post",
        )
    if end_date is not None and end_date <= start_date:
        raise ValidationError(
            {"end_date": _("تاریخ پایان باید بعد از تاریخ شروع باشد.")}, code="end_before_start"
        )
    overlapping = Membership.objects.filter(seat=seat).filter(
        Q(end_date__isnull=True) | Q(end_date__gt=start_date)
    )
    if end_date is not None:
        overlapping = overlapping.filter(start_date__lt=end_date)
    if exclude_pk is not None:
        overlapping = overlapping.exclude(pk=exclude_pk)
    if any(m.person_id == person.pk for m in overlapping):
        raise ValidationError(
            _("%(person)s در این دوره عضو همین جایگاه است.") % {"person": person},
            code="duplicate_membership",
        )
    if overlapping.count() >= seat.persons_count:
        raise ValidationError(
            _("جایگاه «%(seat)s» در این دوره %(count)s نفر عضو دارد و جای خالی ندارد.")
            % {"seat": seat.title, "count": digits(seat.persons_count)},
            code="seat_full",
        )


@transaction.atomic
def membership_create(
    *,
    seat: Seat,
    person: Person,
    start_date: datetime.date,
    end_date: datetime.date | None = None,
    **letters,
) -> Membership:
    """Appoint ``person`` to ``seat`` (after proposal and approval where the seat needs them)."""
    Seat.objects.select_for_update().get(pk=seat.pk)
    membership_validate(seat=seat, person=person, start_date=start_date, end_date=end_date)
    return Membership.objects.create(
        seat=seat, person=person, start_date=start_date, end_date=end_date, **letters
    )


def _jdate(parts: tuple[int, int, int] | None):
    return jdatetime.date(*parts) if parts else None


@transaction.atomic
def structure_load(*, province: str, capital: str) -> dict[str, int]:
    """Create or bring up to date the Article 6 structure of ``province``.

    Rows are matched by their names (seats by body and order), so running it again changes
    nothing. Returns how many rows of each kind were created or updated.
    Returns how many rows were created or updated.
    """
    fill = {"province": province, "capital": capital}
    tally: Counter[str] = Counter()

    def count(kind: str, state: str) -> None:
        if state != "unchanged":
            tally[kind] += 1

    bases: dict[str, LegalBasis] = {}
    for spec in [S.ARTICLE_6, *S.FOUNDING_RESOLUTIONS]:
        values = {
            "kind": spec["kind"],
            "approving_authority": spec["approving_authority"],
            "approval_session": spec.get("approval_session", ""),
            "approval_date": _jdate(spec.get("approval_date")),
            "letter_number": spec.get("letter_number", ""),
            "letter_date": _jdate(spec.get("letter_date")),
            "text": spec["text"],
            "parent": bases.get("article6") if spec["key"] != "article6" else None,
        }
        bases[spec["key"]], state = upsert(
            LegalBasis, {"title": spec["title"], "article": spec["article"]}, values
        )
        count(_("مبنای قانونی"), state)

    agencies: dict[str, Agency] = {}
    for key, name, short, kind, sector, parent in S.AGENCIES:
        agencies[key], state = upsert(
            Agency,
            {"name": name.format(**fill)},
            {
                "short_name": short,
                "kind": kind,
                "sector": sector,
                "parent": agencies[parent] if parent else None,
            },
            fill={"salutation": S.AGENCY_SALUTATIONS.get(key, "").format(**fill)},
        )
        count(_("دستگاه"), state)

    positions: dict[str, Position] = {}
    for key, agency_key, title in S.POSITIONS:
        positions[key], state = upsert(
            Position, {"agency": agencies[agency_key], "title": title}, {"is_active": True}
        )
        count(_("سمت"), state)

    bodies: dict[str, Body] = {}
    specs = [
        *S.NATIONAL_BODIES,
        S.WORKING_GROUP,
        S.STEERING_COMMITTEE,
        *(
            {
                "key": key,
                "name": name,
                "kind": "subcommittee",
                "parent": "steering",
                "legal_basis": "resolution_jim",
                "established_date": (1394, 2, 7),
                "mandate": _("دنبال کردن دستور کار ارجاعی از کمیته راهبری."),
                "composition_text": S.SUBCOMMITTEE_RULE,
                "letter_prefix": prefix,
                "members_selected_by": "steering",
                "public_majority_required": True,
                "private_members_min": 1,
                "private_members_max": 2,
            }
            for key, name, prefix in S.SUBCOMMITTEES
        ),
    ]
    for order, spec in enumerate(specs, start=1):
        national = spec["kind"] == "national"
        values = {
            "short_name": spec.get("short_name", ""),
            "kind": spec["kind"],
            "parent": bodies[spec["parent"]] if spec.get("parent") else None,
            "legal_basis": bases[spec["legal_basis"]] if spec.get("legal_basis") else None,
            "established_date": _jdate(spec.get("established_date")),
            "mandate": spec.get("mandate", ""),
            "composition_text": spec.get("composition_text", ""),
            "letter_prefix": spec.get("letter_prefix", ""),
            "members_selected_by": bodies.get(spec.get("members_selected_by", "")),
            "public_majority_required": spec.get("public_majority_required", False),
            "private_members_min": spec.get("private_members_min"),
            "private_members_max": spec.get("private_members_max"),
            "order": order,
        }
        bodies[spec["key"]], state = upsert(
            Body, {"name": spec["name"], "jurisdiction": "" if national else province}, values
        )
        count(_("رکن"), state)

    seat_rows = []
    for order, title, role, kind, ref, persons, proposer, approver, sector in S.WORKING_GROUP_SEATS:
        seat_rows.append(
            (
                bodies["working_group"],
                order,
                title,
                role,
                kind,
                ref,
                persons,
                proposer,
                approver,
                sector,
            )
        )
    for order, title, role, kind, ref in S.STEERING_SEATS:
        seat_rows.append((bodies["steering"], order, title, role, kind, ref, 1, None, None, ""))
    for key, _name, _prefix in S.SUBCOMMITTEES:
        seat_rows.append(
            (
                bodies[key],
                1,
                S.SUBCOMMITTEE_SEAT_TITLE,
                "member",
                "nominated",
                None,
                S.SUBCOMMITTEE_SEAT_COUNT,
                None,
                None,
                "",
            )
        )
    for body, order, title, role, kind, ref, persons, proposer, approver, sector in seat_rows:
        _seat, state = upsert(
            Seat,
            {"body": body, "order": order},
            {
                "title": title.format(**fill),
                "role": role,
                "kind": kind,
                "position": positions[ref] if kind == SeatKind.BY_POST else None,
                "agency": agencies[ref] if kind == SeatKind.BY_AGENCY else None,
                "persons_count": persons,
                "proposed_by": positions[proposer] if proposer else None,
                "approved_by": positions[approver] if approver else None,
                "sector": sector,
            },
        )
        count(_("جایگاه"), state)
    return dict(tally)
