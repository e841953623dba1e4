"""Every use of an agency key in the audit trail: one ``AuditEvent`` per request (source
«رابط برنامه‌نویسی»), refused ones included, with the address, method, path and status.

What a request changes (a receipt, a report) is recorded as usual by the trail's receivers,
inside :func:`acting_for`, so those rows carry the source «api» and the agency's system
account as their actor.
"""

from __future__ import annotations

import contextlib

from egov_portal.accounts.security import client_address
from egov_portal.audit.trail import acting_as
from egov_portal.models import AuditAction, AuditEvent, AuditSource
from members.models import AgencyApiToken


def api_use_record(token: AgencyApiToken, request, *, status: int, refused: str = "") -> None:
    """Record one request made with ``token`` (``refused``: the error code it was refused
    with before reaching a view, e.g. ``token_expired``)."""
    after = {"method": request.method, "path": request.path[:300], "status": status}
    if refused:
        after["refused"] = refused
    AuditEvent.objects.create(
        actor_id=token.account_id,
        source=AuditSource.API,
        action=AuditAction.API_CALL,
        model=AgencyApiToken._meta.label,
        object_id=str(token.pk),
        object_repr=f"{token.agency.name} — {token.name} ({token.prefix}…)"[:200],
        body_id=None,
        after=after,
        address=client_address(request) or None,
    )


@contextlib.contextmanager
def acting_for(token: AgencyApiToken):
    """What the block writes is the agency system's doing, from the API."""
    with acting_as(token.account, source=AuditSource.API):
        yield
