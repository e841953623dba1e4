"""Reads for the OParl endpoint: a province's public records as the pages show them to a
visitor who is not signed in, and what the public could once see and no longer can.

Publication follows the pages' own rules, asked for an anonymous visitor: the bodies of
``visible_bodies`` (the structure page), the meetings of ``visible_meetings`` (approved
minutes marked public, the meeting page's rule) and the resolutions of
``public_resolutions`` (the public page of resolutions). A meeting is published when its
body is too, since its ``organization`` must be an object the endpoint serves.

OParl wants an object that disappears to stay, marked ``deleted`` (spec §2.8), so that a
harvester updating with ``modified_since`` learns of it. Approved minutes and resolutions
never change, so what can disappear is a body hidden from the public (with its meetings
and its seats' holders) and a membership or tenure of a post deleted by an administrator.
:class:`Withdrawals` finds them in the audit trail, which records every change to bodies,
memberships and tenures with the values before it: only what the trail shows was public
comes back as deleted, so a body that never was public stays a plain 404.

Every list is read in a fixed number of queries however many rows it has.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property

from django.contrib.auth.models import AnonymousUser
from django.db.models import (
    BooleanField,
    Case,
    DateTimeField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from committees.models import (
    AgendaItem,
    AttendanceStatus,
    Body,
    BodyKind,
    Invitation,
    LegalBasis,
    Meeting,
    Membership,
    Seat,
    SeatKind,
)
from committees.selectors.calendar import visible_meetings
from committees.selectors.structure import visible_bodies
from egov_portal.models import AuditAction, AuditEvent
from members.models import Person, PositionHolding
from resolutions.models import Directive, Resolution, overdue_q
from resolutions.selectors.register import public_resolutions

#: Who the endpoint publishes for: a visitor who is not signed in, whoever asks.
VISITOR = AnonymousUser()
#: The bodies of a province's structure; national bodies (Article 6's authorities) are not.
STRUCTURE_KINDS = (BodyKind.WORKING_GROUP, BodyKind.STEERING_COMMITTEE, BodyKind.SUBCOMMITTEE)
#: Stands in for "never" where a latest change is looked for and there is none.
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)

MEMBERSHIP_LABEL = "committees.Membership"
HOLDING_LABEL = "members.PositionHolding"
BODY_LABEL = "committees.Body"


# --- the province and its bodies --------------------------------------------------------------


def public_bodies() -> QuerySet[Body]:
    """The bodies a visitor may see (the structure page's rule)."""
    return visible_bodies(VISITOR)


def provinces() -> QuerySet[Body]:
    """The public working groups: each stands for its province, OParl's ``Body``."""
    return public_bodies().filter(kind=BodyKind.WORKING_GROUP).order_by("pk")


def province_of(*, jurisdiction: str) -> Body | None:
    """The working group of the province ``jurisdiction`` if it is public (one query)."""
    return provinces().filter(jurisdiction=jurisdiction).first()


def structure_bodies(*, province: Body) -> QuerySet[Body]:
    """The province's working group, steering committee and subcommittees, public or not."""
    return Body.objects.filter(jurisdiction=province.jurisdiction, kind__in=STRUCTURE_KINDS)


def legal_bases() -> dict[int, LegalBasis]:
    """Every legal basis by id (one query; a handful of rows), so that the chains up to
    Article 6 of many bodies are walked without a query per link."""
    return {basis.pk: basis for basis in LegalBasis.objects.all()}


def legal_chain(body: Body, bases: dict[int, LegalBasis]) -> list[LegalBasis]:
    """``Body.legal_chain()`` read from ``bases``: the body's act and those above it."""
    chain, pk, seen = [], body.legal_basis_id, set()
    while pk is not None and pk in bases and pk not in seen:
        seen.add(pk)
        chain.append(bases[pk])
        pk = bases[pk].parent_id
    return chain


# --- what the public could once see ----------------------------------------------------------


@dataclass(frozen=True)
class Removed:
    """A row deleted from the database, as the audit trail recorded it: when it was made,
    when it was deleted, and its fields just before."""

    pk: int
    created: datetime.datetime
    deleted: datetime.datetime
    values: dict


class Withdrawals:
    """Bodies hidden from the public since they were shown, and bodies, memberships and
    tenures of posts deleted, from the audit trail. Each part is read the first time it
    is asked for (one or two queries), once per request."""

    @cached_property
    def _body_events(self) -> list[dict]:
        """The bodies' creations, deletions and changes of ``is_public``, oldest first."""
        return list(
            AuditEvent.objects.filter(model=BODY_LABEL)
            .filter(Q(after__has_key="is_public") | Q(action=AuditAction.DELETE))
            .order_by("at", "pk")
            .values("object_id", "action", "at", "before", "after")
        )

    @cached_property
    def once_public(self) -> set[int]:
        """The ids of the bodies the trail shows public at some moment."""
        ids = set()
        for event in self._body_events:
            shown = event["after"].get("is_public") is True
            deleted_shown = (
                event["action"] == AuditAction.DELETE and event["before"].get("is_public") is True
            )
            if shown or deleted_shown:
                ids.add(int(event["object_id"]))
        return ids

    @cached_property
    def hidden_bodies(self) -> dict[int, datetime.datetime]:
        """The bodies that were public and are no longer, with when they were hidden."""
        hidden_at = {
            int(e["object_id"]): e["at"]
            for e in self._body_events
            if e["after"].get("is_public") is False
        }
        rows = (
            Body.objects.filter(pk__in=self.once_public)
            .exclude(pk__in=public_bodies().values("pk"))
            .values_list("pk", "updated_at")
        )
        return {pk: hidden_at.get(pk, updated) for pk, updated in rows}

    @cached_property
    def deleted_bodies(self) -> dict[int, Removed]:
        """The bodies deleted after they had been public."""
        created: dict[int, datetime.datetime] = {}
        removed = {}
        for event in self._body_events:
            pk = int(event["object_id"])
            if event["action"] == AuditAction.CREATE:
                created[pk] = event["at"]
            elif event["action"] == AuditAction.DELETE and pk in self.once_public:
                at = event["at"]
                removed[pk] = Removed(pk, created.get(pk, at), at, event["before"])
        return removed

    @cached_property
    def _removed_rows(self) -> dict[str, dict[int, Removed]]:
        """Deleted memberships and tenures of posts (two queries: the deletions, then the
        creations of those rows, for their ``created``)."""
        labels = (MEMBERSHIP_LABEL, HOLDING_LABEL)
        deleted = list(
            AuditEvent.objects.filter(model__in=labels, action=AuditAction.DELETE)
            .order_by("at", "pk")
            .values_list("model", "object_id", "at", "before")
        )
        result: dict[str, dict[int, Removed]] = {label: {} for label in labels}
        if not deleted:
            return result
        creations = AuditEvent.objects.filter(
            model__in=labels,
            action=AuditAction.CREATE,
            object_id__in={object_id for _m, object_id, _a, _b in deleted},
        ).values_list("model", "object_id", "at")
        created = {(model, object_id): at for model, object_id, at in creations}
        for model, object_id, at, before in deleted:
            pk = int(object_id)
            result[model][pk] = Removed(pk, created.get((model, object_id), at), at, before)
        return result

    @property
    def deleted_memberships(self) -> dict[int, Removed]:
        return self._removed_rows[MEMBERSHIP_LABEL]

    @property
    def deleted_holdings(self) -> dict[int, Removed]:
        return self._removed_rows[HOLDING_LABEL]


# --- seats and their holders: OParl's memberships ---------------------------------------------


@dataclass(frozen=True)
class Tenure:
    """One OParl ``Membership``: a person in a seat for a period.

    A seat filled by nomination or by an agency's representative has named memberships
    (``membership_pk``); an ex officio seat follows its post, so each tenure of the post is
    one (``holding_pk``) — as the body page's seat history shows them. ``end_date`` is the
    portal's: the first day the person no longer held the seat."""

    seat: Seat
    person_id: int
    start_date: datetime.date
    end_date: datetime.date | None
    created: datetime.datetime
    modified: datetime.datetime
    membership_pk: int | None = None
    holding_pk: int | None = None
    deleted: bool = False

    @property
    def key(self) -> tuple:
        return (
            ("m", self.membership_pk)
            if self.membership_pk
            else ("p", self.seat.pk, self.holding_pk)
        )


def _named_tenure(seat: Seat, row: Membership, *, deleted: bool = False) -> Tenure:
    return Tenure(
        seat=seat,
        person_id=row.person_id,
        start_date=row.start_date,
        end_date=row.end_date,
        created=row.created_at,
        modified=max(row.updated_at, seat.updated_at),
        membership_pk=row.pk,
        deleted=deleted,
    )


def _post_tenure(seat: Seat, holding: PositionHolding, *, deleted: bool = False) -> Tenure:
    return Tenure(
        seat=seat,
        person_id=holding.person_id,
        start_date=holding.start_date,
        end_date=holding.end_date,
        created=max(holding.created_at, seat.created_at),
        modified=max(holding.updated_at, seat.updated_at),
        holding_pk=holding.pk,
        deleted=deleted,
    )


def province_seats(*, province: Body) -> list[Seat]:
    """Every seat of the province's structure, public or not, with its body (one query)."""
    return list(
        Seat.objects.filter(body__in=structure_bodies(province=province))
        .select_related("body")
        .order_by("body__order", "body_id", "order")
    )


def seat_tenures(*, seats: list[Seat]) -> list[Tenure]:
    """Every holder each seat has had, as ``seat_history`` reads them for the body page:
    tenures of the post for ex officio seats, named memberships for the others (two
    queries, however many seats and holders)."""
    by_position: dict[int, list[Seat]] = defaultdict(list)
    for seat in seats:
        if seat.kind == SeatKind.BY_POST and seat.position_id:
            by_position[seat.position_id].append(seat)
    named = {seat.pk: seat for seat in seats if seat.kind != SeatKind.BY_POST}
    tenures = []
    if by_position:
        holdings = PositionHolding.objects.filter(position_id__in=list(by_position)).order_by(
            "start_date", "pk"
        )
        for holding in holdings:
            tenures.extend(_post_tenure(seat, holding) for seat in by_position[holding.position_id])
    if named:
        rows = Membership.objects.filter(seat_id__in=list(named)).order_by("start_date", "pk")
        tenures.extend(_named_tenure(named[row.seat_id], row) for row in rows)
    return tenures


def removed_tenures(*, seats: list[Seat], withdrawals: Withdrawals) -> list[Tenure]:
    """Tenures of ``seats`` whose row an administrator deleted, from the audit trail (no
    query beyond the trail's), marked deleted."""
    by_pk = {seat.pk: seat for seat in seats}
    by_position: dict[int, list[Seat]] = defaultdict(list)
    for seat in seats:
        if seat.kind == SeatKind.BY_POST and seat.position_id:
            by_position[seat.position_id].append(seat)
    tenures = []
    for removed in withdrawals.deleted_memberships.values():
        seat = by_pk.get(removed.values.get("seat"))
        if seat is not None and seat.kind != SeatKind.BY_POST:
            tenures.append(_removed_tenure(seat, removed, membership_pk=removed.pk))
    for removed in withdrawals.deleted_holdings.values():
        for seat in by_position.get(removed.values.get("position"), []):
            tenures.append(_removed_tenure(seat, removed, holding_pk=removed.pk))
    return tenures


def _removed_tenure(seat: Seat, removed: Removed, **key) -> Tenure:
    return Tenure(
        seat=seat,
        person_id=removed.values.get("person"),
        start_date=_date(removed.values.get("start_date")),
        end_date=_date(removed.values.get("end_date")),
        created=removed.created,
        modified=removed.deleted,
        deleted=True,
        **key,
    )


def _date(value) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


@dataclass
class ProvinceTenures:
    """Every tenure of a province's seats, split into what is published and what was
    withdrawn (a hidden body's, or a deleted row's), indexed as the views need them."""

    seats: list[Seat]
    live: list[Tenure]
    withdrawn: list[Tenure]

    @cached_property
    def live_by_person(self) -> dict[int, list[Tenure]]:
        result: dict[int, list[Tenure]] = defaultdict(list)
        for tenure in self.live:
            result[tenure.person_id].append(tenure)
        return result

    @cached_property
    def withdrawn_by_person(self) -> dict[int, list[Tenure]]:
        result: dict[int, list[Tenure]] = defaultdict(list)
        for tenure in self.withdrawn:
            result[tenure.person_id].append(tenure)
        return result

    def find(self, key: tuple) -> Tenure | None:
        """The published tenure with ``key``, else the withdrawn one, else None."""
        for tenure in (*self.live, *self.withdrawn):
            if tenure.key == key:
                return tenure
        return None

    def of_body(self, body_pk: int) -> list[Tenure]:
        return [t for t in self.live if t.seat.body_id == body_pk]


def province_tenures(*, province: Body, withdrawals: Withdrawals) -> ProvinceTenures:
    """Every tenure of the province's seats (three queries, plus the audit trail's): those
    of public bodies are published; those of bodies hidden since they were public, and
    those whose row was deleted, are withdrawn."""
    seats = province_seats(province=province)
    public = set(
        public_bodies().filter(pk__in={s.body_id for s in seats}).values_list("pk", flat=True)
    )
    live, withdrawn = [], []
    for tenure in seat_tenures(seats=seats):
        if tenure.seat.body_id in public:
            live.append(tenure)
        elif tenure.seat.body_id in withdrawals.hidden_bodies:
            withdrawn.append(_withdrawn(tenure, withdrawals.hidden_bodies[tenure.seat.body_id]))
    shown_once = public | set(withdrawals.hidden_bodies)
    for tenure in removed_tenures(seats=seats, withdrawals=withdrawals):
        if tenure.seat.body_id in shown_once and tenure.person_id is not None:
            withdrawn.append(tenure)
    return ProvinceTenures(seats=seats, live=live, withdrawn=withdrawn)


def _withdrawn(tenure: Tenure, at: datetime.datetime) -> Tenure:
    return dataclasses.replace(tenure, modified=max(tenure.modified, at), deleted=True)


# --- people -------------------------------------------------------------------------------------


def _holders(seats: QuerySet[Seat]) -> Q:
    """Whoever held one of ``seats``: by a named membership, or by a tenure of the post an
    ex officio seat follows (as a subquery)."""
    named = Membership.objects.filter(seat__in=seats.exclude(kind=SeatKind.BY_POST))
    by_post = PositionHolding.objects.filter(
        position__in=seats.filter(kind=SeatKind.BY_POST).values("position_id")
    )
    return Q(pk__in=named.values("person_id")) | Q(pk__in=by_post.values("person_id"))


def _latest(queryset: QuerySet, field: str) -> Coalesce:
    """The latest ``field`` of the person's rows in ``queryset``, or :data:`EPOCH`."""
    latest = (
        queryset.filter(person=OuterRef("pk"))
        .order_by()
        .values("person")
        .annotate(latest=Max(field))
        .values("latest")
    )
    return Coalesce(Subquery(latest, output_field=DateTimeField()), Value(EPOCH))


def person_modified() -> Greatest:
    """When what the endpoint says of a person last changed: the person, his memberships and
    tenures of posts, their seats (a seat's title is the membership's role) and their
    bodies (a hidden body takes his memberships there away)."""
    holdings = PositionHolding.objects.filter(position__seats__isnull=False)
    return Greatest(
        "updated_at",
        _latest(Membership.objects.all(), "updated_at"),
        _latest(Membership.objects.all(), "seat__updated_at"),
        _latest(Membership.objects.all(), "seat__body__updated_at"),
        _latest(holdings, "updated_at"),
        _latest(holdings, "position__seats__updated_at"),
        _latest(holdings, "position__seats__body__updated_at"),
        output_field=DateTimeField(),
    )


def person_queryset(*, province: Body, tenures: ProvinceTenures | None = None) -> QuerySet[Person]:
    """The people who held a seat of the province's public bodies, with ``oparl_modified``.

    With ``tenures``, also those whose every published membership was withdrawn since,
    annotated ``oparl_deleted``."""
    public_seats = Seat.objects.filter(
        body__in=structure_bodies(province=province).filter(pk__in=public_bodies().values("pk"))
    )
    shown = _holders(public_seats)
    if tenures is None:
        qs = Person.objects.filter(shown)
        deleted = Value(False, output_field=BooleanField())
    else:
        qs = Person.objects.filter(shown | Q(pk__in=list(tenures.withdrawn_by_person)))
        deleted = Case(When(shown, then=Value(False)), default=Value(True))
    # Only what the endpoint publishes is read: never the national code, mobile or e-mail.
    return (
        qs.only("pk", "created_at", "updated_at", "first_name", "last_name", "title")
        .annotate(oparl_modified=person_modified(), oparl_deleted=deleted)
        .order_by("pk")
    )


def person_removals(tenures: ProvinceTenures) -> dict[int, datetime.datetime]:
    """For each person with a deleted membership or tenure: when the latest was deleted
    (the database no longer holds the row, so the person's ``oparl_modified`` cannot)."""
    latest: dict[int, datetime.datetime] = {}
    for tenure in tenures.withdrawn:
        if tenure.membership_pk or tenure.holding_pk:
            previous = latest.get(tenure.person_id)
            if previous is None or tenure.modified > previous:
                latest[tenure.person_id] = tenure.modified
    return latest


def held_on(tenures: list[Tenure], *, on_date: datetime.date) -> list[Tenure]:
    """The tenures in force on ``on_date`` (the end date is the first day no longer held)."""
    return [
        t
        for t in tenures
        if t.start_date <= on_date and (t.end_date is None or t.end_date > on_date)
    ]


# --- meetings, their agenda, their minutes --------------------------------------------------------


def meeting_queryset(
    *, province: Body, withdrawals: Withdrawals | None = None
) -> QuerySet[Meeting]:
    """The province's meetings whose approved minutes a visitor may read (the meeting
    page's rule), of public bodies, with their body and minutes and ``oparl_modified``.

    With ``withdrawals``, also those of bodies hidden since they were public, annotated
    ``oparl_deleted`` (approved minutes never change, so a meeting leaves no other way)."""
    shown = Q(body__in=public_bodies())
    qs = visible_meetings(VISITOR).filter(body__in=structure_bodies(province=province))
    if withdrawals is None:
        qs = qs.filter(shown)
    else:
        qs = qs.filter(shown | Q(body_id__in=list(withdrawals.hidden_bodies)))
    return (
        qs.select_related("body", "minutes")
        .annotate(
            oparl_modified=Greatest(
                "updated_at",
                "body__updated_at",
                Coalesce("minutes__updated_at", "updated_at"),
                output_field=DateTimeField(),
            ),
            oparl_deleted=Case(When(shown, then=Value(False)), default=Value(True)),
        )
        .order_by("pk")
    )


def agenda_of(meetings: list[Meeting]) -> dict[int, list[AgendaItem]]:
    """Each meeting's agenda in order (one query)."""
    result: dict[int, list[AgendaItem]] = defaultdict(list)
    if meetings:
        items = AgendaItem.objects.filter(meeting__in=[m.pk for m in meetings]).order_by(
            "meeting_id", "order", "pk"
        )
        for item in items:
            result[item.meeting_id].append(item)
    return result


def participants_of(meetings: list[Meeting], *, province: Body) -> dict[int, list[int]]:
    """The people recorded present at each meeting, among those the endpoint publishes —
    the minutes print every attendee's name (one query)."""
    result: dict[int, list[int]] = defaultdict(list)
    if meetings:
        rows = (
            Invitation.objects.filter(
                meeting__in=[m.pk for m in meetings],
                attendance=AttendanceStatus.PRESENT,
                person__in=person_queryset(province=province).values("pk"),
            )
            .order_by("meeting_id", "person_id")
            .values_list("meeting_id", "person_id")
        )
        for meeting_id, person_id in rows:
            result[meeting_id].append(person_id)
    return result


# --- resolutions: OParl's papers ----------------------------------------------------------------


def overdue_moment(due: datetime.date | None) -> datetime.datetime | None:
    """When a directive due on ``due`` turned overdue: the start of the next day (the
    overdue rule compares the deadline with today)."""
    if due is None:
        return None
    if hasattr(due, "togregorian"):  # the Jalali date field's value
        due = due.togregorian()
    return timezone.make_aware(datetime.datetime.combine(due, datetime.time.min)) + (
        datetime.timedelta(days=1)
    )


def first_due_overdue_since(moment: datetime.datetime) -> datetime.date:
    """The earliest deadline whose :func:`overdue_moment` is at or after ``moment``."""
    local = timezone.localtime(moment)
    if local.time() == datetime.time.min:
        return local.date() - datetime.timedelta(days=1)
    return local.date()


def last_due_overdue_by(moment: datetime.datetime) -> datetime.date:
    """The latest deadline whose :func:`overdue_moment` is at or before ``moment``."""
    return timezone.localtime(moment).date() - datetime.timedelta(days=1)


def paper_queryset(*, province: Body) -> QuerySet[Resolution]:
    """The province's resolutions the public page of resolutions shows, with their meeting
    and body and when their text or their directives last changed (``oparl_changed``) and
    the latest deadline among their overdue directives (``oparl_overdue_due``): their
    progress, which the endpoint publishes, changes then too. Approved resolutions never
    change, so a paper is never deleted."""
    today = timezone.localdate()
    directives = Directive.objects.filter(resolution=OuterRef("pk")).order_by().values("resolution")
    changed = directives.annotate(latest=Max("updated_at")).values("latest")
    overdue = directives.filter(overdue_q(today)).annotate(latest=Max("due_date")).values("latest")
    meeting_shown = visible_meetings(VISITOR).filter(body__in=public_bodies())
    return (
        public_resolutions()
        .filter(meeting__body__in=structure_bodies(province=province))
        .select_related("meeting__body", "meeting__minutes")
        .annotate(
            oparl_changed=Greatest(
                "updated_at",
                Coalesce(Subquery(changed, output_field=DateTimeField()), "updated_at"),
                output_field=DateTimeField(),
            ),
            oparl_overdue_due=Subquery(overdue),
            oparl_meeting_shown=Case(
                When(meeting__in=meeting_shown.values("pk"), then=Value(True)),
                default=Value(False),
            ),
            oparl_body_shown=Case(
                When(meeting__body__in=public_bodies().values("pk"), then=Value(True)),
                default=Value(False),
            ),
        )
        .order_by("pk")
    )


def paper_modified(resolution: Resolution) -> datetime.datetime:
    """When what the endpoint says of a paper last changed (see :func:`paper_queryset`)."""
    overdue = overdue_moment(resolution.oparl_overdue_due)
    return max(resolution.oparl_changed, overdue) if overdue else resolution.oparl_changed


def related_papers(resolutions: list[Resolution]) -> dict[int, list[int]]:
    """For each resolution, the public resolutions it amends or that amend it (one query)."""
    result: dict[int, list[int]] = defaultdict(list)
    if not resolutions:
        return result
    ids = [r.pk for r in resolutions]
    amended = [r.amends_id for r in resolutions if r.amends_id]
    rows = (
        public_resolutions()
        .filter(Q(pk__in=amended) | Q(amends_id__in=ids))
        .values_list("pk", "amends_id")
    )
    wanted = set(ids)
    for pk, amends_id in rows:
        if amends_id in wanted:
            result[amends_id].append(pk)
        for resolution in resolutions:
            if resolution.amends_id == pk:
                result[resolution.pk].append(pk)
    return {pk: sorted(set(related)) for pk, related in result.items()}
