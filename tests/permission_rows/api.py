"""Rows of the permission matrix for the directives API, its OpenAPI document and page, and
the IT manager's pages for his agency's keys and webhooks.

The API opens to an agency key only: a browser session, whoever's, gets 401 (the rows per
key — the agency's own, another agency's, expired, revoked, from a wrong address — are in
``tests/test_api_permissions.py``). The OpenAPI document and its page are public. The keys
and webhooks of «اداره کل آموزش و پرورش» are for its IT manager (``itmanager``) and the
administrator; any other signed-in user gets 403 (agencies are public).
"""

from __future__ import annotations

from resolutions.api.webhooks import webhook_create
from tests.api_helpers import agency_key
from tests.directive_helpers import education
from tests.permission_rows import ALL_200, every
from tests.permission_rows.inbox import _directive_pk


def _agency() -> dict:
    return {"pk": education().pk}


def _token() -> dict:
    token, _secret = agency_key(education())
    return {"pk": education().pk, "token_pk": token.pk}


def _webhook() -> dict:
    webhook = webhook_create(agency=education(), url="https://oa.example.ir/egov-hook")
    return {"pk": education().pk, "webhook_pk": webhook.pk}


KEY_ONLY = every(401)
MANAGES_AGENCY = {**every(403), "anonymous": 302, "admin": 200, "itmanager": 200}
MANAGER_ACTS = {**every(403), "anonymous": 302, "admin": 302, "itmanager": 302}

ROWS = {
    "resolutions:api_directive_list": ("get", dict, KEY_ONLY),
    "resolutions:api_directive_detail": ("get", _directive_pk, KEY_ONLY),
    "resolutions:api_directive_acknowledge": ("post", _directive_pk, KEY_ONLY),
    "resolutions:api_directive_reports": ("post", _directive_pk, KEY_ONLY),
    "resolutions:api_directive_letter": ("get", _directive_pk, KEY_ONLY),
    "resolutions:api_meeting_list": ("get", dict, KEY_ONLY),
    "resolutions:api_schema": ("get", dict, ALL_200),
    "resolutions:api_docs": ("get", dict, ALL_200),
    "resolutions:agency_api_tokens": ("get", _agency, MANAGES_AGENCY),
    "resolutions:agency_api_token_revoke": ("post", _token, MANAGER_ACTS),
    "resolutions:agency_webhooks": ("get", _agency, MANAGES_AGENCY),
    "resolutions:agency_webhook_deactivate": ("post", _webhook, MANAGER_ACTS),
}
