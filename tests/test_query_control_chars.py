"""Control characters in the query string: stripped before any view reads a parameter.

A NUL in ``/search/?q=`` reached PostgreSQL, which refuses it («A string literal cannot
contain NUL»): a 500 for anyone, from the header search on every page. Every URL pattern of
the permission matrix is requested with control characters in every parameter a view reads
(and in a parameter's name), as the anonymous visitor and as the administrator, and must
answer what the matrix expects (or 400 where an endpoint refuses a malformed value), never
a 5xx.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib import admin
from django.contrib.auth.models import AnonymousUser
from django.http import QueryDict
from django.urls import reverse

from egov_portal.audit.views import AuditFilterForm
from egov_portal.middleware import query_without_control_chars
from egov_portal.text.persian import strip_control_chars
from members.models import Agency
from resolutions.forms import DashboardFilterForm, InboxFilterForm, RegisterFilterForm
from resolutions.selectors.search import portal_search
from tests.conftest import client_for
from tests.permission_rows import collect_rows

ROOT = Path(__file__).resolve().parent.parent
MATRIX = collect_rows()

# The GET filter forms; each of their fields is a query parameter.
FILTER_FORMS = (AuditFilterForm, DashboardFilterForm, InboxFilterForm, RegisterFilterForm)
# Every other parameter a view reads (see test_every_parameter_read_in_the_code_is_sent),
# plus what Django's own views read (the sign-in's next).
OTHER_PARAMETERS = {
    "q",
    "page",
    "sort",
    "agency_sort",
    "body_sort",
    "year",
    "month",
    "f",
    "next",
    "language",
    # The agencies' API (DRF: its filter serializers, its pagination) and OParl's lists.
    "page_size",
    "state",
    "modified_since",
    "modified_until",
    "created_since",
    "created_until",
    "omit_internal",
    "limit",
}
# What reads the whole query: the filter forms, the sortable tables, the API's filter
# serializers and OParl's list query (their parameters are in OTHER_PARAMETERS).
QUERY_READERS = {form.__name__ for form in FILTER_FORMS} | {
    "Sorting",
    "DirectiveFilterSerializer",
    "MeetingFilterSerializer",
    "ListQuery",
    "query_without_control_chars",  # the middleware itself
}
PARAMETERS = sorted(OTHER_PARAMETERS | {name for form in FILTER_FORMS for name in form.base_fields})
# The admin's changelist reads these, and a filter's field lookups.
ADMIN_PARAMETERS = ("q", "o", "p", "e", "all", "_popup", "state__exact", "body__id__exact")

# NUL, C0 controls, DEL, a C1 control (NEL), an RLM (not a control: kept), an encoded lone
# surrogate and a stray byte (both undecodable: Django makes them U+FFFD), CR LF and tab.
PAYLOAD = "1%00%E2%80%8F%01%08%0B%1B%7F%C2%85x%ED%A0%80%FF%0D%0A%09"


def _query(names) -> str:
    # One parameter whose very name holds NUL, then every name with the payload.
    return "&".join(["%00q%00=%00", *(f"{name}={PAYLOAD}" for name in names)])


def test_strip_control_chars_keeps_text_and_line_controls():
    text = "نایب\u200cرئیس\x00 ۱۲\x01\x1f\x7f\x85 a\tb\r\nc\u200f\ud800"
    assert strip_control_chars(text) == "نایب\u200cرئیس ۱۲ a\tb\r\nc\u200f"
    assert strip_control_chars("a\tb\r\nc", keep="") == "abc"
    assert strip_control_chars("بدون نویسه کنترلی") == "بدون نویسه کنترلی"


def test_query_without_control_chars_cleans_names_and_values():
    query = QueryDict("q=%00%D9%85%00&q%00=x&page=2%1B&sort=-date")
    cleaned = query_without_control_chars(query)
    assert cleaned.getlist("q") == ["م", "x"]
    assert cleaned["page"] == "2"
    assert cleaned["sort"] == "-date"
    assert not cleaned._mutable
    assert query_without_control_chars(QueryDict("q=%D9%85&page=2")) is None


@pytest.mark.parametrize("persona", ["anonymous", "admin"])
@pytest.mark.parametrize("url_name", sorted(MATRIX))
@pytest.mark.django_db
def test_control_chars_in_every_parameter_change_no_answer(url_name, persona):
    method, kwargs, expected = MATRIX[url_name]
    url = f"{reverse(url_name, kwargs=kwargs())}?{_query(PARAMETERS)}"
    response = getattr(client_for(persona), method)(url)
    # What the matrix expects, or a 400 where the endpoint refuses a malformed value (the
    # OParl lists' dates and limit): never a 5xx.
    assert response.status_code in {expected[persona], 400}


@pytest.mark.django_db
def test_control_chars_in_the_admin_changelists_change_no_answer():
    client = client_for("admin")
    for model in admin.site._registry:
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        # The search alone (a parameter the admin does not know sends it to «?e=1» before
        # it searches), then everything, which may go there.
        assert client.get(f"{url}?q={PAYLOAD}").status_code == 200, url
        assert client.get(f"{url}?{_query(ADMIN_PARAMETERS)}").status_code in {200, 302}, url


@pytest.mark.django_db
def test_search_with_control_chars_finds_what_the_clean_query_finds():
    Agency.objects.create(name="اداره آزمایشی نویسه‌های کنترلی")
    clean = portal_search(user=AnonymousUser(), query="نویسه‌های کنترلی")
    assert {group.kind: group.count for group in clean.groups}.get("agencies") == 1

    response = client_for("anonymous").get("/search/?q=%00نویسه‌های%01 کنترلی%00")
    assert response.status_code == 200
    result = response.context["result"]
    assert result.query == "نویسه‌های کنترلی"
    assert [(g.kind, g.count) for g in result.groups] == [(g.kind, g.count) for g in clean.groups]
    assert "\x00" not in response.content.decode()


@pytest.mark.django_db
def test_links_built_from_the_query_carry_it_cleaned():
    response = client_for("anonymous").get("/agencies/?q=%00%D8%A2%1B&page=1%00")
    assert response.status_code == 200
    assert response.wsgi_request.GET.dict() == {"q": "آ", "page": "1"}
    # The language switch sends the visitor back to this very page.
    assert 'name="next" value="/agencies/?q=%D8%A2&amp;page=1"' in response.content.decode()


_READ_IN_CODE = (
    re.compile(r"request\.GET\.get\(\s*[\"']([\w-]+)[\"']"),
    re.compile(r"request\.GET\[\s*[\"']([\w-]+)[\"']"),
    re.compile(r"\bparam=[\"']([\w-]+)[\"']"),
    re.compile(r"\b\w+_PARAM\s*=\s*[\"']([\w-]+)[\"']"),
    re.compile(r"\b\w*query_param\s*=\s*[\"']([\w-]+)[\"']"),
)
_QUERY_READER = re.compile(
    r"(\w+)(?:\.parse)?\(\s*(?:data=)?(?:self\.)?request\.(?:GET|query_params)\b(?!\.)"
)


def _portal_sources():
    for package in ("egov_portal", "members", "committees", "resolutions"):
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" not in path.parts:
                yield path.read_text(encoding="utf-8")


def test_every_parameter_read_in_the_code_is_sent():
    read, readers = set(), set()
    for source in _portal_sources():
        for pattern in _READ_IN_CODE:
            read |= set(pattern.findall(source))
        readers |= set(_QUERY_READER.findall(source))
    assert read - set(PARAMETERS) == set(), "add these parameters to OTHER_PARAMETERS"
    assert readers - QUERY_READERS == set(), "add their parameters, then them to QUERY_READERS"


@pytest.mark.django_db
@pytest.mark.parametrize("next_value", ["home", "1%00x", "committees:home"])
def test_two_factor_verify_goes_home_for_a_next_that_is_not_a_path(next_value):
    # A word was taken by redirect() for a URL name: NoReverseMatch, a 500.
    response = client_for("admin").get(f"{reverse('two_factor:verify')}?next={next_value}")
    assert response.status_code == 302
    assert response["Location"] == reverse("committees:home")
