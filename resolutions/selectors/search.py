"""The portal-wide search: one query over bodies, seats, agencies, people, meetings,
resolutions and directives, Persian-normalised, limited to what the user may see.

How each kind is matched:

* bodies, seats, agencies and people have a ``search_text`` column holding
  :func:`~egov_portal.persian.normalize_for_search` of their names, so the normalised query
  is looked up with ``search_text__contains`` («نایبرئیس», «نايب رئيس» and «نایب‌رئیس»
  give the same key; digits of any script become Latin);
* meetings match their body's ``search_text`` or their place;
* resolutions and directives have no normalised column: their text is matched with
  ``icontains`` on a few spellings of the query (:func:`spellings`) — as typed, with
  Persian and with Arabic ی/ک, with its ZWNJs made spaces or removed, with its spaces made
  ZWNJs or removed (all of them at once: «بودجه ای» finds «بودجه‌ای»), with Persian and
  Latin digits. That covers the common variants without a normalised column; a text
  that mixes them inside one query is found by the register's own search. A letter number of a directive and its agency's name match too.

Who sees what: bodies and seats of :func:`committees.selectors.visible_bodies` (the same
rule as the body page); every agency (the public directory); people by name and current
posts only (never a national code, mobile or e-mail), and only those who hold a post or
sit in a visible body today; meetings of :func:`committees.calendar_selectors.visible_meetings`;
resolutions of approved minutes that are public or of a body whose records the user reads;
directives of :func:`resolutions.permissions.visible_directives`.

Each group is capped at :data:`GROUP_LIMIT` hits, with the total counted; the number of
queries does not depend on the number of rows.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from committees.models import MeetingState, Membership, Seat
from committees.permissions import secretariat_body_ids
from committees.selectors.calendar import readable_body_ids, visible_meetings
from committees.selectors.structure import visible_bodies
from egov_portal.text.collation import persian_order
from egov_portal.text.i18n import digits
from egov_portal.text.jalali import display_short
from egov_portal.text.persian import (
    ZWNJ,
    normalize_for_search,
    normalize_text,
    to_latin_digits,
    to_persian_digits,
)
from members.models import Agency, Person, PositionHolding
from resolutions.models import Resolution
from resolutions.permissions import reads_everything, visible_directives

GROUP_LIMIT = 10
MAX_QUERY = 100
SNIPPET_CONTEXT = 70  # characters of a long text shown on each side of the first match


@dataclass(frozen=True)
class Hit:
    title: SafeString
    url: str
    detail: str = ""  # safe HTML (escaped when built)
    snippet: str = ""  # safe HTML (escaped when built)


@dataclass
class Group:
    kind: str
    label: str
    count: int
    hits: list[Hit] = field(default_factory=list)
    more_url: str = ""

    @property
    def has_more(self) -> bool:
        return self.count > len(self.hits)


@dataclass
class SearchResult:
    query: str
    needle: str
    groups: list[Group]

    @property
    def total(self) -> int:
        return sum(group.count for group in self.groups)


# --- matching --------------------------------------------------------------------------------


def spellings(query: str) -> list[str]:
    """The spellings of ``query`` that ``text__icontains`` should try, most likely first."""
    typed = " ".join(query.split())
    base = normalize_text(typed)
    forms = set()
    joins = (
        base.replace(ZWNJ, " "),
        base.replace(ZWNJ, ""),
        base.replace(" ", ZWNJ),
        base.replace(" ", ""),
    )
    for text in (typed, base, *joins):
        for letters in (text, text.replace("ی", "ي").replace("ک", "ك")):
            forms.add(to_persian_digits(letters))
            forms.add(to_latin_digits(letters))
    return sorted(f for f in forms if f)


def _text_matches(field_name: str, query: str) -> Q:
    condition = Q()
    for form in spellings(query):
        condition |= Q(**{f"{field_name}__icontains": form})
    return condition


def _normalised_map(text: str) -> tuple[str, list[int]]:
    """``text`` normalised for search, and for each of its characters the index of the
    character of ``text`` it came from."""
    chars: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        for folded in normalize_for_search(char):
            chars.append(folded)
            origin.append(index)
    return "".join(chars), origin


def highlight(text: str, needle: str, *, snippet: bool = False) -> SafeString:
    """``text`` escaped, with every match of the normalised ``needle`` in ``<mark>``.

    Matching is on the normalised text, so «نایب‌رئیس» in the text is marked for the query
    «نايب رئيس». With ``snippet`` a long text is cut to the first match and its context.
    """
    text = str(text or "")
    spans: list[tuple[int, int]] = []
    if needle:
        folded, origin = _normalised_map(text)
        start = folded.find(needle)
        while start != -1:
            end = start + len(needle) - 1
            spans.append((origin[start], origin[end] + 1))
            start = folded.find(needle, start + len(needle))
    window_start, window_end = 0, len(text)
    if snippet and len(text) > 2 * SNIPPET_CONTEXT:
        centre = spans[0][0] if spans else 0
        window_start = max(0, centre - SNIPPET_CONTEXT)
        window_end = min(len(text), centre + SNIPPET_CONTEXT)
    pieces: list[str] = ["… " if window_start else ""]
    position = window_start
    for start, end in spans:
        if start < position or end > window_end:
            continue
        pieces.append(escape(text[position:start]))
        pieces.append(f"<mark>{escape(text[start:end])}</mark>")
        position = end
    pieces.append(escape(text[position:window_end]))
    pieces.append(" …" if window_end < len(text) else "")
    return mark_safe("".join(pieces))  # every piece of text is escaped above


def _in_force(on_date: datetime.date) -> Q:
    return Q(start_date__lte=on_date) & (Q(end_date__isnull=True) | Q(end_date__gt=on_date))


# --- the groups ------------------------------------------------------------------------------


def _group(kind, label, qs: QuerySet, make_hit, more_url: str = "") -> Group:
    count = qs.count()
    rows = list(qs[:GROUP_LIMIT])  # even when none: a query budget independent of the rows
    return Group(
        kind=kind,
        label=str(label),
        count=count,
        hits=[make_hit(row) for row in rows],
        more_url=more_url if count > len(rows) else "",
    )


def _bodies(user, needle: str) -> Group:
    qs = visible_bodies(user).filter(search_text__contains=needle).order_by("order", "pk")
    return _group(
        "bodies",
        _("ارکان"),
        qs,
        lambda body: Hit(
            title=highlight(body.name, needle),
            url=reverse("committees:body_detail", args=[body.pk]),
            detail=escape(body.get_kind_display()),
        ),
    )


def _seats(user, needle: str) -> Group:
    qs = (
        Seat.objects.filter(body__in=visible_bodies(user), search_text__contains=needle)
        .select_related("body")
        .order_by("body__order", "body_id", "order")
    )
    return _group(
        "seats",
        _("جایگاه‌ها"),
        qs,
        lambda seat: Hit(
            title=highlight(seat.title, needle),
            url=reverse("committees:body_detail", args=[seat.body_id]),
            detail=escape(seat.body.name),
        ),
    )


def _agencies(needle: str, query: str) -> Group:
    qs = Agency.objects.filter(search_text__contains=needle).order_by(
        "-is_active", persian_order("name")
    )
    more = f"{reverse('members:agency_list')}?{_querystring(query)}"
    return _group(
        "agencies",
        _("دستگاه‌های اجرایی"),
        qs,
        lambda agency: Hit(
            title=highlight(agency.name, needle),
            url=reverse("committees:agency_detail", args=[agency.pk]),
        ),
        more_url=more,
    )


def _people(user, needle: str, today: datetime.date) -> Group:
    holdings = PositionHolding.objects.filter(_in_force(today)).select_related("position__agency")
    seated = Membership.objects.filter(_in_force(today), seat__body__in=visible_bodies(user))
    qs = (
        Person.objects.filter(search_text__contains=needle)
        .filter(
            Q(Exists(holdings.filter(person=OuterRef("pk"))))
            | Q(Exists(seated.filter(person=OuterRef("pk"))))
        )
        .only("pk", "title", "first_name", "last_name", "agency_id")
        .prefetch_related(Prefetch("holdings", queryset=holdings, to_attr="current_holdings"))
        .order_by(persian_order("last_name"), persian_order("first_name"), "pk")
    )

    def hit(person: Person) -> Hit:
        posts = [h.position for h in person.current_holdings]
        agency_id = posts[0].agency_id if posts else person.agency_id
        detail = "، ".join(f"{p.title} ({p.agency.name})" for p in posts)
        url = reverse("committees:agency_detail", args=[agency_id]) if agency_id else ""
        return Hit(title=highlight(person.full_name, needle), url=url, detail=escape(detail))

    return _group("people", _("اشخاص"), qs, hit)


def _meetings(user, needle: str, query: str) -> Group:
    qs = (
        visible_meetings(user)
        .filter(Q(body__search_text__contains=needle) | _text_matches("place", query))
        .select_related("body")
        .order_by("-starts_at", "-pk")
    )
    return _group(
        "meetings",
        _("جلسات"),
        qs,
        lambda meeting: Hit(
            title=highlight(f"{meeting.title} — {meeting.body.name}", needle),
            url=reverse("committees:meeting_detail", args=[meeting.pk]),
            detail=mark_safe(
                f"{escape(display_short(meeting.starts_at))} · "
                f"{highlight(meeting.place, needle)} · {escape(meeting.get_state_display())}"
            ),
        ),
    )


def _resolutions(user, needle: str, query: str, today: datetime.date) -> Group:
    qs = Resolution.objects.filter(meeting__state=MeetingState.APPROVED)
    if not reads_everything(user):
        allowed = Q(is_public=True)
        if user.is_authenticated:
            allowed |= Q(meeting__body_id__in=readable_body_ids(user, on_date=today))
            allowed |= Q(meeting__body_id__in=secretariat_body_ids(user))
        qs = qs.filter(allowed)
    readable_meetings = visible_meetings(user, on_date=today).filter(pk=OuterRef("meeting_id"))
    qs = (
        qs.filter(_text_matches("text", query))
        .annotate(meeting_readable=Exists(readable_meetings))
        .select_related("meeting__body")
        .order_by("-meeting__starts_at", "-meeting_id", "order", "pk")
    )
    if user.is_authenticated:
        more = f"{reverse('resolutions:register')}?{_querystring(query)}"
    else:
        more = reverse("resolutions:public_resolutions")

    def hit(resolution: Resolution) -> Hit:
        meeting = resolution.meeting
        if resolution.meeting_readable:
            url = reverse("committees:meeting_detail", args=[meeting.pk])
        else:
            url = reverse("resolutions:public_resolutions")
        title = _("بند %(label)s %(meeting)s %(body)s") % {
            "label": resolution.label,
            "meeting": meeting.title,
            "body": meeting.body.name,
        }
        return Hit(
            title=escape(title),
            url=url,
            snippet=highlight(resolution.text, needle, snippet=True),
        )

    return _group("resolutions", _("مصوبات"), qs, hit, more_url=more)


def _directives(user, needle: str, query: str) -> Group:
    qs = (
        visible_directives(user)
        .filter(
            _text_matches("resolution__text", query)
            | _text_matches("letter_number", query)
            | Q(agency__search_text__contains=needle)
        )
        .select_related("agency", "resolution")
        .order_by("-issued_on", "-sequence")
    )
    return _group(
        "directives",
        _("ابلاغ‌ها"),
        qs,
        lambda directive: Hit(
            title=mark_safe(
                f"{highlight(digits(directive.letter_number), needle)} — "
                f"{highlight(directive.agency.name, needle)}"
            ),
            url=reverse("resolutions:directive_detail", args=[directive.pk]),
            detail=escape(directive.get_state_display()),
            snippet=highlight(directive.resolution.text, needle, snippet=True),
        ),
        more_url=reverse("resolutions:inbox"),
    )


def _querystring(query: str) -> str:
    return urlencode({"q": query})


def portal_search(*, user, query: str, today: datetime.date | None = None) -> SearchResult:
    """Everything ``user`` may see that matches ``query``, grouped by kind (empty groups
    are left out; an empty query finds nothing)."""
    query = " ".join((query or "").split())[:MAX_QUERY]
    needle = normalize_for_search(query)
    if not needle:
        return SearchResult(query=query, needle="", groups=[])
    today = today or timezone.localdate()
    groups = [
        _bodies(user, needle),
        _seats(user, needle),
        _agencies(needle, query),
        _people(user, needle, today),
        _meetings(user, needle, query),
        _resolutions(user, needle, query, today),
    ]
    if user.is_authenticated:
        groups.append(_directives(user, needle, query))
    return SearchResult(query=query, needle=needle, groups=[g for g in groups if g.count])


__all__ = ["GROUP_LIMIT", "Group", "Hit", "SearchResult", "highlight", "portal_search"]
