"""Every API route × every kind of key: the agency's own, another agency's, an expired, a
revoked key, one used from an address outside its list, and none (the permission matrix
in ``tests/permission_rows/api.py`` has the rows for the browser personas)."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from members.models import AgencyApiToken
from members.services import agency_api_token_revoke
from tests.api_helpers import agency_key, api_client, education_directive
from tests.directive_helpers import education, water
from tests.meeting_helpers import user

ROUTES = {
    # name: (method, needs a directive, status for the directive's own agency)
    "resolutions:api_directive_list": ("get", False, 200),
    "resolutions:api_directive_detail": ("get", True, 200),
    "resolutions:api_directive_acknowledge": ("post", True, 200),
    "resolutions:api_directive_reports": ("post", True, 400),  # no fields sent
    "resolutions:api_directive_letter": ("get", True, 200),
    "resolutions:api_meeting_list": ("get", False, 200),
}
KEYS = ("own", "other_agency", "expired", "revoked", "wrong_address", "none")


def _client(kind: str) -> Client:
    if kind == "none":
        return Client()
    agency = water() if kind == "other_agency" else education()
    addresses = "10.0.0.0/8" if kind == "wrong_address" else ""
    token, secret = agency_key(agency, addresses=addresses)
    if kind == "expired":
        AgencyApiToken.objects.filter(pk=token.pk).update(
            expires_at=timezone.now() - datetime.timedelta(minutes=1)
        )
    if kind == "revoked":
        agency_api_token_revoke(token=token, user=user("admin"))
    return api_client(secret, address="192.0.2.10" if kind == "wrong_address" else "127.0.0.1")


def expected(route: str, kind: str) -> int:
    _method, needs_directive, own = ROUTES[route]
    if kind in {"expired", "revoked", "none"}:
        return 401
    if kind == "wrong_address":
        return 403
    if kind == "other_agency":
        return 404 if needs_directive else 200
    return own


@pytest.mark.parametrize("kind", KEYS)
@pytest.mark.parametrize("route", sorted(ROUTES))
@pytest.mark.django_db
def test_api_route_for_every_key(route, kind, working_group):
    cache.clear()
    method, needs_directive, _own = ROUTES[route]
    if needs_directive:
        directive = education_directive(working_group)
        url = reverse(route, kwargs={"pk": directive.pk})
    else:
        url = reverse(route)
    if route.endswith("reports") and kind == "own":
        # a report needs a receipt first; without fields it is then a 400, not a 409
        _client("own").post(reverse("resolutions:api_directive_acknowledge", args=[directive.pk]))
    response = getattr(_client(kind), method)(url)
    assert response.status_code == expected(route, kind)
    if response.status_code >= 400:
        assert response["Content-Type"] == "application/json"
        assert set(response.json()) >= {"detail", "code"}


def test_every_api_route_is_in_the_key_matrix():
    from tests.permission_rows.api import ROWS

    api_routes = {name for name in ROWS if name.startswith("resolutions:api_directive")} | {
        "resolutions:api_meeting_list"
    }
    assert api_routes == set(ROUTES)
