"""Who is calling: an agency's system, by the key in ``Authorization: Bearer <key>``.

A key is refused when unknown, revoked or expired (401), or when it has an address list
and the request comes from elsewhere (403). Refusals of a known key are in the audit trail
like every other use of it (``resolutions.api.audit``).
"""

from __future__ import annotations

import datetime
import ipaddress

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from egov_portal.accounts.security import client_address
from members.models import AgencyApiToken, parse_address_list
from members.selectors import api_token_for_secret
from resolutions.api.audit import api_use_record

KEYWORD = b"bearer"
MAX_KEY_LENGTH = 200


class TokenRefused(exceptions.AuthenticationFailed):
    pass


def address_allowed(token: AgencyApiToken, address: str) -> bool:
    """Whether a request from ``address`` may use ``token`` (any, without a list)."""
    if not token.allowed_addresses.strip():
        return True
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in parse_address_list(token.allowed_addresses))


#: How stale the key's «last used» may be before a request writes it again: a system that
#: calls every second does not write its key's row every second (every call is in the
#: audit trail all the same).
LAST_USE_PRECISION = datetime.timedelta(minutes=1)


def _last_use_is_stale(token: AgencyApiToken, *, now, address: str) -> bool:
    return (
        token.last_used_at is None
        or now - token.last_used_at >= LAST_USE_PRECISION
        or (token.last_used_from or "") != (address or "")
    )


class AgencyTokenAuthentication(BaseAuthentication):
    """``Authorization: Bearer egov_…``: the request is the agency system's, acting as the
    agency's system account; ``request.auth`` is the key."""

    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != KEYWORD:
            return None
        if len(header) != 2 or len(header[1]) > MAX_KEY_LENGTH:
            raise exceptions.AuthenticationFailed(
                _("سرآیند Authorization باید «Bearer <کلید>» باشد."), code="token_malformed"
            )
        try:
            secret = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(
                _("کلید نامعتبر است."), code="token_invalid"
            ) from None
        token = api_token_for_secret(secret)
        if token is None:
            raise exceptions.AuthenticationFailed(_("کلید نامعتبر است."), code="token_invalid")
        now = timezone.now()
        address = client_address(request._request)
        refusal: exceptions.APIException | None = None
        if token.revoked_at is not None:
            refusal = exceptions.AuthenticationFailed(
                _("این کلید باطل شده است."), code="token_revoked"
            )
        elif token.expires_at <= now:
            refusal = exceptions.AuthenticationFailed(
                _("اعتبار این کلید به پایان رسیده است."), code="token_expired"
            )
        elif not address_allowed(token, address):
            refusal = exceptions.PermissionDenied(
                _("این کلید از این نشانی پذیرفته نیست."), code="address_not_allowed"
            )
        if refusal is not None:
            api_use_record(
                token,
                request,
                status=refusal.status_code,
                refused=refusal.get_codes(),
            )
            raise refusal
        if _last_use_is_stale(token, now=now, address=address):
            AgencyApiToken.objects.filter(pk=token.pk).update(
                last_used_at=now, last_used_from=address or None
            )
        return token.account, token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class AgencyTokenScheme(OpenApiAuthenticationExtension):
    """The key in the OpenAPI document: an HTTP bearer scheme."""

    target_class = AgencyTokenAuthentication
    name = "agencyKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An agency system's key: Authorization: Bearer egov_…",
        }
