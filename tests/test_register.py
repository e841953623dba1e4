"""The register of resolutions (with its Persian-normalised search) and the public page of
resolutions marked public."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from guardian.shortcuts import assign_perm

from committees.models import Meeting
from egov_portal.text.jalali import format_jalali_short
from resolutions.models import Directive, Resolution
from resolutions.selectors import register as register_selectors
from resolutions.services.directives import directive_acknowledge, progress_report_add
from tests.directive_helpers import approved_with, education, water
from tests.meeting_helpers import in_review_meeting, user

pytestmark = pytest.mark.django_db


def _texts(response) -> list[str]:
    assert response.status_code == 200
    return [r.text for r in response.context["page_obj"]]


def _register(client, **params):
    return _texts(client.get(reverse("resolutions:register"), params))


def _approved(body, *texts: str, **extra) -> list[Resolution]:
    meeting = approved_with(
        body, *[{"responsible": [education()], "text": t, **extra} for t in texts]
    )
    return list(meeting.resolutions.order_by("order"))


# --- search ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stored", "query"),
    [
        ("گزارش نايب رئيس کارگروه", "نایب‌رئیس"),  # Arabic yeh and a space; Persian yeh, ZWNJ
        ("گزارش نایب‌رئیس کارگروه", "نایبرئیس"),  # ZWNJ in the text, none in the query
        ("گزارش نایب‌رئیس کارگروه", "نايب رئيس"),
        ("سامانه كارتابل الكترونيك", "کارتابل الکترونیک"),  # Arabic kaf
        ("برنامه ۱۴۰۴ استان", "1404"),  # digits in any script
    ],
)
def test_search_ignores_spelling_variants(stored, query, working_group, persona_client):
    _approved(working_group, stored, "متن دیگری درباره امنیت")
    found = _register(persona_client("secretary"), q=query)
    assert found == [stored]


def test_exact_matches_are_found_beyond_the_search_window(
    working_group, persona_client, monkeypatch
):
    """Normalised matching looks at the newest SEARCH_WINDOW resolutions; the database still
    finds a text typed exactly as stored among all of them."""
    from resolutions.services.minutes import minutes_approve
    from resolutions.services.resolutions import resolution_create

    older = in_review_meeting(working_group)
    Meeting.objects.filter(pk=older.pk).update(
        starts_at=timezone.now() - datetime.timedelta(days=400)
    )
    for text in ("نايب رئيس قدیمی", "نایب رئیس قدیمی"):
        resolution_create(meeting=older, text=text, kind="decision")
    minutes_approve(meeting=older, user=user("chair"))
    _approved(working_group, "جدیدترین مصوبه")
    monkeypatch.setattr(register_selectors, "SEARCH_WINDOW", 1)
    client = persona_client("secretary")
    assert _register(client, q="نایب رئیس قدیمی") == ["نایب رئیس قدیمی"]


def test_the_search_window_is_stated_on_the_page(persona_client):
    html = persona_client("member").get(reverse("resolutions:register")).content.decode()
    assert "۵۰۰ مصوبه تازه‌تر" in html


# --- who sees what, filters -------------------------------------------------------------------


def test_secretariat_sees_every_resolution_of_its_bodies(working_group, persona_client):
    _approved(working_group, "مصوبه غیرعمومی کارگروه")
    assert "مصوبه غیرعمومی کارگروه" in _register(persona_client("secretary"))
    assert "مصوبه غیرعمومی کارگروه" in _register(persona_client("governor_office"))
    assert "مصوبه غیرعمومی کارگروه" in _register(persona_client("admin"))


def test_members_and_the_chair_see_every_resolution_of_their_bodies(working_group, persona_client):
    _approved(working_group, "مصوبه غیرعمومی کارگروه")
    for persona in ("member", "chair"):
        texts = _register(persona_client(persona))
        assert "مصوبه غیرعمومی کارگروه" in texts, persona  # they read its minutes anyway


def test_others_see_public_resolutions_only(working_group, persona_client):
    _approved(working_group, "مصوبه غیرعمومی کارگروه")
    _approved(working_group, "مصوبه عمومی کارگروه", is_public=True)
    for persona in ("outsider",):  # no seat, no grant: public resolutions only
        texts = _register(persona_client(persona))
        assert "مصوبه عمومی کارگروه" in texts
        assert "مصوبه غیرعمومی کارگروه" not in texts, persona


def test_resolutions_of_unapproved_minutes_are_not_listed(working_group, persona_client):
    from resolutions.services.resolutions import resolution_create

    meeting = in_review_meeting(working_group)
    resolution_create(meeting=meeting, text="پیش‌نویس مصوبه", kind="decision")
    assert "پیش‌نویس مصوبه" not in _register(persona_client("admin"))


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(reverse("resolutions:register"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_register_filters(working_group, steering, persona_client):
    (resolution,) = _approved(working_group, "مصوبه کارگروه")
    _approved(working_group, "مصوبه عمومی", is_public=True)
    assign_perm("committees.chair_body", user("chair"), steering)
    _approved(steering, "مصوبه کمیته راهبری")
    client = persona_client("admin")
    assert _register(client, body=steering.pk) == ["مصوبه کمیته راهبری"]
    assert "مصوبه کارگروه" in _register(client, body=working_group.pk)
    assert _register(client, public="yes", q="مصوبه عمومی") == ["مصوبه عمومی"]
    assert "مصوبه عمومی" not in _register(client, public="no")
    assert "مصوبه کارگروه" not in _register(client, kind="referral")
    # The meeting's own day in Tehran (Persian digits): near midnight it is not "today".
    day = format_jalali_short(timezone.localdate(resolution.meeting.starts_at))
    assert "مصوبه کارگروه" in _register(client, date_from=day, date_to=day)
    assert _register(client, date_from="1390/01/01", date_to="1390/12/29") == []


def test_status_summary_counts_directives_by_state(working_group, persona_client):
    meeting = approved_with(
        working_group, {"responsible": [education(), water()], "text": "مصوبه با دو ابلاغ"}
    )
    directive = Directive.objects.get(resolution__meeting=meeting, agency=education())
    directive_acknowledge(directive=directive, user=user("itmanager"))
    Directive.objects.filter(resolution__meeting=meeting, agency=water()).update(
        due_date=timezone.localdate() - datetime.timedelta(days=1)
    )
    response = persona_client("secretary").get(
        reverse("resolutions:register"), {"q": "مصوبه با دو ابلاغ"}
    )
    (row,) = response.context["page_obj"]
    assert (row.status.total, row.status.acknowledged, row.status.waiting) == (2, 1, 1)
    assert row.status.overdue == 1
    html = response.content.decode()
    assert "رسید شده: ۱" in html and "معوق: ۱" in html


# --- the public page ----------------------------------------------------------------------------


def test_public_page_shows_public_resolutions_only(working_group, client):
    _approved(working_group, "مصوبه منتشرشده برای مردم", is_public=True)
    _approved(working_group, "مصوبه داخلی دبیرخانه")
    response = client.get(reverse("resolutions:public_resolutions"))
    texts = _texts(response)
    assert "مصوبه منتشرشده برای مردم" in texts
    assert "مصوبه داخلی دبیرخانه" not in texts
    assert "مصوبه داخلی دبیرخانه" not in response.content.decode()


def test_public_page_shows_status_without_agency_internals(working_group, client):
    meeting = approved_with(
        working_group,
        {"responsible": [education(), water()], "text": "مصوبه عمومی پیگیری", "is_public": True},
    )
    directive = Directive.objects.get(resolution__meeting=meeting, agency=education())
    directive_acknowledge(directive=directive, user=user("itmanager"))
    progress_report_add(
        directive=directive, user=user("itmanager"), percent=40, narrative="شرح محرمانه اقدامات"
    )
    Directive.objects.filter(resolution__meeting=meeting, agency=water()).update(
        due_date=timezone.localdate() - datetime.timedelta(days=1)
    )
    html = client.get(reverse("resolutions:public_resolutions")).content.decode()
    assert "۰ از ۲ دستگاه انجام داده‌اند" in html
    assert "۱ دستگاه پس از مهلت" in html
    assert "شرح محرمانه اقدامات" not in html
    assert directive.letter_number not in html


def test_public_page_ignores_unapproved_minutes(working_group, client):
    from resolutions.services.resolutions import resolution_create

    meeting = in_review_meeting(working_group)
    resolution_create(meeting=meeting, text="پیش‌نویس عمومی", kind="decision", is_public=True)
    assert "پیش‌نویس عمومی" not in _texts(client.get(reverse("resolutions:public_resolutions")))


# --- query budgets ---------------------------------------------------------------------------


def _resolutions(working_group, many: bool, **extra) -> None:
    n = 30 if many else 1
    approved_with(
        working_group,
        *[{"responsible": [education(), water()], "text": f"مصوبه {i}", **extra} for i in range(n)],
    )


@pytest.mark.parametrize("many", [False, True])
@pytest.mark.parametrize(("params", "queries"), [({}, 12), ({"q": "مصوبه"}, 13)])
def test_register_query_budget(
    many, params, queries, working_group, persona_client, django_assert_num_queries
):
    _resolutions(working_group, many)
    client = persona_client("secretary")
    with django_assert_num_queries(queries):
        assert client.get(reverse("resolutions:register"), params).status_code == 200


@pytest.mark.parametrize("many", [False, True])
def test_public_page_query_budget(many, working_group, client, django_assert_num_queries):
    _resolutions(working_group, many, is_public=True)
    with django_assert_num_queries(4):
        assert client.get(reverse("resolutions:public_resolutions")).status_code == 200


def test_register_count_is_kept_per_user_and_filters_until_a_write(
    settings,
    working_group,
    persona_client,
    django_assert_num_queries,
    django_capture_on_commit_callbacks,
):
    """The register's total is kept between requests (it reads every visible resolution);
    the page's rows never are. Another filter, another user or a write counts again."""
    settings.USER_SCOPE_CACHE_SECONDS = 600
    _resolutions(working_group, many=True)
    client = persona_client("secretary")
    url = reverse("resolutions:register")
    total = client.get(url).context["page_obj"].paginator.count
    assert total >= 30
    with django_assert_num_queries(11):  # the budget above less the count
        assert client.get(url, {"page": 2}).context["page_obj"].paginator.count == total
    with django_assert_num_queries(13):  # another filter is counted (the budget above)
        assert client.get(url, {"q": "مصوبه 1"}).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        _approved(working_group, "مصوبه تازه")
    assert client.get(url).context["page_obj"].paginator.count == total + 1
    governor = persona_client("governor_office").get(url).context["page_obj"].paginator
    assert governor.count >= total + 1
