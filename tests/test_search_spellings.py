"""Every spelling of the search issue: meetings by name, ordinal and Jalali date, approved
minutes by «صورتجلسه» and by letter number, directives by letter number (a whole one exactly,
never «۱۱۶/…» for «۶/…»), the kind of each hit, and one normaliser for ە ة ہ and the
direction marks in search and sorting."""

from __future__ import annotations

import datetime

import jdatetime
import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat
from django.urls import reverse
from django.utils import timezone

from committees.models import Meeting, MeetingState, Minutes
from egov_portal.text.persian import normalize_for_search, persian_sort_key, to_persian_digits
from members.models import Agency
from resolutions.models import Directive
from resolutions.selectors.search import (
    GROUP_LIMIT,
    is_letter_number,
    portal_search,
    read_query,
)
from resolutions.services.minutes import minutes_approve
from resolutions.services.resolutions import resolution_create
from tests.directive_helpers import education, water
from tests.factories import BodyFactory
from tests.meeting_helpers import in_review_meeting, user

pytestmark = pytest.mark.django_db
URL = "/search/"
RLM = "\u200f"
ZWNJ = "\u200c"

# The sixth meeting of the working group sat on 17 Azar 1405; its minutes are ۶/ک‌د/۱۴۰۵.
SIXTH_DAY = jdatetime.date(1405, 9, 17)
SIXTH_LETTER = f"6/ک{ZWNJ}د/1405"
# Demo letter numbers are rewritten to «<sequence>/ک‌د/1405» (whatever year the suite runs
# in), and the newest directive is numbered 116: today it is listed first for «۶/ک‌د/۱۴۰۵».
LONGER_LETTER = f"116/ک{ZWNJ}د/1405"


def _group(result, kind: str):
    return next((group for group in result.groups if group.kind == kind), None)


def _kinds(result) -> dict[str, int]:
    return {group.kind: group.count for group in result.groups}


def _meeting_url(meeting: Meeting) -> str:
    return reverse("committees:meeting_detail", args=[meeting.pk])


def _approve_sixth(body, *, public: bool = False) -> Meeting:
    meeting = in_review_meeting(body)
    starts_at = timezone.make_aware(
        datetime.datetime.combine(SIXTH_DAY.togregorian(), datetime.time(10))
    )
    Meeting.objects.filter(pk=meeting.pk).update(
        number=6,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=2),
        is_public=public,
    )
    Minutes.objects.filter(meeting=meeting).update(letter_number=SIXTH_LETTER)
    meeting.refresh_from_db()
    resolution_create(
        meeting=meeting,
        kind="assignment",
        text="سامانه نوبت‌دهی برخط در همه دفاتر پیشخوان راه‌اندازی شود.",
        responsible=[education()],
    )
    minutes_approve(meeting=meeting, user=user("chair"))
    Directive.objects.update(
        letter_number=Concat(Cast("sequence", CharField()), Value(f"/ک{ZWNJ}د/1405"))
    )
    newest = Directive.objects.order_by("-issued_on", "-sequence").first()
    Directive.objects.filter(pk=newest.pk).update(letter_number=LONGER_LETTER)
    meeting.refresh_from_db()
    return meeting


@pytest.fixture
def sixth(working_group) -> Meeting:
    """The working group's sixth meeting, approved, its minutes not public."""
    return _approve_sixth(working_group)


# --- reading the query -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "number"),
    [
        ("ششم", 6),
        ("جلسه ششم", 6),
        ("جلسه ۶", 6),
        ("جلسه 6", 6),
        ("جلسه ٦", 6),
        ("جلسه شماره ۶", 6),
        ("۶ام", 6),
        ("اول", 1),
        ("یکم", 1),
        ("بیست و یکم", 21),
        ("سی‌ام", 30),
        ("سی ام", 30),
        ("سیام", 30),
        ("صد و بیستم", 120),
        ("دویست و نود و نهم", 299),
        ("سیصدم", 300),
        ("6th", 6),
    ],
)
def test_read_query_finds_the_meeting_number(query, number):
    assert read_query(query).numbers == (number,)


def test_read_query_keeps_the_body_words_apart_from_the_ordinal():
    terms = read_query("ششم کارگروه توسعه")
    assert terms.numbers == (6,)
    assert terms.words == ("کارگروه", "توسعه")
    assert terms.names_meeting and not terms.minutes_word


@pytest.mark.parametrize(
    "query",
    ["۱۴۰۵/۰۹/۱۷", "1405/9/17", "۱۴۰۵-۰۹-۱۷", "١٤٠٥/٠٩/١٧", "۱۴۰۵ / ۰۹ / ۱۷", f"{RLM}۱۴۰۵/۰۹/۱۷"],
)
def test_read_query_finds_the_jalali_day_in_any_digits(query):
    day = SIXTH_DAY.togregorian()
    assert read_query(query).period == (day, day)
    assert not read_query(query).letter


def test_read_query_ignores_an_impossible_day():
    terms = read_query("۱۴۰۵/۱۲/۳۰")  # 1405 is not a leap year
    assert terms.period is None


@pytest.mark.parametrize("query", ["صورتجلسه", "صورت‌جلسه", "صورت جلسه", "صورت\u200c جلسه"])
def test_read_query_knows_the_word_for_minutes(query):
    terms = read_query(query)
    assert terms.minutes_word
    assert not terms.meeting_word  # the «جلسه» of «صورت جلسه» is not a meeting's
    assert terms.words == ()


@pytest.mark.parametrize(
    "query",
    [
        "۶/ک‌د/۱۴۰۵",
        "6/کد/1405",
        "6/ک‌د/1405",
        "۶/کد/۱۴۰۵",
        "۶ / ک‌د / ۱۴۰۵",
        "6 / کد / 1405",
        "٦/كد/١٤٠٥",
        f"{RLM}۶/ک‌د/۱۴۰۵",
        f"۶/ک{RLM}‌د/۱۴۰۵",
    ],
)
def test_read_query_reads_a_whole_letter_number(query):
    assert read_query(query).letter == "6/کد/1405"


@pytest.mark.parametrize("key", ["1405/09/17", "6/کد", "کد/1405", "6/کد/14", "6//1405"])
def test_parts_of_letter_numbers_and_dates_are_not_whole_letter_numbers(key):
    assert not is_letter_number(key)


# --- meetings ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "جلسه ششم",
        "جلسه‌ ششم",
        "جلسه ۶",
        "جلسه 6",
        "جلسه شماره ۶",
        "ششم کارگروه",
        "جلسه ششم کارگروه توسعه",
        f"جلسه{RLM} ششم",
    ],
)
def test_meeting_is_found_by_name_and_ordinal(query, sixth):
    meetings = _group(portal_search(user=user("secretary"), query=query), "meetings")
    assert meetings is not None
    assert [hit.url for hit in meetings.hits] == [_meeting_url(sixth)]


def test_the_body_name_beside_an_ordinal_narrows_the_meetings(sixth):
    office = user("governor_office")
    found = _group(portal_search(user=office, query="جلسه ششم کارگروه"), "meetings")
    assert [hit.url for hit in found.hits] == [_meeting_url(sixth)]
    result = portal_search(user=office, query="جلسه ششم کمیته راهبری")
    assert _group(result, "meetings") is None


def test_the_meetings_title_is_marked(sixth):
    meetings = _group(portal_search(user=user("secretary"), query="ششم کارگروه"), "meetings")
    title = str(meetings.hits[0].title)
    assert "<mark>ششم</mark>" in title
    assert "<mark>کارگروه</mark>" in title


@pytest.mark.parametrize(
    "query",
    [
        "۱۴۰۵/۰۹/۱۷",
        "1405/9/17",
        "۱۴۰۵-۰۹-۱۷",
        "1405-09-17",
        "١٤٠٥/٠٩/١٧",
        "۱۴۰۵ / ۰۹ / ۱۷",
        "جلسه مورخ ۱۴۰۵/۰۹/۱۷",
        "کارگروه ۱۴۰۵/۰۹/۱۷",
    ],
)
def test_meeting_is_found_by_its_jalali_day_in_any_digits(query, sixth):
    meetings = _group(portal_search(user=user("secretary"), query=query), "meetings")
    assert meetings is not None
    assert _meeting_url(sixth) in [hit.url for hit in meetings.hits]
    assert all("۱۴۰۵/۰۹/۱۷" in str(hit.detail) for hit in meetings.hits)


def test_the_body_name_beside_a_day_narrows_the_meetings(sixth):
    office = user("governor_office")
    found = _group(portal_search(user=office, query="کارگروه توسعه ۱۴۰۵/۰۹/۱۷"), "meetings")
    assert _meeting_url(sixth) in [hit.url for hit in found.hits]
    result = portal_search(user=office, query="کمیته راهبری ۱۴۰۵/۰۹/۱۷")
    assert _group(result, "meetings") is None


def test_meetings_by_ordinal_follow_the_meeting_rules(sixth):
    assert _group(portal_search(user=AnonymousUser(), query="جلسه ششم"), "meetings") is None
    assert _group(portal_search(user=user("outsider"), query="جلسه ششم"), "meetings") is None
    assert _group(portal_search(user=user("governor_office"), query="جلسه ششم"), "meetings")


# --- minutes ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "صورتجلسه ششم",
        "صورت‌جلسه ششم",
        "صورت جلسه ششم",
        "صورتجلسه جلسه ششم",
        "صورتجلسه جلسه ۶",
        "صورتجلسه ششم کارگروه",
        f"صورت{RLM}جلسه ششم",
    ],
)
def test_minutes_are_found_by_the_word_and_their_meetings_ordinal(query, sixth):
    minutes = _group(portal_search(user=user("secretary"), query=query), "minutes")
    assert minutes is not None
    assert minutes.count == 1
    hit = minutes.hits[0]
    assert hit.url == _meeting_url(sixth)
    assert hit.links == (("PDF صورتجلسه", reverse("resolutions:minutes_pdf", args=[sixth.pk])),)
    assert "۶/ک‌د/۱۴۰۵" in str(hit.detail)


@pytest.mark.parametrize(
    "query",
    [
        "صورتجلسه ۱۴۰۵/۰۹/۱۷",
        "صورت جلسه ۱۴۰۵/۰۹/۱۷",
        "صورت‌جلسه 1405-9-17",
        "صورتجلسه کارگروه ۱۴۰۵-۰۹-۱۷",
    ],
)
def test_minutes_are_found_by_the_word_and_their_meetings_day(query, sixth):
    minutes = _group(portal_search(user=user("secretary"), query=query), "minutes")
    assert _meeting_url(sixth) in [hit.url for hit in minutes.hits]
    assert all("۱۴۰۵/۰۹/۱۷" in str(hit.detail) for hit in minutes.hits)


def test_minutes_need_the_word_or_their_letter_number(sixth):
    kinds = _kinds(portal_search(user=user("secretary"), query="جلسه ششم"))
    assert "minutes" not in kinds
    assert kinds["meetings"] == 1


@pytest.mark.parametrize("query", ["صورتجلسه", "صورت‌جلسه", "صورت جلسه"])
def test_the_word_alone_lists_every_approved_minutes(query, sixth):
    minutes = _group(portal_search(user=user("governor_office"), query=query), "minutes")
    approved = Minutes.objects.filter(meeting__state=MeetingState.APPROVED)
    assert minutes.count == approved.count() >= 2
    assert _meeting_url(sixth) in [hit.url for hit in minutes.hits]


def test_minutes_of_a_year_by_the_word_and_the_year(sixth):
    minutes = _group(portal_search(user=user("secretary"), query="صورتجلسه ۱۴۰۵"), "minutes")
    assert _meeting_url(sixth) in [hit.url for hit in minutes.hits]
    other_year = _group(portal_search(user=user("secretary"), query="صورتجلسه ۱۴۰۱"), "minutes")
    assert other_year is None or _meeting_url(sixth) not in [h.url for h in other_year.hits]


LETTER_SPELLINGS = [
    "۶/ک‌د/۱۴۰۵",
    "6/کد/1405",
    "6/ک‌د/1405",
    "۶/کد/۱۴۰۵",
    "۶ / ک‌د / ۱۴۰۵",
    "6 / کد / 1405",
    "٦/كد/١٤٠٥",
    f"۶/ک‌د/۱۴۰۵{RLM}",
    f"۶{RLM}/ک‌د/۱۴۰۵",
]


@pytest.mark.parametrize("query", LETTER_SPELLINGS)
def test_minutes_are_found_by_their_letter_number(query, sixth):
    minutes = _group(portal_search(user=user("secretary"), query=query), "minutes")
    assert minutes is not None and minutes.count == 1
    assert minutes.hits[0].url == _meeting_url(sixth)
    assert "<mark>۶/ک‌د/۱۴۰۵</mark>" in str(minutes.hits[0].detail)


@pytest.mark.parametrize("query", LETTER_SPELLINGS)
def test_a_whole_letter_number_finds_that_directive_only(query, sixth):
    directives = _group(portal_search(user=user("governor_office"), query=query), "directives")
    assert directives is not None
    assert directives.count == 1
    assert [str(hit.title).split(" — ")[0] for hit in directives.hits] == [
        "<bdi><mark>۶/ک‌د/۱۴۰۵</mark></bdi>"
    ]
    assert Directive.objects.filter(letter_number__contains="6/ک‌د/1405").count() > 1


def test_part_of_a_letter_number_lists_the_equal_then_the_beginning_ones_first(sixth):
    directives = _group(portal_search(user=user("governor_office"), query="۶/ک‌د"), "directives")
    titles = [str(hit.title) for hit in directives.hits]
    assert titles[0].startswith("<bdi><mark>۶/ک‌د</mark>/۱۴۰۵</bdi>")
    everything = _group(portal_search(user=user("governor_office"), query="کد/1405"), "directives")
    assert everything.count == Directive.objects.count()


def test_an_exact_letter_number_is_listed_before_the_longer_ones(sixth):
    """Part of a letter number that equals one of them lists it first, not the newest."""
    directive = Directive.objects.get(letter_number=f"16/ک{ZWNJ}د/1405")
    result = portal_search(user=user("governor_office"), query="16/کد/1405")
    assert [hit.url for hit in _group(result, "directives").hits] == [
        reverse("resolutions:directive_detail", args=[directive.pk])
    ]
    partial = _group(portal_search(user=user("governor_office"), query="16/کد"), "directives")
    assert partial.hits[0].url == reverse("resolutions:directive_detail", args=[directive.pk])
    assert partial.count == Directive.objects.filter(letter_number__contains="16/ک").count()


def test_it_manager_finds_only_his_agencys_letter_numbers(sixth):
    own = Directive.objects.filter(agency=education()).order_by("sequence").first()
    query = to_persian_digits(own.letter_number).replace(ZWNJ, "")
    found = _group(portal_search(user=user("itmanager"), query=query), "directives")
    assert found.count == 1
    assert found.hits[0].url == reverse("resolutions:directive_detail", args=[own.pk])
    assert _group(portal_search(user=user("itmanager2"), query=query), "directives") is None
    theirs = Directive.objects.filter(agency=water()).order_by("sequence").first()
    query = to_persian_digits(theirs.letter_number)
    assert _group(portal_search(user=user("itmanager"), query=query), "directives") is None


@pytest.mark.parametrize("persona", ["anonymous", "outsider"])
def test_non_public_minutes_are_never_found_by_outsiders(persona, sixth):
    who = AnonymousUser() if persona == "anonymous" else user(persona)
    for query in ("صورتجلسه ششم", "۶/ک‌د/۱۴۰۵", "6/کد/1405"):
        kinds = _kinds(portal_search(user=who, query=query))
        assert "minutes" not in kinds
        assert "directives" not in kinds
    # «صورتجلسه» alone lists the public ones only.
    minutes = _group(portal_search(user=who, query="صورتجلسه"), "minutes")
    public = Minutes.objects.filter(meeting__state=MeetingState.APPROVED, meeting__is_public=True)
    assert (minutes.count if minutes else 0) == public.count()
    assert _meeting_url(sixth) not in [hit.url for hit in (minutes.hits if minutes else [])]


def test_public_minutes_are_found_by_everyone_with_their_pdf(client, working_group):
    meeting = _approve_sixth(working_group, public=True)
    html = client.get(URL, {"q": "۶/ک‌د/۱۴۰۵"}).content.decode()
    pdf_url = reverse("resolutions:minutes_pdf", args=[meeting.pk])
    assert 'data-testid="search-group-minutes"' in html
    assert f'href="{pdf_url}"' in html
    assert 'data-testid="search-group-directives"' not in html
    response = client.get(pdf_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"


# --- the page ----------------------------------------------------------------------------------


def test_each_hit_shows_its_kind(persona_client, sixth):
    html = persona_client("governor_office").get(URL, {"q": "۶/ک‌د/۱۴۰۵"}).content.decode()
    assert html.count('data-testid="search-hit-kind"') == 2
    assert '<li class="list-group-item" data-kind="minutes">' in html
    assert '<li class="list-group-item" data-kind="directives">' in html
    assert 'data-testid="search-hit-kind">صورتجلسه</span>' in html
    assert 'data-testid="search-hit-kind">ابلاغ</span>' in html
    html = persona_client("secretary").get(URL, {"q": "جلسه ششم"}).content.decode()
    assert 'data-testid="search-hit-kind">جلسه</span>' in html


def test_kinds_are_translated(persona_client, sixth):
    client = persona_client("governor_office")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(URL, {"q": "۶/ک‌د/۱۴۰۵"}).content.decode()
    assert 'data-testid="search-hit-kind">Minutes</span>' in html
    assert 'data-testid="search-hit-kind">Directive</span>' in html
    assert ">Minutes PDF</a>" in html


# The IT manager's budget for «بودجه ای» in test_search.py is 34 with a hit in every group;
# these queries have no people (no prefetch), and the ones with a digit or «صورتجلسه» ask
# the minutes' group too (2 queries: its count and its rows).
@pytest.mark.parametrize(
    ("query", "budget", "kind"),
    [
        ("۶/ک‌د/۱۴۰۵", 35, "minutes"),
        ("۶/ک‌د", 35, "directives"),
        ("صورتجلسه ششم", 35, "minutes"),
        ("جلسه ششم کارگروه", 33, "meetings"),
    ],
)
def test_query_budget_of_meetings_minutes_and_letter_numbers(
    query, budget, kind, sixth, persona_client, django_assert_num_queries
):
    client = persona_client("itmanager")
    with django_assert_num_queries(budget):
        response = client.get(URL, {"q": query})
    assert f'data-testid="search-group-{kind}"' in response.content.decode()


@pytest.fixture
def many_minutes(request, working_group):
    """``request.param`` more approved meetings of the working group, numbered 100, 101 …"""
    for n in range(request.param):
        meeting = in_review_meeting(working_group)
        Meeting.objects.filter(pk=meeting.pk).update(number=100 + n)
        minutes_approve(meeting=meeting, user=user("chair"))
    return request.param


# The data is made before ``django_assert_num_queries`` empties the per-process caches.
@pytest.mark.parametrize("many_minutes", [1, GROUP_LIMIT + 1], indirect=True)
def test_minutes_query_budget(many_minutes, persona_client, django_assert_num_queries):
    client = persona_client("secretary")
    with django_assert_num_queries(34):
        response = client.get(URL, {"q": "صورتجلسه کارگروه"})
    html = response.content.decode()
    approved = Minutes.objects.filter(meeting__state=MeetingState.APPROVED).count()
    assert approved >= many_minutes + 1
    assert html.count('data-kind="minutes"') == min(approved, GROUP_LIMIT)


# --- one normaliser: ە ة ہ and the direction marks (search and sorting) --------------------


@pytest.mark.parametrize(
    "query",
    [
        "کارگروە توسعە",  # U+06D5
        "کارگروة توسعة",
        "کارگروہ توسعہ",  # U+06C1
        f"کارگروه{RLM} توسعه",
        f"{RLM}کارگروه توسعه{RLM}",
        f"کار{RLM}گروه توسعه",
        "کارگروه\u200e توسعه",
        "کارگروه\u061c توسعه",
    ],
)
def test_heh_variants_and_direction_marks_find_the_body(query, working_group):
    result = portal_search(user=AnonymousUser(), query=query)
    urls = [hit.url for hit in _group(result, "bodies").hits]
    assert reverse("committees:body_detail", args=[working_group.pk]) in urls


@pytest.mark.parametrize("stored", ["دبیرخانە شورا", "دبیرخانة شورا", "دبیرخانہ شورا"])
@pytest.mark.parametrize("query", ["دبیرخانه شورا", f"دبیرخانه{RLM} شورا", "دبیرخانە"])
def test_a_name_stored_with_a_heh_variant_is_found_by_every_spelling(stored, query):
    agency = Agency.objects.create(name=f"{stored} آزمایشی")
    body = BodyFactory(name=f"{stored} آزمایشی")
    assert agency.search_text == body.search_text == normalize_for_search("دبیرخانه شورا آزمایشی")
    kinds = _kinds(portal_search(user=AnonymousUser(), query=query))
    assert kinds.get("agencies") == 1
    assert kinds.get("bodies") == 1


def test_people_are_found_across_heh_variants_and_marks():
    from tests.factories import PersonFactory, PositionHoldingFactory

    PositionHoldingFactory(person=PersonFactory(first_name="فاطمە", last_name="زارعی‌نژاد"))
    for query in ("فاطمه زارعی نژاد", f"فاطمة{RLM} زارعی‌نژاد", "فاطمہ زارعی"):
        assert _kinds(portal_search(user=AnonymousUser(), query=query)).get("people") == 1


@pytest.mark.parametrize("variant", ["ە", "ہ", "ۀ", f"ه{RLM}", f"{RLM}ه"])
def test_heh_variants_and_marks_sort_as_heh(variant):
    assert persian_sort_key(f"کارگرو{variant} الف") == persian_sort_key("کارگروه الف")
    names = [f"کارگرو{variant} ب", "کارگروه الف", "کارگروهی"]
    assert sorted(names, key=persian_sort_key)[:2] == ["کارگروه الف", f"کارگرو{variant} ب"]


def test_the_search_key_has_no_direction_marks_or_heh_variants():
    key = normalize_for_search(f"{RLM}کارگروە‌ توسعة\u200e دولت ہ\u202b\u2067")
    assert key == "کارگروهتوسعهدولته"
