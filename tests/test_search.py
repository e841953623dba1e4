"""The portal-wide search: Persian spellings, digits of any script, grouping, highlighting
and — above all — that nobody finds what he may not see."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from committees.models import Body, Seat
from members.models import Agency
from resolutions.selectors.search import GROUP_LIMIT, highlight, portal_search, spellings
from tests.directive_helpers import approved_with, education, water
from tests.factories import BodyFactory, SeatFactory

pytestmark = pytest.mark.django_db
URL = "/search/"


def _user(username: str):
    return get_user_model().objects.get(username=username)


def _kinds(result) -> dict[str, int]:
    return {group.kind: group.count for group in result.groups}


def test_search_url_is_named():
    assert reverse("resolutions:search") == URL


@pytest.mark.parametrize("query", ["نایبرئیس", "نايب رئيس", "نایب‌رئیس", "نایب رئیس"])
def test_spellings_of_vice_chair_find_the_same_seat_and_body(query):
    body = BodyFactory(name="کمیته نایب‌رئیس آزمایشی")
    seat = SeatFactory(body=body, title="نایب‌رئیس کمیته")
    result = portal_search(user=AnonymousUser(), query=query)
    groups = {group.kind: group for group in result.groups}
    assert body.name in [h.url and Body.objects.get(pk=body.pk).name for h in groups["bodies"].hits]
    assert any(str(seat.body_id) in h.url for h in groups["seats"].hits)
    assert all("<mark>" in str(h.title) for h in groups["seats"].hits)


@pytest.mark.parametrize("query", ["۱۲۷", "127", "١٢٧"])
def test_digits_in_any_script_find_agencies_and_resolution_text(query, working_group):
    Agency.objects.create(name="اداره منطقه ۱۲۷ آزمایشی")
    approved_with(working_group, {"text": "اجرای طرح 127 در استان", "is_public": True})
    kinds = _kinds(portal_search(user=AnonymousUser(), query=query))
    assert kinds.get("agencies") == 1
    assert kinds.get("resolutions") == 1


def test_spellings_cover_arabic_letters_zwnj_and_digits():
    forms = spellings("نایب‌رئیس ۱۲")
    assert "نايب‌رئيس 12" in forms
    assert "نایب رئیس ۱۲" in forms
    assert "نایبرئیس 12" in forms


def test_highlight_escapes_and_marks_across_spellings():
    html = str(highlight("<b>نایب‌رئیس</b> کمیته", "نایبرئیس"))
    assert html == "&lt;b&gt;<mark>نایب‌رئیس</mark>&lt;/b&gt; کمیته"
    assert str(highlight("<script>", "")) == "&lt;script&gt;"


def test_page_marks_the_match_and_escapes_the_query(client):
    BodyFactory(name="کمیته <i>ویژه</i> آزمایشی")
    response = client.get(URL, {"q": "<i>ویژه"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<i>ویژه" not in html
    assert "&lt;i&gt;ویژه" in html
    assert "<mark>" in html


def test_empty_query_shows_the_help(client):
    response = client.get(URL, {"q": "   "})
    assert response.status_code == 200
    assert 'data-testid="search-empty"' in response.content.decode()


def test_nothing_found_says_so(client):
    response = client.get(URL, {"q": "واژه‌ای-که-نیست"})
    assert 'data-testid="search-nothing"' in response.content.decode()


def test_people_show_names_and_posts_never_contact_details(client):
    from members.models import Person

    person = Person.objects.filter(holdings__end_date__isnull=True).exclude(email="").first()
    if person is None:
        person = Person.objects.filter(holdings__end_date__isnull=True).first()
        person.email = "secret@example.org"
        person.mobile = "09121234567"
        person.save()
    html = client.get(URL, {"q": person.last_name}).content.decode()
    assert 'data-testid="search-group-people"' in html
    for private in (person.email, person.mobile, person.national_code):
        if private:
            assert private not in html


def test_it_manager_never_finds_another_agencys_directive(working_group):
    approved_with(working_group, {"text": "راه‌اندازی دروازه یکتای آب", "responsible": [water()]})
    approved_with(
        working_group, {"text": "راه‌اندازی دروازه یکتای آموزش", "responsible": [education()]}
    )
    own = portal_search(user=_user("itmanager"), query="دروازه یکتای")
    directives = {g.kind: g for g in own.groups}["directives"]
    assert directives.count == 1
    assert "آموزش" in str(directives.hits[0].title)
    other = portal_search(user=_user("itmanager2"), query="دروازه یکتای")
    directives = {g.kind: g for g in other.groups}["directives"]
    assert directives.count == 1
    assert "آموزش" not in str(directives.hits[0].title)
    for group in portal_search(user=_user("itmanager2"), query="آموزش و پرورش").groups:
        if group.kind == "directives":
            assert not any("آموزش و پرورش" in str(hit.title) for hit in group.hits)


def test_anonymous_finds_no_directive_and_no_private_resolution(client, working_group):
    approved_with(working_group, {"text": "مصوبه محرمانه آزمایشی", "responsible": [education()]})
    approved_with(working_group, {"text": "مصوبه همگانی آزمایشی", "is_public": True})
    kinds = _kinds(portal_search(user=AnonymousUser(), query="مصوبه"))
    assert "directives" not in kinds
    html = client.get(URL, {"q": "آزمایشی"}).content.decode()
    assert "همگانی" in html
    assert "محرمانه" not in html
    # The governor's office reads both, and the directive.
    office = _kinds(portal_search(user=_user("governor_office"), query="محرمانه"))
    assert office.get("resolutions") == 1 and office.get("directives") == 1


def test_non_public_body_is_found_only_by_its_readers():
    BodyFactory(name="کارگروه پنهان آزمایشی", is_public=False)
    assert "bodies" not in _kinds(portal_search(user=AnonymousUser(), query="پنهان"))
    assert "bodies" not in _kinds(portal_search(user=_user("outsider"), query="پنهان"))
    assert _kinds(portal_search(user=_user("governor_office"), query="پنهان"))["bodies"] == 1


def test_meetings_follow_the_meeting_rules(working_group):
    from tests.meeting_helpers import scheduled_meeting

    meeting = scheduled_meeting(working_group)
    meeting.place = "تالار شهید بهشتی"
    meeting.save()
    assert "meetings" not in _kinds(portal_search(user=AnonymousUser(), query="بهشتی"))
    assert "meetings" not in _kinds(portal_search(user=_user("outsider"), query="بهشتی"))
    assert _kinds(portal_search(user=_user("secretary"), query="بهشتی"))["meetings"] == 1


def test_groups_are_capped_with_a_more_link(client):
    for n in range(GROUP_LIMIT + 3):
        Agency.objects.create(name=f"اداره سقف‌دار {n}")
    result = portal_search(user=AnonymousUser(), query="سقف دار")
    group = {g.kind: g for g in result.groups}["agencies"]
    assert group.count == GROUP_LIMIT + 3
    assert len(group.hits) == GROUP_LIMIT
    assert group.more_url.startswith(reverse("members:agency_list"))
    html = client.get(URL, {"q": "سقف دار"}).content.decode()
    assert "بیشتر" in html


def test_counts_stop_at_the_limit_and_say_more_than(client, monkeypatch):
    """A common word matches a share of all the years: each group counts up to
    COUNT_LIMIT and the page says «بیش از …» rather than count every match."""
    monkeypatch.setattr("resolutions.selectors.search.COUNT_LIMIT", GROUP_LIMIT + 1)
    for n in range(GROUP_LIMIT + 3):
        Agency.objects.create(name=f"اداره سقف‌دار {n}")
    result = portal_search(user=AnonymousUser(), query="سقف دار")
    group = {g.kind: g for g in result.groups}["agencies"]
    assert (group.count, group.capped, group.has_more) == (GROUP_LIMIT + 1, True, True)
    assert result.capped
    html = client.get(URL, {"q": "سقف دار"}).content.decode()
    limit = str(GROUP_LIMIT + 1).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    assert f"بیش از {limit}" in html
    assert "جستجو را دقیق‌تر کنید" in html

    monkeypatch.setattr("resolutions.selectors.search.COUNT_LIMIT", GROUP_LIMIT + 3)
    group = {g.kind: g for g in portal_search(user=AnonymousUser(), query="سقف دار").groups}
    assert (group["agencies"].count, group["agencies"].capped) == (GROUP_LIMIT + 3, False)


def test_search_form_is_in_the_header(client):
    html = client.get(reverse("committees:structure")).content.decode()
    assert 'role="search"' in html
    assert f'action="{URL}"' in html


@pytest.fixture
def hits(request, working_group):
    """``request.param`` agencies, bodies, seats, people with a post, and public
    resolutions (with directives to اداره کل آموزش و پرورش) matching «بودجه ای»."""
    from tests.factories import PersonFactory, PositionHoldingFactory

    extra = request.param
    for n in range(extra):
        Agency.objects.create(name=f"اداره بودجه‌ای {n}")
        body = BodyFactory(name=f"کمیته بودجه‌ای {n}")
        SeatFactory(body=body, title=f"عضو بودجه‌ای {n}")
        PositionHoldingFactory(person=PersonFactory(last_name=f"بودجه‌ای{n}"))
    approved_with(
        working_group,
        *[
            {"text": f"مصوبه بودجه‌ای {n}", "responsible": [education()], "is_public": True}
            for n in range(extra)
        ],
    )
    return extra


# The data is made before ``django_assert_num_queries`` empties the per-process caches.
@pytest.mark.parametrize("hits", [1, 15], indirect=True)
def test_search_query_budget(hits, persona_client, django_assert_num_queries):
    client = persona_client("itmanager")
    with django_assert_num_queries(34):  # 33 + the directive scope, uncached
        response = client.get(URL, {"q": "بودجه ای"})
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<mark>") >= 6 * min(hits, GROUP_LIMIT)
    assert 'data-testid="search-group-directives"' in html


@pytest.mark.parametrize("hits", [1, 15], indirect=True)
def test_search_query_budget_anonymous(hits, client, django_assert_num_queries):
    with django_assert_num_queries(14):
        response = client.get(URL, {"q": "بودجه ای"})
    assert response.status_code == 200
    assert 'data-testid="search-group-people"' in response.content.decode()


def test_no_inline_style_in_results(persona_client, working_group):
    approved_with(working_group, {"text": "مصوبه بی‌سبک", "is_public": True})
    html = persona_client("secretary").get(URL, {"q": "سبک"}).content.decode()
    assert ' style="' not in html
    assert Seat.objects.exists()
