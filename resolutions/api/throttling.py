"""Rate limits per agency key (``settings.API_RATE_LIMIT``, e.g. «120/min»)."""

from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle


class AgencyTokenThrottle(SimpleRateThrottle):
    """Counts each key's requests in the shared cache (Redis in production), whatever
    address they come from."""

    scope = "agency_key"

    def get_rate(self) -> str:
        return settings.API_RATE_LIMIT

    def get_cache_key(self, request, view) -> str | None:
        token = request.auth
        if token is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": token.pk}
