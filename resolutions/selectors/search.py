"""The portal-wide search: one query over bodies, seats, agencies, people, meetings, approved
minutes, resolutions and directives, Persian-normalised, limited to what the user may see.

How each kind is matched:

* bodies, seats, agencies and people have a ``search_text`` column holding
  :func:`~egov_portal.persian.normalize_for_search` of their names, so the normalised query
  is looked up with ``search_text__contains`` («نایبرئیس», «نايب رئيس» and «نایب‌رئیس»
  give the same key; digits of any script become Latin);
* meetings match their body's ``search_text`` or their place, and what the query names of a
  meeting (:func:`read_query`): its number as an ordinal or a number («جلسه ششم», «ششم»,
  «بیست و یکم», «جلسه ۶», «۶ام»), its Jalali day in any digits («۱۴۰۵/۰۹/۱۷»,
  «1405-9-17») and the words of its body's name («ششم کارگروه»);
* approved minutes (صورتجلسه) are found by their letter number, and by the word
  «صورتجلسه» («صورت‌جلسه», «صورت جلسه») with what the query names of their meeting (or a
  Jalali year: «صورتجلسه ۱۴۰۵»);
* letter numbers (of directives and minutes) are compared on a key made in the database by
  :func:`letter_key` — without ZWNJs or spaces, digits Latin, lower case — so «۶/ک‌د/۱۴۰۵»,
  «6/کد/1405» and «۶ / ک‌د / ۱۴۰۵» are one number. A query that is a whole letter number
  (digits / letters / 4-digit year, in any order) finds only that number, never «۱۱۶/…»
  for «۶/…»; a part of one finds the numbers that contain it, those that equal it and then
  those that begin with it first;
* resolutions and directives have no normalised column for their text: it is matched with
  ``icontains`` on a few spellings of the query (:func:`spellings`) — as typed, with
  Persian and with Arabic ی/ک, with its ZWNJs made spaces or removed, with its spaces made
  ZWNJs or removed (all of them at once: «بودجه ای» finds «بودجه‌ای»), with Persian and
  Latin digits. That covers the common variants without a normalised column; a text
  that mixes them inside one query is found by the register's own search. A directive's
  agency name matches too.

Who sees what: bodies and seats of :func:`committees.selectors.visible_bodies` (the same
rule as the body page); every agency (the public directory); people by name and current
posts only (never a national code, mobile or e-mail), and only those who hold a post or
sit in a visible body today; meetings, and the minutes of approved ones, of
:func:`committees.calendar_selectors.visible_meetings` (the rule of the meeting page and
the minutes' PDF: an anonymous visitor sees only approved minutes marked public);
resolutions of approved minutes that are public or of a body whose records the user reads;
directives of :func:`resolutions.permissions.visible_directives`.

Each group is capped at :data:`GROUP_LIMIT` hits, with the total counted; the number of
queries does not depend on the number of rows (the minutes' group is asked only when the
query names minutes or holds a digit, as every letter number does).
"""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import (
    Case,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Lower, Replace
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from committees.models import MeetingState, Membership, Minutes, Seat
from committees.selectors.calendar import visible_meetings
from committees.selectors.structure import visible_bodies
from egov_portal.text.collation import persian_order
from egov_portal.text.i18n import digits, ordinal_en
from egov_portal.text.jalali import (
    MAX_YEAR,
    MIN_YEAR,
    display_short,
    jalali_year_bounds,
    parse_jalali_date,
)
from egov_portal.text.persian import (
    ARABIC_INDIC_DIGITS,
    INVISIBLE_CHARS,
    LATIN_DIGITS,
    PERSIAN_DIGITS,
    ZWNJ,
    normalize_for_search,
    normalize_text,
    ordinal_fa,
    to_latin_digits,
    to_persian_digits,
)
from members.models import Agency, Person, PositionHolding
from resolutions.models import Resolution
from resolutions.permissions import reads_everything, visible_directives
from resolutions.selectors.register import records_of_own_bodies

GROUP_LIMIT = 10
#: Matches counted per group at most: past it the page says «بیش از ۱٬۰۰۰». A common word
#: matches a share of all the years' records; counting them all would grow with the data.
COUNT_LIMIT = 1000
MAX_QUERY = 100
SNIPPET_CONTEXT = 70  # characters of a long text shown on each side of the first match

#: Meeting numbers whose ordinal words are recognised («اول» … «سیصدم», «1st» … «300th»).
ORDINAL_LIMIT = 300
#: The largest meeting number (``Meeting.number`` is a PositiveSmallIntegerField).
MAX_MEETING_NUMBER = 32767
MEETING_WORDS = frozenset({"جلسه", "meeting"})
MINUTES_WORDS = frozenset({"صورتجلسه", "minutes"})
#: Words beside a meeting's number or date that name nothing themselves («جلسه شماره ۶»,
#: «جلسه مورخ ۱۴۰۵/۰۹/۱۷»).
FILLER_WORDS = frozenset({"شماره", "مورخ", "تاریخ"})


@dataclass(frozen=True)
class Hit:
    title: SafeString
    url: str
    detail: str = ""  # safe HTML (escaped when built)
    snippet: str = ""  # safe HTML (escaped when built)
    links: tuple[tuple[str, str], ...] = ()  # further (label, url) pairs, e.g. the minutes' PDF


@dataclass
class Group:
    kind: str
    label: str
    noun: str  # what one hit is («جلسه», «ابلاغ»): the badge on each hit
    count: int  # at most COUNT_LIMIT
    hits: list[Hit] = field(default_factory=list)
    more_url: str = ""
    capped: bool = False  # more than ``count`` match

    @property
    def has_more(self) -> bool:
        return self.capped or self.count > len(self.hits)


@dataclass
class SearchResult:
    query: str
    needle: str
    groups: list[Group]

    @property
    def total(self) -> int:
        return sum(group.count for group in self.groups)

    @property
    def capped(self) -> bool:
        """Whether :attr:`total` is a lower bound (a group counted up to its limit)."""
        return any(group.capped for group in self.groups)


# --- reading the query -----------------------------------------------------------------------

_LETTER_NUMBER_RE = re.compile(r"[^\W_]+(?:/[^\W_]+){2,}")
_DATE_RE = re.compile(r"(?<![0-9])[0-9]{4}\s*([/-])\s*[0-9]{1,2}\s*\1\s*[0-9]{1,2}(?![0-9])")
_SPACED_SLASH_RE = re.compile(r"\s*/\s*")
_NUMBER_RE = re.compile(r"([0-9]+)(ام|م)?")
_LONGEST_ORDINAL = 5  # words in «دویست و نود و نهم»


@dataclass(frozen=True)
class Terms:
    """What a query names besides its text (see :func:`read_query`)."""

    letter: str = ""  # a whole letter number, normalised: «6/کد/1405»
    meeting_word: bool = False  # «جلسه»
    minutes_word: bool = False  # «صورتجلسه», «صورت‌جلسه», «صورت جلسه»
    numbers: tuple[int, ...] = ()  # meeting numbers: «ششم», «بیست و یکم», «جلسه ۶», «۶ام»
    period: tuple[datetime.date, datetime.date] | None = None  # a Jalali day (or year)
    words: tuple[str, ...] = ()  # the other words, normalised: the body's name
    marks: tuple[str, ...] = ()  # normalised pieces of the query worth marking in a hit

    @property
    def names_meeting(self) -> bool:
        return self.meeting_word or bool(self.numbers) or self.period is not None


@functools.cache
def ordinal_numbers() -> dict[str, int]:
    """Search keys of the ordinals 1 to :data:`ORDINAL_LIMIT` and their numbers: «ششم» 6,
    «بیستویکم» 21, «سیام» 30 («سی‌ام», «سی ام»), «یکم» 1, «6th» 6."""
    table = {normalize_for_search("یکم"): 1}
    for n in range(1, ORDINAL_LIMIT + 1):
        table[normalize_for_search(ordinal_fa(n))] = n
        table[normalize_for_search(ordinal_en(n))] = n
    return table


def is_letter_number(key: str) -> bool:
    """Whether the search key ``key`` is a whole letter number: parts of letters or digits
    joined by «/», one of them a 4-digit year and one not only digits («6/کد/1405»)."""
    if not _LETTER_NUMBER_RE.fullmatch(key):
        return False
    parts = key.split("/")
    return any(p.isdigit() and len(p) == 4 for p in parts) and not all(p.isdigit() for p in parts)


def _ordinal_at(keys: list[str], start: int) -> tuple[int, int] | None:
    """The meeting number an ordinal of one or more words at ``keys[start]`` names, and
    how many words it takes (the longest reading wins: «بیست و یکم» before «بیست»)."""
    table = ordinal_numbers()
    for length in range(min(_LONGEST_ORDINAL, len(keys) - start), 0, -1):
        number = table.get("".join(keys[start : start + length]))
        if number:
            return number, length
    return None


def read_query(query: str) -> Terms:
    """What ``query`` names of meetings, minutes and letters, read word by word after its
    direction marks are dropped, its digits made Latin and the spaces around «/» closed:

    * a whole letter number («۶/ک‌د/۱۴۰۵», «6/کد/1405», «۶ / ک‌د / ۱۴۰۵»);
    * «جلسه», and «صورتجلسه» in any spelling («صورت‌جلسه», «صورت جلسه»);
    * meeting numbers: ordinals up to :data:`ORDINAL_LIMIT` in words («ششم», «بیست و
      یکم», «سی‌ام»), a number with «ام» («۶ام»), or a number after «جلسه»/«صورتجلسه»
      («جلسه ۶», «جلسه شماره ۶»);
    * a Jalali date (``parse_jalali_date``: any digits, «/» or «-»), or a Jalali year after
      «جلسه»/«صورتجلسه» («صورتجلسه ۱۴۰۵»);
    * the other words (normalised), which name the body («ششم کارگروه»).
    """
    text = "".join(c for c in to_latin_digits(query) if c == ZWNJ or c not in INVISIBLE_CHARS)
    text = _SPACED_SLASH_RE.sub("/", text)
    period = None
    date = _DATE_RE.search(text)
    if date:
        try:
            day = parse_jalali_date(date[0]).togregorian()
        except ValidationError:
            pass
        else:
            period = (day, day)
            text = f"{text[: date.start()]} {text[date.end() :]}"
    keys = [key for key in map(normalize_for_search, text.split()) if key]
    letter = ""
    meeting_word = minutes_word = expect_number = False
    numbers: list[int] = []
    words: list[str] = []
    marks: list[str] = []
    i = 0
    while i < len(keys):
        key = keys[i]
        if key in MINUTES_WORDS or (key == "صورت" and keys[i + 1 : i + 2] == ["جلسه"]):
            minutes_word = expect_number = True
            i += 1 if key in MINUTES_WORDS else 2
            continue
        i += 1
        if key in MEETING_WORDS:
            meeting_word = expect_number = True
            marks.append(key)
            continue
        if key in FILLER_WORDS:
            continue
        if is_letter_number(key):
            letter = key
            continue
        ordinal = _ordinal_at(keys, i - 1)
        number = _NUMBER_RE.fullmatch(key)
        if ordinal:
            numbers.append(ordinal[0])
            marks.append("".join(keys[i - 1 : i - 1 + ordinal[1]]))
            i += ordinal[1] - 1
        elif number and expect_number and not number[2] and MIN_YEAR <= int(number[1]) <= MAX_YEAR:
            period = period or jalali_year_bounds(int(number[1]))
        elif number and (expect_number or number[2]) and int(number[1]) <= MAX_MEETING_NUMBER:
            numbers.append(int(number[1]))
        else:
            words.append(key)
            marks.append(key)
        expect_number = False
    return Terms(
        letter=letter,
        meeting_word=meeting_word,
        minutes_word=minutes_word,
        numbers=tuple(numbers),
        period=period,
        words=tuple(words),
        marks=tuple(marks),
    )


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


_LETTER_KEY_MAP = (
    (ZWNJ, ""),
    (" ", ""),
    *zip(PERSIAN_DIGITS, LATIN_DIGITS, strict=True),
    *zip(ARABIC_INDIC_DIGITS, LATIN_DIGITS, strict=True),
)


def letter_key(field_name: str) -> Lower:
    """The letter number in ``field_name`` as a search key, made in the database the way
    :func:`normalize_for_search` makes the query's: without ZWNJs and spaces, its digits
    Latin, in lower case («۶/ک‌د/۱۴۰۵» and «6 / کد / 1405» both give «6/کد/1405»). Letter
    numbers are stored normalised (Persian ی/ک, no direction marks), so this is enough."""
    expression = F(field_name)
    for old, new in _LETTER_KEY_MAP:
        expression = Replace(expression, Value(old), Value(new))
    return Lower(expression)


def _letter_rank(alias: str, key: str) -> Case:
    """0 for a letter number equal to ``key``, 1 for one that begins with it, else 2."""
    return Case(
        When(Q(**{alias: key}), then=Value(0)),
        When(Q(**{f"{alias}__startswith": key}), then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )


def _during(field_name: str, period: tuple[datetime.date, datetime.date]) -> Q:
    """``field_name`` (a datetime) falls on a local day from the first to the last of
    ``period``."""
    first, last = (
        timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
        for day in (period[0], period[1] + datetime.timedelta(days=1))
    )
    return Q(**{f"{field_name}__gte": first, f"{field_name}__lt": last})


def _meeting_named(terms: Terms, *, prefix: str = "") -> Q:
    """The meetings whose number, day and body ``terms`` name (all that they name);
    ``prefix`` leads to the meeting from another model («meeting__»)."""
    condition = Q(pk__isnull=False)
    if terms.numbers:
        condition &= Q(**{f"{prefix}number__in": terms.numbers})
    if terms.period:
        condition &= _during(f"{prefix}starts_at", terms.period)
    for word in terms.words:
        condition &= Q(**{f"{prefix}body__search_text__contains": word})
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


def highlight(text: str, needle: str | Iterable[str], *, snippet: bool = False) -> SafeString:
    """``text`` escaped, with every match of the normalised ``needle`` (or of each of
    several needles) in ``<mark>``.

    Matching is on the normalised text, so «نایب‌رئیس» in the text is marked for the query
    «نايب رئيس». With ``snippet`` a long text is cut to the first match and its context.
    """
    text = str(text or "")
    needles = [needle] if isinstance(needle, str) else list(needle)
    found: list[tuple[int, int]] = []
    folded, origin = _normalised_map(text) if any(needles) else ("", [])
    for each in filter(None, needles):
        start = folded.find(each)
        while start != -1:
            end = start + len(each) - 1
            found.append((origin[start], origin[end] + 1))
            start = folded.find(each, start + len(each))
    spans: list[tuple[int, int]] = []
    for start, end in sorted(found, key=lambda span: (span[0], -span[1])):
        if not spans or start >= spans[-1][1]:
            spans.append((start, end))
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


def _group(kind, label, noun, qs: QuerySet, make_hit, more_url: str = "") -> Group:
    # Counted up to one past the limit: the database stops there.
    count = qs.order_by().values("pk")[: COUNT_LIMIT + 1].count()
    rows = list(qs[:GROUP_LIMIT])  # even when none: a query budget independent of the rows
    return Group(
        kind=kind,
        label=str(label),
        noun=str(noun),
        count=min(count, COUNT_LIMIT),
        hits=[make_hit(row) for row in rows],
        more_url=more_url if count > len(rows) else "",
        capped=count > COUNT_LIMIT,
    )


def _bodies(user, needle: str) -> Group:
    qs = visible_bodies(user).filter(search_text__contains=needle).order_by("order", "pk")
    return _group(
        "bodies",
        _("ارکان"),
        _("رکن"),
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
        _("جایگاه"),
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
        _("دستگاه اجرایی"),
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

    return _group("people", _("اشخاص"), _("شخص"), qs, hit)


def _meetings(user, needle: str, query: str, terms: Terms) -> Group:
    matches = Q(body__search_text__contains=needle) | _text_matches("place", query)
    if terms.names_meeting:
        matches |= _meeting_named(terms)
    qs = visible_meetings(user).filter(matches).select_related("body").order_by("-starts_at", "-pk")
    marks = (needle, *terms.marks)
    return _group(
        "meetings",
        _("جلسات"),
        _("جلسه"),
        qs,
        lambda meeting: Hit(
            title=highlight(f"{meeting.title} — {meeting.body.name}", marks),
            url=reverse("committees:meeting_detail", args=[meeting.pk]),
            detail=mark_safe(
                f"{escape(display_short(meeting.starts_at))} · "
                f"{highlight(meeting.place, needle)} · {escape(meeting.get_state_display())}"
            ),
        ),
    )


def _asks_for_minutes(needle: str, terms: Terms) -> bool:
    """Whether the minutes' group can match: the query names minutes or holds a digit (as
    every letter number does)."""
    return terms.minutes_word or bool(terms.letter) or any(c.isdigit() for c in needle)


def _minutes(user, needle: str, terms: Terms, today: datetime.date) -> Group:
    """Approved minutes: by letter number, or named with «صورتجلسه» and their meeting's
    number, day (or year) and body."""
    wanted = terms.letter or needle
    if terms.letter:
        matches = Q(letter_key=terms.letter)
    else:
        matches = Q(letter_key__contains=needle)
        if terms.minutes_word:
            matches |= _meeting_named(terms, prefix="meeting__")
    qs = (
        Minutes.objects.filter(
            meeting__state=MeetingState.APPROVED,
            meeting__in=visible_meetings(user, on_date=today).values("pk"),
        )
        .alias(letter_key=letter_key("letter_number"))
        .filter(matches)
        .annotate(rank=_letter_rank("letter_key", wanted))
        .select_related("meeting__body")
        .defer("snapshot", "canonical", "preamble")  # what the PDF prints: not needed here
        .order_by("rank", "-meeting__starts_at", "-pk")
    )
    marks = (needle, *terms.marks)

    def hit(minutes: Minutes) -> Hit:
        meeting = minutes.meeting
        title = _("صورتجلسه %(meeting)s") % {"meeting": meeting.title}
        detail = [escape(display_short(meeting.starts_at))]
        if minutes.letter_number:
            number = highlight(digits(minutes.letter_number), wanted)
            detail.insert(0, escape(_("شماره %(number)s")) % {"number": f"<bdi>{number}</bdi>"})
        return Hit(
            title=highlight(f"{title} — {meeting.body.name}", marks),
            url=reverse("committees:meeting_detail", args=[meeting.pk]),
            detail=mark_safe(" · ".join(detail)),  # every piece is escaped above
            links=(
                (str(_("PDF صورتجلسه")), reverse("resolutions:minutes_pdf", args=[meeting.pk])),
            ),
        )

    return _group("minutes", _("صورتجلسه‌ها"), _("صورتجلسه"), qs, hit)


def _resolutions(user, needle: str, query: str, today: datetime.date) -> Group:
    qs = Resolution.objects.filter(meeting__state=MeetingState.APPROVED)
    if not reads_everything(user):
        allowed = Q(is_public=True)
        if user.is_authenticated:
            allowed |= records_of_own_bodies(user, "meeting__body_id", on_date=today)
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

    return _group("resolutions", _("مصوبات"), _("مصوبه"), qs, hit, more_url=more)


def _directives(user, needle: str, query: str, terms: Terms) -> Group:
    """By letter number (a whole one exactly, the equal and then the beginning ones first),
    by the resolution's text and by the agency's name."""
    wanted = terms.letter or needle
    if terms.letter:
        matches = Q(letter_key=terms.letter)
    else:
        # The resolutions and agencies that match, each found on its own (the resolutions'
        # text by its trigram index on PostgreSQL), then their directives by foreign key:
        # never the text of every directive's resolution joined row by row.
        texts = Resolution.all_objects.filter(_text_matches("text", query)).values("pk")
        agencies = Agency.objects.filter(search_text__contains=needle).values("pk")
        matches = (
            Q(resolution_id__in=texts) | Q(agency_id__in=agencies) | Q(letter_key__contains=needle)
        )
    qs = (
        visible_directives(user)
        .alias(letter_key=letter_key("letter_number"))
        .filter(matches)
        .select_related("agency", "resolution")
    )
    if "/" in wanted or any(c.isdigit() for c in wanted):
        # Only a query with a digit or a «/» can equal or begin a letter number (a body's
        # pattern may put its prefix first); a word is ordered newest first alone.
        qs = qs.annotate(rank=_letter_rank("letter_key", wanted)).order_by(
            "rank", "-issued_on", "-sequence"
        )
    else:
        qs = qs.order_by("-issued_on", "-sequence")
    return _group(
        "directives",
        _("ابلاغ‌ها"),
        _("ابلاغ"),
        qs,
        lambda directive: Hit(
            title=mark_safe(
                f"<bdi>{highlight(digits(directive.letter_number), wanted)}</bdi> — "
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
    terms = read_query(query)
    groups = [
        _bodies(user, needle),
        _seats(user, needle),
        _agencies(needle, query),
        _people(user, needle, today),
        _meetings(user, needle, query, terms),
    ]
    if _asks_for_minutes(needle, terms):
        groups.append(_minutes(user, needle, terms, today))
    groups.append(_resolutions(user, needle, query, today))
    if user.is_authenticated:
        groups.append(_directives(user, needle, query, terms))
    return SearchResult(query=query, needle=needle, groups=[g for g in groups if g.count])


__all__ = [
    "GROUP_LIMIT",
    "Group",
    "Hit",
    "SearchResult",
    "Terms",
    "highlight",
    "is_letter_number",
    "letter_key",
    "portal_search",
    "read_query",
]
