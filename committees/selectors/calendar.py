"""Reads for the meeting calendar: which meetings a user may see, and a Jalali month of them.

The visibility rule is the one ``permissions.meeting_for_user`` applies to a single meeting,
written as one query over all bodies: the governor's office and administrators see every
meeting; other signed-in users the meetings of bodies whose records they read (secretariat,
chair, holders of a seat today, explicit readers) and the meetings they are invited to;
everyone the approved meetings marked public.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass, field

import jdatetime
from django.db.models import Q, QuerySet
from django.utils import timezone

from committees.models import (
    Body,
    BodyGroupObjectPermission,
    BodyUserObjectPermission,
    CalendarFeedToken,
    Invitation,
    Meeting,
    MeetingState,
    Membership,
    Seat,
    SeatKind,
)
from committees.notifications import meeting_path
from committees.permissions import reads_every_body
from egov_portal.text.jalali import MAX_YEAR, MIN_YEAR, PERSIAN_WEEKDAYS, jalali_month_bounds
from members.models import PositionHolding

# The object permissions that let a user read a body's records (see ``body_access``).
READING_PERMISSIONS = ("manage_body", "chair_body", "view_body_records")

FLAGGED_STATES = {MeetingState.DRAFT, MeetingState.POSTPONED, MeetingState.CANCELLED}

# Python's weekday() numbers from Saturday, the first day of the Iranian week, to Friday.
WEEK_FROM_SATURDAY = (5, 6, 0, 1, 2, 3, 4)
WEEKDAY_NAMES = tuple(PERSIAN_WEEKDAYS[n] for n in WEEK_FROM_SATURDAY)


def _in_force(on_date: datetime.date) -> Q:
    return Q(start_date__lte=on_date) & (Q(end_date__isnull=True) | Q(end_date__gt=on_date))


def readable_body_ids(user, *, on_date: datetime.date) -> QuerySet:
    """A subquery of the ids of bodies whose records ``user`` reads through an object
    permission (his own or his groups') or a seat he holds on ``on_date``."""
    granted = BodyUserObjectPermission.objects.filter(
        user=user, permission__codename__in=READING_PERMISSIONS
    ).values("content_object_id")
    granted_to_groups = BodyGroupObjectPermission.objects.filter(
        group__user=user, permission__codename__in=READING_PERMISSIONS
    ).values("content_object_id")
    posts = PositionHolding.objects.filter(_in_force(on_date), person__user=user).values(
        "position_id"
    )
    memberships = Membership.objects.filter(_in_force(on_date), person__user=user).values("seat_id")
    seated = Seat.objects.filter(
        Q(kind=SeatKind.BY_POST, position_id__in=posts) | Q(pk__in=memberships)
    ).values("body_id")
    return Body.objects.filter(
        Q(pk__in=granted) | Q(pk__in=granted_to_groups) | Q(pk__in=seated)
    ).values("pk")


def visible_meetings(user, *, on_date: datetime.date | None = None) -> QuerySet[Meeting]:
    """Every meeting ``user`` may see, as one query (plus the user's global permissions)."""
    public = Q(state=MeetingState.APPROVED, is_public=True)
    if not user.is_authenticated or not user.is_active:
        return Meeting.objects.filter(public)
    if reads_every_body(user):
        return Meeting.objects.all()
    on_date = on_date or timezone.localdate()
    invited = Invitation.objects.filter(person__user=user).values("meeting_id")
    return Meeting.objects.filter(
        public | Q(body_id__in=readable_body_ids(user, on_date=on_date)) | Q(pk__in=invited)
    )


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


@dataclass(frozen=True)
class CalendarEntry:
    meeting: Meeting
    url: str

    @property
    def is_cancelled(self) -> bool:
        return self.meeting.state == MeetingState.CANCELLED

    @property
    def flag(self) -> str:
        """The state worth a badge: a draft, a postponed or a cancelled meeting."""
        return self.meeting.get_state_display() if self.meeting.state in FLAGGED_STATES else ""


@dataclass
class CalendarDay:
    date: jdatetime.date
    is_today: bool
    entries: list[CalendarEntry] = field(default_factory=list)

    @property
    def iso(self) -> str:
        return f"{self.date.year:04d}-{self.date.month:02d}-{self.date.day:02d}"


@dataclass
class CalendarMonth:
    """A Jalali month as weeks from Saturday; days of other months are ``None``."""

    year: int
    month: int
    weeks: list[list[CalendarDay | None]]
    count: int
    previous: tuple[int, int] | None
    next: tuple[int, int] | None
    weekday_names: tuple[str, ...] = WEEKDAY_NAMES


def _shift(year: int, month: int, by: int) -> tuple[int, int] | None:
    index = year * 12 + (month - 1) + by
    year, month = divmod(index, 12)
    return (year, month + 1) if MIN_YEAR <= year <= MAX_YEAR else None


def month_calendar(
    *, user, year: int, month: int, body: Body | None = None, today: jdatetime.date
) -> CalendarMonth:
    """The meetings ``user`` may see in the Jalali ``month`` of ``year`` (of ``body`` only,
    if given), laid out by day. One query for the meetings however many there are."""
    first, last = jalali_month_bounds(year, month)
    meetings = visible_meetings(user).filter(
        starts_at__gte=_local_midnight(first),
        starts_at__lt=_local_midnight(last + datetime.timedelta(days=1)),
    )
    if body is not None:
        meetings = meetings.filter(body=body)
    by_day: dict[datetime.date, list[CalendarEntry]] = {}
    count = 0
    for meeting in meetings.select_related("body").order_by("starts_at", "pk"):
        day = timezone.localtime(meeting.starts_at).date()
        by_day.setdefault(day, []).append(CalendarEntry(meeting, meeting_path(meeting)))
        count += 1

    weeks: list[list[CalendarDay | None]] = []
    week: list[CalendarDay | None] = [None] * jdatetime.date.fromgregorian(date=first).weekday()
    day = first
    while day <= last:
        jday = jdatetime.date.fromgregorian(date=day)
        week.append(CalendarDay(jday, jday == today, by_day.get(day, [])))
        if len(week) == 7:
            weeks.append(week)
            week = []
        day += datetime.timedelta(days=1)
    if week:
        weeks.append(week + [None] * (7 - len(week)))
    return CalendarMonth(
        year=year,
        month=month,
        weeks=weeks,
        count=count,
        previous=_shift(year, month, -1),
        next=_shift(year, month, 1),
    )


# --- secret calendar addresses ------------------------------------------------------------

#: How far back a secret calendar address lists meetings.
FEED_PAST_DAYS = 365


def feed_key_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def calendar_feed_for_secret(secret: str) -> CalendarFeedToken | None:
    """The live address whose secret is ``secret``, of an active user; else None."""
    return (
        CalendarFeedToken.objects.select_related("user")
        .filter(key_hash=feed_key_hash(secret), revoked_at__isnull=True, user__is_active=True)
        .first()
    )


def calendar_feed_live(*, user) -> CalendarFeedToken | None:
    return CalendarFeedToken.objects.filter(user=user, revoked_at__isnull=True).first()


def feed_meetings(user) -> QuerySet[Meeting]:
    """What ``user``'s secret address lists: the meetings he may see (the calendar's own
    rule, :func:`visible_meetings`) from a year back on, drafts aside."""
    since = timezone.now() - datetime.timedelta(days=FEED_PAST_DAYS)
    return (
        visible_meetings(user)
        .exclude(state=MeetingState.DRAFT)
        .filter(starts_at__gte=since)
        .select_related("body")
        .order_by("starts_at", "pk")
    )
