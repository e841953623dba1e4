"""What browsers and proxies may keep (egov_portal/caching.py).

Every response to a signed-in user says ``Cache-Control: private, no-store``: each URL
pattern of the permission matrix is requested as the administrator to check it. Public pages for visitors carry an ``ETag`` and answer 304 to it, although the
language switch on every page holds a CSRF token masked afresh each time; nothing is
marked ``public``, and a visitor's page that shows him messages is private too.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils.cache import cc_delim_re

from tests.conftest import client_for
from tests.permission_rows import collect_rows
from tests.permission_rows.structure import _agency_pk, _working_group_pk

MATRIX = collect_rows()

pytestmark = pytest.mark.django_db


def _directives(response) -> set[str]:
    return {d.strip().lower() for d in cc_delim_re.split(response.get("Cache-Control", "")) if d}


def _url(name: str, **kwargs) -> str:
    return reverse(name, kwargs=kwargs)


def _public_urls() -> list[str]:
    """The public pages a visitor reads again and again."""
    return [
        _url("members:agency_list"),
        _url("committees:agency_detail", pk=_agency_pk()),
        _url("committees:body_detail", pk=_working_group_pk()),
        _url("resolutions:public_resolutions"),
        _url("resolutions:verify"),
        _url("resolutions:search") + "?q=%D8%A2%D9%85%D9%88%D8%B2%D8%B4",
        _url("help:index"),
        _url("committees:structure_print"),
    ]


# --- signed in: private, no-store ---------------------------------------------------------


@pytest.mark.parametrize("url_name", sorted(MATRIX))
def test_every_response_to_a_signed_in_user_is_private_no_store(url_name):
    method, kwargs, _expected = MATRIX[url_name]
    response = getattr(client_for("admin"), method)(reverse(url_name, kwargs=kwargs()))
    assert {"private", "no-store"} <= _directives(response), response.get("Cache-Control")
    assert "public" not in _directives(response)
    assert not response.has_header("ETag")


def test_a_signed_in_user_never_gets_304_for_the_page_he_saw_as_a_visitor():
    client = Client()
    url = _url("members:agency_list")
    etag = client.get(url)["ETag"]
    client.force_login(get_user_model().objects.get(username="admin"))
    response = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert reverse("logout") in response.content.decode()  # his menu, not the visitor's page
    assert {"private", "no-store"} <= _directives(response)


def test_a_view_that_sets_its_own_cache_control_keeps_it_and_becomes_private_no_store():
    url = _url("committees:body_ical", pk=_working_group_pk())
    response = client_for("secretary").get(url)
    assert response.status_code == 200
    assert {"private", "no-cache", "no-store"} <= _directives(response)


# --- visitors: validators, never public ---------------------------------------------------


def test_public_pages_carry_an_etag_and_answer_304_to_it():
    for url in _public_urls():
        client = Client()
        first = client.get(url)
        assert first.status_code == 200, url
        assert first.has_header("ETag"), url
        assert not {"private", "no-store", "public"} & _directives(first), url
        if "csrftoken" in first.cookies:  # the page's token is good with this cookie only
            assert "Cookie" in first["Vary"], url
        again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 304, url
        assert again.content == b""
        assert again["ETag"] == first["ETag"]


def test_the_etag_changes_with_the_page():
    client = Client()
    url = _url("members:agency_list")
    etag = client.get(url)["ETag"]
    assert client.get(url + "?q=%D8%A2%D8%A8")["ETag"] != etag
    # The structure page counts its views: each response differs, so none is a 304.
    structure = _url("committees:structure")
    first = client.get(structure)
    assert first.has_header("ETag")
    assert client.get(structure, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


def test_a_304_is_never_given_for_another_visitors_page():
    # The page holds the language switch's CSRF token, good only with its visitor's cookie:
    # another visitor (another cookie) must get the page with his own token.
    url = _url("members:agency_list")
    etag = Client().get(url)["ETag"]
    stranger = Client()
    stranger.get(url)  # he has a CSRF cookie of his own
    response = stranger.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert response["ETag"] != etag


def test_a_visitors_page_showing_messages_is_private_no_store():
    # An impossible month: the calendar says so in a message and shows the current month.
    response = Client().get(_url("committees:calendar") + "?year=abc&month=1")
    assert response.status_code == 200
    assert "معتبر نیست" in response.content.decode()
    assert {"private", "no-store"} <= _directives(response)
    assert not response.has_header("ETag")
