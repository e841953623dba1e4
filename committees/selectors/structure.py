"""Reads about bodies and seats: who holds a seat on a date, seat history, composition."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Max, Min, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import get_objects_for_user

from committees.models import Body, BodyKind, Membership, Seat, SeatKind, SeatRole
from committees.permissions import reads_every_body
from committees.selectors.meetings import user_meetings
from egov_portal.memo import per_user
from egov_portal.notifications.services import unread_for
from egov_portal.page_cache import kept
from egov_portal.text.i18n import digits
from members.models import Agency, Person, PositionHolding, Sector
from members.selectors import holdings_on, person_current_holdings, person_for_user


@dataclass(frozen=True)
class SeatHolder:
    """A person in a seat on a date, and where that comes from."""

    person: Person
    start_date: datetime.date
    end_date: datetime.date | None
    source: str  # "post" or "membership"

    @property
    def sector(self) -> str:
        agency = self.person.agency
        return agency.sector if agency else ""


@dataclass
class SeatState:
    seat: Seat
    holders: list[SeatHolder] = field(default_factory=list)

    @property
    def vacancies(self) -> int:
        return max(self.seat.persons_count - len(self.holders), 0)

    @property
    def is_vacant(self) -> bool:
        return not self.holders

    def sector_of(self, holder: SeatHolder) -> str:
        seat = self.seat
        if seat.sector:
            return seat.sector
        if seat.kind == SeatKind.BY_POST and seat.position_id:
            return seat.position.agency.sector
        if seat.kind == SeatKind.BY_AGENCY and seat.agency_id:
            return seat.agency.sector
        return holder.sector


def seats_of(body: Body) -> QuerySet[Seat]:
    return body.seats.select_related(
        "position", "position__agency", "agency", "proposed_by", "approved_by"
    ).order_by("order")


def seat_states_on(*, seats: Sequence[Seat], on_date: datetime.date) -> list[SeatState]:
    """Each seat with its holders on ``on_date``: a post's holder for ex officio seats, the
    open memberships otherwise. Two queries, however many seats."""
    position_ids = [s.position_id for s in seats if s.kind == SeatKind.BY_POST and s.position_id]
    by_position = holdings_on(position_ids=position_ids, on_date=on_date) if position_ids else {}
    member_seat_ids = [s.pk for s in seats if s.kind != SeatKind.BY_POST]
    by_seat: dict[int, list[SeatHolder]] = defaultdict(list)
    if member_seat_ids:
        memberships = (
            Membership.objects.filter(seat_id__in=member_seat_ids, start_date__lte=on_date)
            .filter(Q(end_date__isnull=True) | Q(end_date__gt=on_date))
            .select_related("person", "person__agency")
            .order_by("seat_id", "start_date", "pk")
        )
        for m in memberships:
            by_seat[m.seat_id].append(SeatHolder(m.person, m.start_date, m.end_date, "membership"))
    states = []
    for seat in seats:
        if seat.kind == SeatKind.BY_POST:
            holding = by_position.get(seat.position_id)
            holders = (
                [SeatHolder(holding.person, holding.start_date, holding.end_date, "post")]
                if holding
                else []
            )
        else:
            holders = by_seat.get(seat.pk, [])
        states.append(SeatState(seat=seat, holders=holders))
    return states


def seat_holders_on(*, seat: Seat, on_date: datetime.date) -> list[Person]:
    """Who holds ``seat`` on ``on_date`` (empty when vacant)."""
    return [h.person for h in seat_states_on(seats=[seat], on_date=on_date)[0].holders]


def seat_history(*, seats: Iterable[Seat]) -> dict[int, list[SeatHolder]]:
    """Every holder each seat has had, newest first (two queries, however many seats)."""
    seats = list(seats)
    history: dict[int, list[SeatHolder]] = {s.pk: [] for s in seats}
    seats_by_position: dict[int, list[int]] = defaultdict(list)
    for s in seats:
        if s.kind == SeatKind.BY_POST and s.position_id:
            seats_by_position[s.position_id].append(s.pk)
    if seats_by_position:
        holdings = PositionHolding.objects.filter(
            position_id__in=list(seats_by_position)
        ).select_related("person", "person__agency")
        for h in holdings:
            for seat_id in seats_by_position[h.position_id]:
                history[seat_id].append(SeatHolder(h.person, h.start_date, h.end_date, "post"))
    other_ids = [s.pk for s in seats if s.kind != SeatKind.BY_POST]
    if other_ids:
        for m in Membership.objects.filter(seat_id__in=other_ids).select_related(
            "person", "person__agency"
        ):
            history[m.seat_id].append(SeatHolder(m.person, m.start_date, m.end_date, "membership"))
    for holders in history.values():
        holders.sort(key=lambda h: h.start_date, reverse=True)
    return history


@dataclass
class CompositionCheck:
    """Whether a body's current membership satisfies its composition rules, and why not."""

    capacity: int
    filled: int
    public: int
    private: int
    unknown_sector: int
    vacant_roles: list[str]
    reasons: list[str]

    @property
    def vacancies(self) -> int:
        return max(self.capacity - self.filled, 0)

    @property
    def is_satisfied(self) -> bool:
        return not self.reasons


def body_composition(*, body: Body, states: Sequence[SeatState]) -> CompositionCheck:
    """Count members by sector, find vacant required roles and test the body's rules."""
    fa = digits
    public = private = unknown = filled = capacity = 0
    vacant_roles = []
    for state in states:
        capacity += state.seat.persons_count
        holders = state.holders[: state.seat.persons_count]
        filled += len(holders)
        for holder in holders:
            sector = state.sector_of(holder)
            if sector == Sector.PUBLIC:
                public += 1
            elif sector == Sector.PRIVATE:
                private += 1
            else:
                unknown += 1
        if state.is_vacant and state.seat.role != "member":
            vacant_roles.append(state.seat.get_role_display())
    reasons = []
    for role in vacant_roles:
        reasons.append(_("جایگاه «%(role)s» خالی است.") % {"role": role})
    if body.public_majority_required and filled and public * 2 <= filled:
        reasons.append(
            _(
                "اکثریت اعضا باید از بخش دولتی باشند؛ اکنون %(public)s نفر از %(filled)s نفر دولتی‌اند."
            )
            % {"public": fa(public), "filled": fa(filled)}
        )
    low, high = body.private_members_min, body.private_members_max
    if (low is not None and private < low) or (high is not None and private > high):
        if low is not None and high is not None:
            rule = _("بین %(low)s و %(high)s نفر") % {"low": fa(low), "high": fa(high)}
        elif low is not None:
            rule = _("دست‌کم %(low)s نفر") % {"low": fa(low)}
        else:
            rule = _("حداکثر %(high)s نفر") % {"high": fa(high)}
        reasons.append(
            _("اعضای بخش خصوصی باید %(rule)s باشند؛ اکنون %(private)s نفرند.")
            % {"rule": rule, "private": fa(private)}
        )
    if capacity == 0:
        reasons.append(_("هنوز جایگاهی برای این رکن تعریف نشده است."))
    return CompositionCheck(
        capacity=capacity,
        filled=filled,
        public=public,
        private=private,
        unknown_sector=unknown,
        vacant_roles=vacant_roles,
        reasons=reasons,
    )


def structure_bodies() -> list[Body]:
    """Every public body, parents before children, with legal basis (one query)."""
    return list(
        Body.objects.filter(is_public=True)
        .select_related("legal_basis", "legal_basis__parent", "parent", "members_selected_by")
        .order_by("order", "pk")
    )


def working_group(bodies: Sequence[Body]) -> Body | None:
    return next((b for b in bodies if b.kind == BodyKind.WORKING_GROUP), None)


def structure_timestamps() -> tuple[datetime.datetime | None, datetime.datetime | None]:
    """When the structure was first recorded and last edited (bodies and seats)."""
    bodies = Body.objects.aggregate(first=Min("created_at"), last=Max("updated_at"))
    seats = Seat.objects.aggregate(first=Min("created_at"), last=Max("updated_at"))
    firsts = [v for v in (bodies["first"], seats["first"]) if v]
    lasts = [v for v in (bodies["last"], seats["last"]) if v]
    return (min(firsts) if firsts else None, max(lasts) if lasts else None)


def body_ancestors(body: Body) -> list[Body]:
    result, node, seen = [], body.parent, {body.pk}
    while node is not None and node.pk not in seen:
        seen.add(node.pk)
        result.append(node)
        node = node.parent
    return result


def bodies_of_user(*, user, person: Person | None, on_date: datetime.date) -> dict[int, dict]:
    """The bodies where ``user`` holds a seat on ``on_date`` or serves as secretariat.

    Returns ``{body_id: {"body": Body, "seats": [Seat], "secretariat": bool}}``; computed
    once per request (``egov_portal.memo``).
    """
    return per_user(
        user,
        ("bodies_of_user", person.pk if person else None, on_date),
        lambda: _bodies_of_user(user=user, person=person, on_date=on_date),
    )


def _bodies_of_user(*, user, person: Person | None, on_date: datetime.date) -> dict[int, dict]:
    result: dict[int, dict] = {}
    if person is not None:
        position_ids = list(
            PositionHolding.objects.filter(person=person, start_date__lte=on_date)
            .filter(Q(end_date__isnull=True) | Q(end_date__gt=on_date))
            .values_list("position_id", flat=True)
        )
        seat_ids = list(
            Membership.objects.filter(person=person, start_date__lte=on_date)
            .filter(Q(end_date__isnull=True) | Q(end_date__gt=on_date))
            .values_list("seat_id", flat=True)
        )
        seats = Seat.objects.filter(
            Q(kind=SeatKind.BY_POST, position_id__in=position_ids) | Q(pk__in=seat_ids)
        ).select_related("body")
        for seat in seats:
            entry = result.setdefault(
                seat.body_id, {"body": seat.body, "seats": [], "secretariat": False}
            )
            entry["seats"].append(seat)
    managed = get_objects_for_user(
        user, "committees.manage_body", klass=Body, accept_global_perms=False
    )
    for body in managed:
        entry = result.setdefault(body.pk, {"body": body, "seats": [], "secretariat": False})
        entry["secretariat"] = True
    return dict(sorted(result.items(), key=lambda kv: (kv[1]["body"].order, kv[0])))


@dataclass
class BodySection:
    body: Body
    states: list[SeatState]
    composition: CompositionCheck


@dataclass
class StructurePage:
    """Everything the public structure page shows, read in a fixed number of queries."""

    bodies: list[Body]
    working_group: Body | None
    national: list[Body]
    sections: dict[int, BodySection]
    subcommittees: list[Body]
    created_at: datetime.datetime | None
    updated_at: datetime.datetime | None

    @property
    def steering(self) -> Body | None:
        return next((b for b in self.bodies if b.kind == BodyKind.STEERING_COMMITTEE), None)

    @property
    def working_group_section(self) -> BodySection | None:
        return self.sections.get(self.working_group.pk) if self.working_group else None

    @property
    def steering_section(self) -> BodySection | None:
        return self.sections.get(self.steering.pk) if self.steering else None

    @property
    def subcommittee_sections(self) -> list[BodySection]:
        return [self.sections[b.pk] for b in self.subcommittees]


def structure_page(*, on_date: datetime.date) -> StructurePage:
    bodies = structure_bodies()
    wanted = [
        b
        for b in bodies
        if b.kind in {BodyKind.WORKING_GROUP, BodyKind.STEERING_COMMITTEE, BodyKind.SUBCOMMITTEE}
    ]
    seats = list(
        Seat.objects.filter(body__in=wanted)
        .select_related("position", "position__agency", "agency", "proposed_by", "approved_by")
        .order_by("body_id", "order")
    )
    states = seat_states_on(seats=seats, on_date=on_date)
    sections = {}
    for body in wanted:
        body_states = [s for s in states if s.seat.body_id == body.pk]
        sections[body.pk] = BodySection(
            body, body_states, body_composition(body=body, states=body_states)
        )
    created, updated = structure_timestamps()
    return StructurePage(
        bodies=bodies,
        working_group=working_group(bodies),
        national=[b for b in bodies if b.kind == BodyKind.NATIONAL],
        sections=sections,
        subcommittees=[b for b in bodies if b.kind == BodyKind.SUBCOMMITTEE],
        created_at=created,
        updated_at=updated,
    )


def visible_bodies(user) -> QuerySet[Body]:
    """Bodies ``user`` may see: public ones for everyone, all of them for the governor's
    office and administrators, and non-public ones for their secretariat."""
    qs = Body.objects.all()
    if reads_every_body(user):
        return qs
    if not user.is_authenticated:
        return qs.filter(is_public=True)
    managed = get_objects_for_user(
        user, "committees.view_body_records", klass=Body, accept_global_perms=False
    ).values("pk")
    return qs.filter(Q(is_public=True) | Q(pk__in=managed))


@dataclass
class BodyPage:
    body: Body
    states: list[SeatState]
    history: dict[int, list[SeatHolder]]
    composition: CompositionCheck
    legal_chain: list
    ancestors: list[Body]
    children: list[Body]

    @property
    def rows(self) -> list[tuple[SeatState, list[SeatHolder]]]:
        return [(state, self.history.get(state.seat.pk, [])) for state in self.states]


def body_page(*, body: Body, on_date: datetime.date) -> BodyPage:
    seats = list(seats_of(body))
    states = seat_states_on(seats=seats, on_date=on_date)
    return BodyPage(
        body=body,
        states=states,
        history=seat_history(seats=seats),
        composition=body_composition(body=body, states=states),
        legal_chain=body.legal_chain(),
        ancestors=body_ancestors(body),
        children=list(body.children.filter(is_public=True).order_by("order")),
    )


def agency_seats(*, agency) -> list[Seat]:
    """Seats the agency fills: as the agency itself, or through one of its posts."""
    return list(
        Seat.objects.filter(Q(agency=agency) | Q(position__agency=agency))
        .select_related("body", "position")
        .order_by("body__order", "order")
    )


def user_home(*, user, on_date: datetime.date) -> dict:
    """What the signed-in user's own page shows: his person, posts, bodies and agencies."""
    person = person_for_user(user)
    return {
        "person": person,
        "holdings": list(person_current_holdings(person=person, on_date=on_date)) if person else [],
        "bodies": list(bodies_of_user(user=user, person=person, on_date=on_date).values()),
        "it_agencies": list(
            get_objects_for_user(
                user, "members.manage_agency_directives", klass=Agency, accept_global_perms=False
            )
        ),
        "reads_everything": reads_every_body(user),
        **user_meetings(person=person),
        "notices": unread_for(user),
    }


def chaired_body_ids(user) -> list[int]:
    """Bodies whose chair seat the user holds today, or whose chair right he was given
    (computed once per request)."""
    return per_user(
        user,
        "chaired_body_ids",
        lambda: kept(
            ("chaired-body-ids", user.pk, timezone.localdate().isoformat()),
            lambda: _chaired_body_ids(user),
            seconds=settings.USER_SCOPE_CACHE_SECONDS,
        ),
    )


def _chaired_body_ids(user) -> list[int]:
    bodies = bodies_of_user(user=user, person=person_for_user(user), on_date=timezone.localdate())
    chaired = [
        pk
        for pk, entry in bodies.items()
        if any(seat.role == SeatRole.CHAIR for seat in entry["seats"])
    ]
    explicit = get_objects_for_user(
        user, "committees.chair_body", klass=Body, accept_global_perms=False
    ).values_list("pk", flat=True)
    return sorted(set(chaired) | set(explicit))
