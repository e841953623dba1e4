"""Agency keys and API clients, for the API tests."""

from __future__ import annotations

import datetime

from django.test import Client
from django.utils import timezone

from members.models import Agency
from members.services import agency_api_token_create
from resolutions.models import Directive
from tests.directive_helpers import approved_with, education
from tests.meeting_helpers import user

MINIMAL_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def agency_key(agency: Agency, *, days: int = 30, addresses: str = "", name: str = "اتوماسیون"):
    """A key of ``agency`` (the token row and its secret)."""
    return agency_api_token_create(
        agency=agency,
        name=name,
        expires_at=timezone.now() + datetime.timedelta(days=days),
        allowed_addresses=addresses,
        created_by=user("admin"),
    )


def api_client(secret: str, *, address: str = "127.0.0.1") -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}", REMOTE_ADDR=address)


def directive_for(agency: Agency, body, **spec) -> Directive:
    meeting = approved_with(body, {"responsible": [agency], "deadline_working_days": 10, **spec})
    return Directive.objects.get(resolution__meeting=meeting, agency=agency)


def education_directive(body) -> Directive:
    return directive_for(education(), body)
