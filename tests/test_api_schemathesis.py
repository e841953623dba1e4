"""Property-based test of the directives API from its own OpenAPI document (schemathesis):
the live test server, called with an agency key, never answers with a server error, and
every answer — status, content type, headers, body — is one the document declares.

Runs in CI like every other test (``make test``); it needs no network beyond 127.0.0.1.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from egov_portal.models import AuditEvent
from resolutions.models import Directive
from resolutions.services import directives as follow
from tests.api_helpers import agency_key, directive_for
from tests.directive_helpers import education
from tests.meeting_helpers import user

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture
def api_world(gilan, live_server, settings):
    """The live server with an agency key and directives in every state it can act on."""
    from committees.models import Body, BodyKind

    settings.API_RATE_LIMIT = "100000/min"
    settings.ALLOWED_HOSTS = ["*"]
    body = Body.objects.get(kind=BodyKind.WORKING_GROUP, jurisdiction="گیلان")
    issued = directive_for(education(), body)
    acknowledged = follow.directive_acknowledge(
        directive=directive_for(education(), body), user=user("itmanager")
    )
    _token, secret = agency_key(education())
    ids = list(Directive.objects.filter(agency=education()).values_list("pk", flat=True))
    assert issued.pk in ids and acknowledged.pk in ids
    return {"url": live_server.url, "secret": secret, "ids": ids}


def _exercise(operation, world) -> None:
    @given(case=operation.as_strategy())
    @settings(
        max_examples=25,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    def run(case):
        if case.path_parameters and "id" in case.path_parameters:
            # half the cases on the agency's real directives, the rest on whatever id came
            pk = case.path_parameters["id"]
            if isinstance(pk, int) and pk % 2 == 0:
                case.path_parameters["id"] = world["ids"][pk % len(world["ids"])]
        case.call_and_validate(
            base_url=world["url"],
            headers={"Authorization": f"Bearer {world['secret']}"},
            checks=CHECKS,
        )

    run()


def test_api_conforms_to_its_openapi_document(api_world):
    """Each operation of the document, with cases hypothesis draws from its schema (the
    schemathesis Python API: its pytest plugin does not run on this pytest)."""
    schema = schemathesis.openapi.from_url(f"{api_world['url']}/api/v1/schema/?format=json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {op.path for op in operations} >= {
        "/api/v1/directives/",
        "/api/v1/directives/{id}/",
        "/api/v1/directives/{id}/acknowledge/",
        "/api/v1/directives/{id}/reports/",
        "/api/v1/meetings/",
    }
    for operation in operations:
        _exercise(operation, api_world)
    # the cases did reach the server with the key (each use is in the audit trail)
    calls = AuditEvent.objects.filter(action="api_call", source="api")
    assert calls.count() >= 5 * len(operations)
    assert calls.filter(after__status=200).exists() and calls.filter(after__status=404).exists()
