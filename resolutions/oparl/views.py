"""The OParl 1.1 endpoint: ``/oparl/v1.1/`` and every object and list it links to.

Each view finds what it publishes through ``selectors`` (the pages' own rules for a visitor
who is not signed in), writes it with ``serializers`` and answers through ``http`` (pages,
filters, deleted objects, CORS, conditional GET, errors). The data is the same whoever asks.
Each list page costs a fixed number of queries however many rows the list has.
"""

from __future__ import annotations

import datetime

from django.db.models import Max, Q
from django.http import Http404

from committees.models import (
    AgendaItem,
    Body,
    BodyKind,
    Meeting,
    Membership,
    Minutes,
    Seat,
    SeatKind,
)
from egov_portal.pdf import pdf_response
from members.models import Person, PositionHolding
from resolutions.models import Resolution
from resolutions.oparl import selectors, serializers
from resolutions.oparl.files import (
    minutes_filename,
    minutes_pdf_bytes,
    minutes_pdf_facts,
    minutes_pdf_facts_or_none,
)
from resolutions.oparl.http import (
    Gone,
    ListedObject,
    ListQuery,
    conditional,
    latest,
    list_answer,
    listed,
    oparl_endpoint,
    page_of_objects,
    page_of_queryset,
)
from resolutions.selectors.dashboard import Figures
from resolutions.selectors.register import resolution_status

#: Objects per list page unless the client asks for fewer (``limit``); the spec recommends
#: paging lists longer than 100. Meetings carry their minutes' file, whose checksum may
#: need a PDF rendered the first time, so their pages are shorter.
PAGE_SIZE = 50
MEETING_PAGE_SIZE = 10


# --- the entry point and the provinces --------------------------------------------------------------


@oparl_endpoint
def system(request):
    return serializers.system_object(), None


def _province(pk: int) -> Body:
    province = selectors.provinces().filter(pk=pk).first()
    if province is None:
        raise Http404
    return province


def _province_tombstone(body: Body, hidden_at: datetime.datetime) -> dict:
    return serializers.tombstone(
        id=serializers.oparl_url("body", body.pk),
        kind="Body",
        created=body.created_at,
        modified=hidden_at,
        name=serializers.province_name(body.jurisdiction),
        **serializers.body_lists(body.pk),
    )


def _hidden_provinces(withdrawals: selectors.Withdrawals) -> list[tuple[Body, datetime.datetime]]:
    hidden = withdrawals.hidden_bodies
    rows = Body.objects.filter(pk__in=list(hidden), kind=BodyKind.WORKING_GROUP)
    return [(body, hidden[body.pk]) for body in rows.order_by("pk")]


@oparl_endpoint
def body_list(request):
    query = ListQuery.parse(request.GET)
    objects = [
        ListedObject(p.pk, p.created_at, p.updated_at, False, serializers.body_object(p))
        for p in selectors.provinces()
    ]
    for body, at in _hidden_provinces(selectors.Withdrawals()):
        objects.append(
            ListedObject(body.pk, body.created_at, at, True, _province_tombstone(body, at))
        )
    return _object_list(request, query, sorted(objects, key=lambda o: o.pk))


def _object_list(request, query: ListQuery, objects: list[ListedObject]):
    """A list held in memory (a province's handful of bodies) as a page of OParl."""
    page = page_of_objects(listed(objects, query), query, largest=PAGE_SIZE)
    last = latest(*(o.modified for o in objects))
    return list_answer(request, page, query, [o.data for o in page.rows], last)


@oparl_endpoint
def body(request, pk: int):
    province = selectors.provinces().filter(pk=pk).first()
    if province is not None:
        return serializers.body_object(province), province.updated_at
    for hidden, at in _hidden_provinces(selectors.Withdrawals()):
        if hidden.pk == pk:
            return _province_tombstone(hidden, at), at
    raise Http404


# --- organizations ----------------------------------------------------------------------------------


def organization_rows(province: Body, withdrawals: selectors.Withdrawals) -> list[ListedObject]:
    """The province's bodies as organizations, and those withdrawn (hidden or deleted since
    they were public) as deleted ones, in id order (five queries and the audit trail's)."""
    tenures = selectors.province_tenures(province=province, withdrawals=withdrawals)
    bases = selectors.legal_bases()
    bodies = list(
        selectors.structure_bodies(province=province)
        .filter(
            Q(pk__in=selectors.public_bodies().values("pk"))
            | Q(pk__in=list(withdrawals.hidden_bodies))
        )
        .order_by("pk")
    )
    shown = {b.pk for b in bodies if b.pk not in withdrawals.hidden_bodies}
    seats_of: dict[int, list[Seat]] = {}
    for seat in tenures.seats:
        seats_of.setdefault(seat.body_id, []).append(seat)
    removed_of: dict[int, list[datetime.datetime]] = {}
    for tenure in tenures.withdrawn:
        removed_of.setdefault(tenure.seat.body_id, []).append(tenure.modified)
    rows = []
    for body in bodies:
        if body.pk not in shown:
            at = withdrawals.hidden_bodies[body.pk]
            data = serializers.tombstone(
                id=serializers.oparl_url("organization", body.pk),
                kind="Organization",
                created=body.created_at,
                modified=at,
            )
            rows.append(ListedObject(body.pk, body.created_at, at, True, data))
            continue
        seats = seats_of.get(body.pk, [])
        body_tenures = tenures.of_body(body.pk)
        chain = selectors.legal_chain(body, bases)
        modified = max(
            [body.updated_at]
            + [s.updated_at for s in seats]
            + [t.modified for t in body_tenures]
            + removed_of.get(body.pk, [])
            + [basis.updated_at for basis in chain]
        )
        data = serializers.organization_object(
            body,
            province=province,
            seats=seats,
            tenures=body_tenures,
            chain=chain,
            parent_shown=body.parent_id in shown,
            modified=modified,
        )
        rows.append(ListedObject(body.pk, body.created_at, modified, False, data))
    for removed in withdrawals.deleted_bodies.values():
        values = removed.values
        if (
            values.get("jurisdiction") == province.jurisdiction
            and values.get("kind") in selectors.STRUCTURE_KINDS
        ):
            data = serializers.tombstone(
                id=serializers.oparl_url("organization", removed.pk),
                kind="Organization",
                created=removed.created,
                modified=removed.deleted,
            )
            rows.append(ListedObject(removed.pk, removed.created, removed.deleted, True, data))
    return sorted(rows, key=lambda row: row.pk)


@oparl_endpoint
def body_organizations(request, pk: int):
    province = _province(pk)
    query = ListQuery.parse(request.GET)
    return _object_list(request, query, organization_rows(province, selectors.Withdrawals()))


def _province_for_body(pk: int, withdrawals: selectors.Withdrawals) -> Body | None:
    """The public province a body belongs to, whether the body is shown, hidden or
    deleted; None when its province is not public."""
    body = Body.objects.filter(pk=pk).first()
    if body is not None:
        jurisdiction = body.jurisdiction
    elif pk in withdrawals.deleted_bodies:
        jurisdiction = withdrawals.deleted_bodies[pk].values.get("jurisdiction")
    else:
        raise Http404
    return selectors.province_of(jurisdiction=jurisdiction or "")


@oparl_endpoint
def organization(request, pk: int):
    withdrawals = selectors.Withdrawals()
    province = _province_for_body(pk, withdrawals)
    if province is not None:
        row = next((r for r in organization_rows(province, withdrawals) if r.pk == pk), None)
        if row is not None:
            return row.data, row.modified
    hidden = withdrawals.hidden_bodies.get(pk)
    if hidden is not None:  # a body of a province whose working group was hidden too
        body = Body.objects.get(pk=pk)
        data = serializers.tombstone(
            id=serializers.oparl_url("organization", pk),
            kind="Organization",
            created=body.created_at,
            modified=hidden,
        )
        return data, hidden
    raise Http404


# --- people and their memberships -----------------------------------------------------------------


def _person_query(query: ListQuery, removals: dict[int, datetime.datetime]) -> Q:
    """The date filters on people; a deleted membership changed a person at a time the
    database no longer holds (``removals``), so it is added here."""
    q = query.created_q()
    since, until = query.modified_since, query.modified_until
    if since:
        changed_since = [pk for pk, at in removals.items() if at >= since]
        q &= Q(oparl_modified__gte=since) | Q(pk__in=changed_since)
    if until:
        changed_after = [pk for pk, at in removals.items() if at > until]
        q &= Q(oparl_modified__lte=until) & ~Q(pk__in=changed_after)
    return q


def _person_data(
    person: Person,
    *,
    province: Body,
    tenures: selectors.ProvinceTenures,
    removals: dict[int, datetime.datetime],
    omit_internal: bool,
) -> tuple[dict, datetime.datetime]:
    modified = latest(person.oparl_modified, removals.get(person.pk))
    if person.oparl_deleted:
        data = serializers.tombstone(
            id=serializers.oparl_url("person", person.pk),
            kind="Person",
            created=person.created_at,
            modified=modified,
        )
        return data, modified
    data = serializers.person_object(
        person,
        province=province,
        tenures=tenures.live_by_person.get(person.pk, []),
        modified=modified,
        omit_internal=omit_internal,
    )
    return data, modified


@oparl_endpoint
def body_persons(request, pk: int):
    province = _province(pk)
    query = ListQuery.parse(request.GET)
    tenures = selectors.province_tenures(province=province, withdrawals=selectors.Withdrawals())
    removals = selectors.person_removals(tenures)
    every = selectors.person_queryset(province=province, tenures=tenures)
    asked = every if query.with_deleted else every.filter(oparl_deleted=False)
    page = page_of_queryset(asked.filter(_person_query(query, removals)), query, largest=PAGE_SIZE)
    data = [
        _person_data(
            p,
            province=province,
            tenures=tenures,
            removals=removals,
            omit_internal=query.omit_internal,
        )[0]
        for p in page.rows
    ]
    last = latest(every.aggregate(last=Max("oparl_modified"))["last"], *removals.values())
    return list_answer(request, page, query, data, last)


@oparl_endpoint
def person(request, pk: int):
    withdrawals = selectors.Withdrawals()
    for province in selectors.provinces():
        tenures = selectors.province_tenures(province=province, withdrawals=withdrawals)
        found = selectors.person_queryset(province=province, tenures=tenures).filter(pk=pk).first()
        if found is not None:
            removals = selectors.person_removals(tenures)
            return _person_data(
                found, province=province, tenures=tenures, removals=removals, omit_internal=False
            )
    raise Http404


def _membership_answer(seat_pk: int | None, key: tuple) -> tuple[dict, datetime.datetime]:
    withdrawals = selectors.Withdrawals()
    seat = Seat.objects.select_related("body").filter(pk=seat_pk).first() if seat_pk else None
    if seat is None:
        raise Http404
    province = selectors.province_of(jurisdiction=seat.body.jurisdiction)
    if province is None:
        raise Http404
    tenure = selectors.province_tenures(province=province, withdrawals=withdrawals).find(key)
    if tenure is None:
        raise Http404
    return serializers.membership_object(tenure), tenure.modified


@oparl_endpoint
def membership(request, pk: int):
    row = Membership.objects.filter(pk=pk).values_list("seat_id", flat=True).first()
    if row is None:
        removed = selectors.Withdrawals().deleted_memberships.get(pk)
        row = removed.values.get("seat") if removed else None
    return _membership_answer(row, ("m", pk))


@oparl_endpoint
def post_membership(request, seat_pk: int, holding_pk: int):
    seat = Seat.objects.filter(pk=seat_pk, kind=SeatKind.BY_POST).first()
    held = PositionHolding.objects.filter(pk=holding_pk).exists()
    if seat is None or not (held or holding_pk in selectors.Withdrawals().deleted_holdings):
        raise Http404
    return _membership_answer(seat.pk, ("p", seat.pk, holding_pk))


# --- meetings, their agenda, place and minutes -----------------------------------------------------


def _meeting_data(
    meetings: list[Meeting], *, province: Body, omit_internal: bool
) -> list[tuple[dict, datetime.datetime]]:
    """The meetings as OParl objects (two queries: their agenda and who was present)."""
    shown = [m for m in meetings if not m.oparl_deleted]
    agenda = {} if omit_internal else selectors.agenda_of(shown)
    present = selectors.participants_of(shown, province=province)
    result = []
    for meeting in meetings:
        if meeting.oparl_deleted:
            result.append((serializers.meeting_tombstone(meeting), meeting.oparl_modified))
            continue
        data = serializers.meeting_object(
            meeting,
            agenda=agenda.get(meeting.pk, []),
            participants=present.get(meeting.pk, []),
            facts=minutes_pdf_facts_or_none(meeting),
            modified=meeting.oparl_modified,
            omit_internal=omit_internal,
        )
        result.append((data, meeting.oparl_modified))
    return result


def _meeting_list(request, province: Body, *, body_pk: int | None = None):
    query = ListQuery.parse(request.GET)
    every = selectors.meeting_queryset(province=province, withdrawals=selectors.Withdrawals())
    if body_pk is not None:
        every = every.filter(body_id=body_pk)
    asked = every if query.with_deleted else every.filter(oparl_deleted=False)
    page = page_of_queryset(
        asked.filter(query.created_q() & query.modified_q()), query, largest=MEETING_PAGE_SIZE
    )
    data = [
        d
        for d, _modified in _meeting_data(
            page.rows, province=province, omit_internal=query.omit_internal
        )
    ]
    last = every.aggregate(last=Max("oparl_modified"))["last"]
    return list_answer(request, page, query, data, last)


@oparl_endpoint
def body_meetings(request, pk: int):
    return _meeting_list(request, _province(pk))


@oparl_endpoint
def organization_meetings(request, pk: int):
    body = selectors.public_bodies().filter(pk=pk, kind__in=selectors.STRUCTURE_KINDS).first()
    province = selectors.province_of(jurisdiction=body.jurisdiction) if body else None
    if province is None:
        raise Http404
    return _meeting_list(request, province, body_pk=body.pk)


def _published_meeting(pk: int) -> tuple[Meeting, Body]:
    """The meeting ``pk`` as the endpoint publishes it (or keeps it as deleted), with its
    province; else 404."""
    jurisdiction = (
        Meeting.objects.filter(pk=pk).values_list("body__jurisdiction", flat=True).first()
    )
    province = (
        selectors.province_of(jurisdiction=jurisdiction) if jurisdiction is not None else None
    )
    if province is None:
        raise Http404
    meeting = (
        selectors.meeting_queryset(province=province, withdrawals=selectors.Withdrawals())
        .filter(pk=pk)
        .first()
    )
    if meeting is None:
        raise Http404
    return meeting, province


@oparl_endpoint
def meeting(request, pk: int):
    found, province = _published_meeting(pk)
    return _meeting_data([found], province=province, omit_internal=False)[0]


@oparl_endpoint
def location(request, pk: int):
    found, _unused = _published_meeting(pk)
    if found.oparl_deleted:
        data = serializers.tombstone(
            id=serializers.oparl_url("location", found.pk),
            kind="Location",
            created=found.created_at,
            modified=found.oparl_modified,
        )
        return data, found.oparl_modified
    return serializers.location_object(found), found.oparl_modified


@oparl_endpoint
def agenda_item(request, pk: int):
    item = AgendaItem.objects.filter(pk=pk).first()
    if item is None:
        raise Http404
    found, _unused = _published_meeting(item.meeting_id)
    if found.oparl_deleted:
        data = serializers.tombstone(
            id=serializers.oparl_url("agenda_item", item.pk),
            kind="AgendaItem",
            created=item.created_at,
            modified=found.oparl_modified,
        )
        return data, found.oparl_modified
    return serializers.agenda_item_object(item), max(item.updated_at, found.oparl_modified)


def _minutes_meeting(pk: int) -> Meeting:
    meeting_pk = Minutes.objects.filter(pk=pk).values_list("meeting_id", flat=True).first()
    if meeting_pk is None:
        raise Http404
    return _published_meeting(meeting_pk)[0]


@oparl_endpoint
def file(request, pk: int):
    found = _minutes_meeting(pk)
    if found.oparl_deleted:
        data = serializers.tombstone(
            id=serializers.oparl_url("file", pk),
            kind="File",
            created=found.minutes.created_at,
            modified=found.oparl_modified,
            accessUrl=serializers.absolute("resolutions:minutes_pdf", found.pk),
        )
        return data, found.oparl_modified
    facts = minutes_pdf_facts(found)
    return serializers.file_object(found, facts), serializers.file_modified(found)


@oparl_endpoint
def file_download(request, pk: int):
    """The minutes' PDF as an attachment named as the file says (spec §2.7): the same
    bytes as the minutes page's, so ``sha512Checksum`` holds for both."""
    found = _minutes_meeting(pk)
    if found.oparl_deleted:
        raise Gone
    response = pdf_response(
        minutes_pdf_bytes(found), filename=minutes_filename(found), inline=False
    )
    return conditional(request, response, found.minutes.updated_at)


# --- resolutions: papers ------------------------------------------------------------------------------


def _paper_query(query: ListQuery) -> Q:
    """The date filters on papers: a paper changes with its directives and when one of them
    turns overdue, at the start of the day after its deadline."""
    q = query.created_q()
    if query.modified_since:
        since = query.modified_since
        q &= Q(oparl_changed__gte=since) | Q(
            oparl_overdue_due__gte=selectors.first_due_overdue_since(since)
        )
    if query.modified_until:
        until = query.modified_until
        q &= Q(oparl_changed__lte=until) & (
            Q(oparl_overdue_due__isnull=True)
            | Q(oparl_overdue_due__lte=selectors.last_due_overdue_by(until))
        )
    return q


def _paper_data(resolutions: list[Resolution], *, province: Body) -> list[dict]:
    """The papers as OParl objects (two queries: their directives' figures and the public
    resolutions they amend or that amend them)."""
    status = resolution_status([r.pk for r in resolutions])
    related = selectors.related_papers(resolutions)
    return [
        serializers.paper_object(
            r,
            province=province,
            status=status.get(r.pk) or Figures(key=r.pk),
            related=related.get(r.pk, []),
            modified=selectors.paper_modified(r),
        )
        for r in resolutions
    ]


@oparl_endpoint
def body_papers(request, pk: int):
    province = _province(pk)
    query = ListQuery.parse(request.GET)
    every = selectors.paper_queryset(province=province)
    page = page_of_queryset(every.filter(_paper_query(query)), query, largest=PAGE_SIZE)
    data = _paper_data(page.rows, province=province)
    figures = every.aggregate(changed=Max("oparl_changed"), due=Max("oparl_overdue_due"))
    last = latest(figures["changed"], selectors.overdue_moment(figures["due"]))
    return list_answer(request, page, query, data, last)


def _published_paper(pk: int) -> tuple[Resolution, Body]:
    jurisdiction = (
        Resolution.objects.filter(pk=pk)
        .values_list("meeting__body__jurisdiction", flat=True)
        .first()
    )
    province = (
        selectors.province_of(jurisdiction=jurisdiction) if jurisdiction is not None else None
    )
    found = selectors.paper_queryset(province=province).filter(pk=pk).first() if province else None
    if found is None:
        raise Http404
    return found, province


@oparl_endpoint
def paper(request, pk: int):
    found, province = _published_paper(pk)
    return _paper_data([found], province=province)[0], selectors.paper_modified(found)


@oparl_endpoint
def consultation(request, pk: int):
    found, _unused = _published_paper(pk)
    return serializers.consultation_object(found), found.updated_at
