"""Who may do what with a body and its meetings, and the lookups views use to enforce it.

Outsiders get 404 for a meeting they may not see (its existence does not leak); people who
may see it but not act get 403.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from guardian.core import ObjectPermissionChecker
from guardian.shortcuts import get_objects_for_user

from committees.models import Body, Meeting, MeetingState, Membership, Seat, SeatKind, SeatRole
from members.models import Person, PositionHolding


@dataclass(frozen=True)
class BodyAccess:
    """A user's standing in a body on a date."""

    secretariat: bool = False
    chair: bool = False
    member: bool = False
    reads_everything: bool = False

    @property
    def reads_records(self) -> bool:
        return self.secretariat or self.chair or self.member or self.reads_everything

    @property
    def manages(self) -> bool:
        return self.secretariat


def _person(user) -> Person | None:
    if not user.is_authenticated:
        return None
    try:
        return user.person
    except Person.DoesNotExist:
        return None


def seats_held(*, person: Person, body: Body, on_date: datetime.date) -> list[Seat]:
    """The seats of ``body`` that ``person`` holds on ``on_date`` (two queries)."""
    position_ids = (
        PositionHolding.objects.filter(person=person, start_date__lte=on_date)
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=on_date))
        .values("position_id")
    )
    member_seat_ids = (
        Membership.objects.filter(person=person, start_date__lte=on_date)
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=on_date))
        .values("seat_id")
    )
    return list(
        Seat.objects.filter(body=body).filter(
            Q(kind=SeatKind.BY_POST, position_id__in=position_ids) | Q(pk__in=member_seat_ids)
        )
    )


def reads_every_body(user) -> bool:
    """The governor's office (``committees.view_everything``) and administrators read every
    body, meeting and document; the one rule for it."""
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.has_perm("committees.view_everything"))
    )


def secretariat_body_ids(user) -> QuerySet:
    """The ids of the bodies whose secretariat ``user`` is on, himself or through a group."""
    return get_objects_for_user(
        user, "committees.manage_body", klass=Body, accept_global_perms=False
    ).values("pk")


def body_access(user, body: Body, on_date: datetime.date | None = None) -> BodyAccess:
    """What ``user`` may do in ``body``: secretariat and explicit chair rights are guardian
    object permissions; membership and the chair's seat follow the seats held on the date."""
    if not user.is_authenticated or not user.is_active:
        return BodyAccess()
    if user.is_superuser:
        return BodyAccess(secretariat=True, chair=True, member=True, reads_everything=True)
    on_date = on_date or timezone.localdate()
    checker = ObjectPermissionChecker(user)
    perms = set(checker.get_perms(body))
    person = _person(user)
    seats = seats_held(person=person, body=body, on_date=on_date) if person else []
    return BodyAccess(
        secretariat="manage_body" in perms,
        chair="chair_body" in perms or any(s.role == SeatRole.CHAIR for s in seats),
        member=bool(seats) or "view_body_records" in perms,
        reads_everything=reads_every_body(user),
    )


def is_invited(user, meeting: Meeting) -> bool:
    person = _person(user)
    return bool(person) and meeting.invitations.filter(person=person).exists()


def meeting_for_user(user, pk: int, *, queryset=None) -> tuple[Meeting, BodyAccess]:
    """The meeting ``pk`` if ``user`` may read it, with his access to its body; else 404.

    Readers: the body's secretariat, chair and members, the governor's office, anyone
    invited to the meeting, and everyone for approved minutes marked public.
    """
    qs = queryset if queryset is not None else Meeting.objects.select_related("body")
    meeting = qs.filter(pk=pk).first()
    if meeting is None:
        raise Http404
    access = body_access(user, meeting.body)
    public = meeting.is_public and meeting.state == MeetingState.APPROVED
    if not (access.reads_records or public or is_invited(user, meeting)):
        raise Http404
    return meeting, access


def require(condition: bool) -> None:
    """403 for a reader who lacks the right to act."""
    if not condition:
        raise PermissionDenied


def body_for_user(user, pk: int) -> tuple[Body, BodyAccess]:
    """The body ``pk`` with the user's access to it, if he may read its records; else 404."""
    body = Body.objects.filter(pk=pk).first()
    if body is None:
        raise Http404
    access = body_access(user, body)
    if not access.reads_records:
        raise Http404
    return body, access
